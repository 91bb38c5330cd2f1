"""Search, tags and descriptions in Chromium: three photos tagged from a selection are found by
the tag in the search box and on the Tags page, a photo described in the viewer's info panel is
found by a word of its description, a real camera's photo by its model, and a query far too long
says why instead of failing."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.test_albums import select, tile
from tests.e2e.test_library import open_folder, sign_in
from tests.e2e.test_timeline import shot
from tests.timeline_photos import dated_jpeg

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media" / "photos"
NAMES = ["peak-1.jpg", "peak-2.jpg", "peak-3.jpg", "peak-4.jpg"]
TAGGED = NAMES[:3]


def ui_shot(page: Page, name: str) -> None:
    """A screenshot to look at: with the others (tests/screenshots/) and as /tmp/ui-<name>.png."""
    shot(page, name)
    page.screenshot(path=f"/tmp/ui-{name}.png", full_page=True)


def search(page: Page, text: str) -> None:
    """Type into the top bar's box and press Enter, as a person would."""
    box = page.get_by_role("searchbox", name="Search")
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_role("heading", name="Search")).to_be_visible()


def count_line(page: Page):
    """The line that says how many results there are."""
    return page.get_by_role("status").filter(has_text="results")


def shown(page: Page) -> list[str]:
    """The names of the result tiles, in order."""
    return page.locator(".rdrive-tile > button:not(.rdrive-heart)").evaluate_all(
        "(buttons) => buttons.map((b) => b.getAttribute('aria-label'))"
    )


def test_tag_describe_and_find_by_tag_words_and_camera(page: Page, app_server, tmp_path):
    (tmp_path / "Peaks").mkdir()
    for n, name in enumerate(NAMES):
        dated_jpeg(tmp_path / "Peaks" / name, datetime(2021, 8, 10 - n, 9), (48, 32), 90 + n)
    (tmp_path / "Cameras").mkdir()
    shutil.copy(MEDIA / "Nikon_D70.jpg", tmp_path / "Cameras" / "nikon-shot.jpg")
    shutil.copy(MEDIA / "Canon_40D.jpg", tmp_path / "Cameras" / "canon-shot.jpg")
    done = app_server.rdrive("import", str(tmp_path), "--folder", "/")
    assert done.returncode == 0, done.stdout + done.stderr
    sign_in(page, app_server)

    # Tag three photos from a selection.
    open_folder(page, "Peaks")
    for name in NAMES:
        expect(page.get_by_role("img", name=name)).to_be_visible(timeout=60_000)
    select(page, TAGGED)
    page.get_by_role("button", name="Add tag", exact=True).click()
    dialog = page.get_by_role("dialog", name="Add a tag")
    dialog.get_by_label("Tag").fill("a/b")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("/")  # refused, the dialog stays
    dialog.get_by_label("Tag").fill("  Dolomites ")
    ui_shot(page, "search-01-add-tag-dialog")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Tagged 3 items “dolomites”")).to_be_visible()
    expect(dialog).to_have_count(0)

    # Found by the tag's first letters in the search box, newest first, the fourth not.
    search(page, "dolom")
    expect(page).to_have_url(re.compile(r"/search\?q=dolom$"))
    expect(page.get_by_role("status").filter(has_text="results")).to_have_text(
        "3 results for “dolom”"
    )
    expect(page.get_by_role("img", name=TAGGED[2])).to_be_visible()
    assert shown(page) == TAGGED
    ui_shot(page, "search-02-results")
    # The kind and favourites toggles narrow it and say they are on.
    videos = page.get_by_role("button", name="Videos", exact=True)
    videos.click()
    expect(page).to_have_url(re.compile(r"kind=video"))
    expect(videos).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("No results for “dolom”")).to_be_visible()
    page.get_by_role("button", name="All", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="results")).to_have_text(
        "3 results for “dolom”"
    )

    # The Tags page counts it; its card opens the tag's search.
    page.get_by_role("link", name="Tags", exact=True).click()
    expect(page.get_by_role("heading", name="Tags")).to_be_visible()
    card = page.get_by_role("link", name="dolomites")
    expect(card).to_contain_text("3 items")
    ui_shot(page, "search-03-tags-page")
    card.click()
    expect(page).to_have_url(re.compile(r"/search\?tag=dolomites$"))
    expect(page.get_by_role("heading", name="Tag: dolomites")).to_be_visible()
    expect(page.get_by_role("img", name=TAGGED[0])).to_be_visible()
    assert shown(page) == TAGGED

    # Describe the fourth photo in the viewer's info panel; tag it there and take it off again.
    page.goto("/folder/Peaks")
    expect(page.get_by_role("img", name=NAMES[3])).to_be_visible()
    tile(page, NAMES[3]).click()
    viewer = page.get_by_role("dialog")
    expect(viewer.get_by_role("img", name=NAMES[3])).to_be_visible()
    page.keyboard.press("i")  # the info panel, hidden when the viewer opens
    viewer.get_by_label("Description").fill("Sunrise over the Tre Cime di Lavaredo")
    viewer.get_by_role("button", name="Save description").click()
    expect(viewer.get_by_text("Saved", exact=True)).to_be_visible()
    add = viewer.get_by_role("textbox", name="Add tag")
    add.fill("Hiking")
    add.press("Enter")
    remove = viewer.get_by_role("button", name="Remove tag hiking")
    expect(remove).to_be_visible()
    expect(add).to_have_value("")
    ui_shot(page, "search-04-info-panel")
    remove.click()
    expect(remove).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # Found by a word of its description (accents and case aside), and opened from there.
    search(page, "lavaredo")
    expect(page.get_by_role("img", name=NAMES[3])).to_be_visible()
    assert shown(page) == [NAMES[3]]
    tile(page, NAMES[3]).click()
    expect(page).to_have_url(re.compile(r"q=lavaredo.*item=|item=.*q=lavaredo"))
    expect(page.get_by_role("dialog").get_by_role("img", name=NAMES[3])).to_be_visible()
    page.keyboard.press("i")
    expect(page.get_by_role("dialog").get_by_label("Description")).to_have_value(
        "Sunrise over the Tre Cime di Lavaredo"
    )
    page.keyboard.press("Escape")

    # Found by its camera: the Nikon's model, not the Canon. The import skips a file the library
    # holds already (same bytes), and other tests on the same server upload these cameras'
    # files under their own names: either name is this camera's photo.
    nikon = {"nikon-shot.jpg", "Nikon_D70.jpg", "sel-nikon.jpg"}  # test_selection's copy
    canon = {"canon-shot.jpg", "Canon_40D.jpg", "sel-canon.jpg"}
    search(page, "D70")
    expect(
        page.get_by_role("img", name=re.compile(r"nikon-shot|Nikon_D70|sel-nikon")).first
    ).to_be_visible(timeout=60_000)
    assert shown(page) and set(shown(page)) <= nikon
    search(page, "canon eos")
    expect(
        page.get_by_role("img", name=re.compile(r"canon-shot|Canon_40D|sel-canon")).first
    ).to_be_visible()
    assert shown(page) and set(shown(page)) <= canon

    # A query far too long: the service's reason, not a failure.
    search(page, "x" * 10_000)
    expect(page.get_by_role("alert")).to_contain_text("characters")
    ui_shot(page, "search-05-too-long")
    search(page, "dolom")
    expect(page.get_by_role("img", name=TAGGED[0])).to_be_visible()
    assert shown(page) == TAGGED
