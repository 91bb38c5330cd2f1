"""Albums and hearts in Chromium: an album made from a selection in two folders, its page sorted
by date taken, its ZIP (names and bytes), a photo trashed (gone from it) and restored (back), and
a tile's heart that puts the photo on Favourites."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.test_library import open_folder, sign_in
from tests.e2e.test_timeline import shot
from tests.timeline_photos import dated_jpeg

ALBUM = "Spring 2019"
# Two folders whose photos interleave by date taken: the album sorts by that, not by folder.
PHOTOS = {
    "AlbumA": [("alb-a1.jpg", datetime(2019, 5, 1, 10)), ("alb-a2.jpg", datetime(2019, 3, 1, 10))],
    "AlbumB": [("alb-b1.jpg", datetime(2019, 4, 1, 10))],
}
NEWEST_FIRST = ["alb-a1.jpg", "alb-b1.jpg", "alb-a2.jpg"]


def tile(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def select(page: Page, names: list[str]) -> None:
    for name in names:
        page.get_by_role("checkbox", name=f"Select {name}").click()
    expect(page.get_by_text(f"{len(names)} selected")).to_be_visible()


def album_tiles(page: Page) -> list[str]:
    """The album grid's tiles in the order shown."""
    return page.locator("section[data-rdrive-day] button:not(.rdrive-heart)").evaluate_all(
        "(buttons) => buttons.map((b) => b.getAttribute('aria-label'))"
    )


def test_album_from_two_folders_zip_trash_restore_and_hearts(page: Page, app_server, tmp_path):
    files: dict[str, Path] = {}
    for folder, photos in PHOTOS.items():
        (tmp_path / folder).mkdir()
        for n, (name, taken) in enumerate(photos):
            files[name] = dated_jpeg(tmp_path / folder / name, taken, (48, 32), 40 + n)
    done = app_server.rdrive("import", str(tmp_path), "--folder", "/")
    assert done.returncode == 0, done.stdout + done.stderr
    sign_in(page, app_server)

    # A selection in the first folder makes a new album; one in the second joins it.
    open_folder(page, "AlbumA")
    for name, _ in PHOTOS["AlbumA"]:
        expect(page.get_by_role("img", name=name)).to_be_visible(timeout=60_000)
    select(page, ["alb-a1.jpg", "alb-a2.jpg"])
    page.get_by_role("button", name="Add to album").click()
    dialog = page.get_by_role("dialog", name="Add to album")
    dialog.get_by_label("New album…").fill(ALBUM)
    dialog.get_by_role("button", name="Create and add").click()
    expect(page.get_by_text(f"Added 2 items to “{ALBUM}”.")).to_be_visible()
    expect(dialog).to_have_count(0)

    page.get_by_role("link", name="Library").click()
    open_folder(page, "AlbumB")
    expect(page.get_by_role("img", name="alb-b1.jpg")).to_be_visible(timeout=60_000)
    # The folder grid's heart: shown on hover, pressed once pressed.
    heart = page.get_by_role("button", name="Favourite alb-b1.jpg")
    expect(heart).to_have_attribute("aria-pressed", "false")
    tile(page, "alb-b1.jpg").hover()
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")
    select(page, ["alb-b1.jpg"])
    page.get_by_role("button", name="Add to album").click()
    page.get_by_role("dialog", name="Add to album").get_by_role(
        "button", name=f"Add to {ALBUM}"
    ).click()
    expect(page.get_by_text(f"Added 1 item to “{ALBUM}”.")).to_be_visible()

    # The Albums page: its card with the count; the album's page, newest taken first.
    page.get_by_role("link", name="Albums").click()
    card = page.get_by_role("link", name=ALBUM)
    expect(card).to_contain_text("3 items")
    shot(page, "70-albums")
    card.click()
    expect(page).to_have_url(re.compile(r"/albums/[0-9a-f]+$"))
    expect(page.get_by_role("heading", name=ALBUM)).to_be_visible()
    expect(page.get_by_role("img", name="alb-a2.jpg")).to_be_visible()
    assert album_tiles(page) == NEWEST_FIRST
    shot(page, "71-album-page")

    # The viewer steps through the album only.
    tile(page, "alb-a1.jpg").click()
    viewer = page.get_by_role("dialog")
    expect(viewer.get_by_role("img", name="alb-a1.jpg")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(viewer.get_by_role("img", name="alb-b1.jpg")).to_be_visible()
    expect(viewer.get_by_role("button", name="Favourite", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )  # the heart pressed on the folder's tile
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # The album's ZIP: its photos under the album's name, byte for byte.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download album as ZIP").click()
    download = info.value
    assert download.suggested_filename == f"{ALBUM}.zip"
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        assert sorted(archive.namelist()) == sorted(f"{ALBUM}/{n}" for n in NEWEST_FIRST)
        for name in NEWEST_FIRST:
            assert archive.read(f"{ALBUM}/{name}") == files[name].read_bytes()

    # Trashed: gone from the album (after a reload too); restored: back.
    select(page, ["alb-b1.jpg"])
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(tile(page, "alb-b1.jpg")).to_have_count(0)
    page.reload()
    expect(page.get_by_text("2 items")).to_be_visible()
    expect(page.get_by_role("img", name="alb-a2.jpg")).to_be_visible()
    assert album_tiles(page) == ["alb-a1.jpg", "alb-a2.jpg"]
    album_url = page.url
    page.goto("/trash")
    page.get_by_role("listitem", name="alb-b1.jpg").get_by_role("button", name="Restore").click()
    expect(page.get_by_role("listitem", name="alb-b1.jpg")).to_have_count(0)
    page.goto(album_url)
    expect(page.get_by_text("3 items")).to_be_visible()
    expect(tile(page, "alb-b1.jpg")).to_be_visible()
    assert album_tiles(page) == NEWEST_FIRST

    # The timeline grid's heart (the album page's tiles): the photo joins the Favourites.
    heart = page.get_by_role("button", name="Favourite alb-a2.jpg")
    tile(page, "alb-a2.jpg").hover()
    expect(heart).to_have_attribute("aria-pressed", "false")
    shot(page, "72-album-heart-on-hover")
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="Favourites").click()
    expect(page.get_by_role("heading", name="Favourites")).to_be_visible()
    expect(tile(page, "alb-a2.jpg")).to_be_visible()
    expect(tile(page, "alb-b1.jpg")).to_be_visible()
    expect(tile(page, "alb-a1.jpg")).to_have_count(0)
    shot(page, "73-favourites")
