"""The grid and selecting, as Google Photos does them, with real photos of different shapes:
justified rows in a folder, a checkbox shown on hover or once selecting, shift-click ranges,
a band dragged across tiles, long-press on a phone, the selection bar's actions (Favourite,
Add to album, Delete), and tiles dragged onto a folder, with Undo."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.test_library import MEDIA, new_folder, open_folder, sign_in

FOLDER = "Shapes"
KEEP = "Keep"
ALBUM = "Picked"
# Real photos (../shared/testdata/media, SOURCES.md), copied under names no other test uses.
SOURCES = {
    "sel-land1.jpg": MEDIA / "photos" / "orientation" / "landscape_1.jpg",  # 600 x 450
    "sel-port1.jpg": MEDIA / "photos" / "orientation" / "portrait_1.jpg",  # 450 x 600
    "sel-port6.jpg": MEDIA / "photos" / "orientation" / "portrait_6.jpg",  # stored lying, upright
    "sel-gps10.jpg": MEDIA / "photos" / "gps" / "DSCN0010.jpg",  # 640 x 480
    "sel-gps21.jpg": MEDIA / "photos" / "gps" / "DSCN0021.jpg",
    "sel-canon.jpg": MEDIA / "photos" / "Canon_40D.jpg",  # 100 x 68
    "sel-nikon.jpg": MEDIA / "photos" / "Nikon_D70.jpg",  # 100 x 66
    "sel-land3.jpg": MEDIA / "photos" / "orientation" / "landscape_3.jpg",
    "sel-land2.jpg": MEDIA / "photos" / "orientation" / "landscape_2.jpg",
    "sel-port2.jpg": MEDIA / "photos" / "orientation" / "portrait_2.jpg",
    "sel-land4.jpg": MEDIA / "photos" / "orientation" / "landscape_4.jpg",
    "sel-port4.jpg": MEDIA / "photos" / "orientation" / "portrait_4.jpg",
}  # a dozen: two rows of about 180 px at 1280 px
PHONE = {"width": 375, "height": 740}


def tiles(page: Page) -> list[dict]:
    """The tiles of the grid shown, in order, with their boxes."""
    return page.locator("[data-rdrive-tile]").evaluate_all(
        """(buttons) => buttons.map((b) => {
            const r = b.getBoundingClientRect();
            return {name: b.getAttribute('aria-label'), left: r.left, top: r.top,
                    width: r.width, height: r.height};
        })"""
    )


def tile(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def bar(page: Page):
    return page.get_by_role("toolbar", name="Selection")


def upload_shapes(page: Page, tmp_path: Path) -> None:
    for name, source in SOURCES.items():
        shutil.copyfile(source, tmp_path / name)
    page.get_by_label("Upload").set_input_files([str(tmp_path / n) for n in SOURCES])
    expect(page.get_by_text(f"{len(SOURCES)} of {len(SOURCES)} uploaded")).to_be_visible(
        timeout=90_000
    )
    for name in SOURCES:
        expect(page.get_by_role("img", name=name)).to_be_visible(timeout=90_000)
    transfers = page.get_by_role("region", name="File transfers")
    transfers.get_by_role("button", name="Clear").click()  # done: out of the grid's way
    expect(transfers).to_have_count(0)


def check_justified_rows(page: Page) -> None:
    """Tiles of a row share a top, each full row fills the grid's width, and every tile keeps
    its photo's shape: a portrait one is narrower than a landscape one."""
    grid = page.get_by_role("group", name="Items in this folder").bounding_box()
    assert grid is not None
    rows: dict[int, list[dict]] = {}
    for box in tiles(page):
        rows.setdefault(round(box["top"]), []).append(box)
    assert len(rows) >= 2, rows
    ordered = [rows[top] for top in sorted(rows)]
    for row in ordered:
        assert max(b["top"] for b in row) - min(b["top"] for b in row) < 1
        assert max(b["height"] for b in row) - min(b["height"] for b in row) < 1
    for row in ordered[:-1]:  # the last row may be short of the width
        left = min(b["left"] for b in row)
        right = max(b["left"] + b["width"] for b in row)
        assert abs(left - grid["x"]) < 2 and abs(right - (grid["x"] + grid["width"])) < 2, row
    by_name = {b["name"]: b for b in tiles(page)}
    for portrait in ("sel-port1.jpg", "sel-port6.jpg"):
        p, land = by_name[portrait], by_name["sel-land1.jpg"]
        assert p["width"] / p["height"] < 0.8 < 1.2 < land["width"] / land["height"]
        assert p["width"] < land["width"]


def test_select_act_drag_and_undo_on_a_desktop(page: Page, app_server, tmp_path):
    sign_in(page, app_server)
    new_folder(page, FOLDER)
    open_folder(page, FOLDER)
    new_folder(page, KEEP)
    upload_shapes(page, tmp_path)
    page.mouse.move(0, 0)
    check_justified_rows(page)
    shot(page, "80-justified-folder")

    # The checkbox shows on hover only, until a selection starts.
    names = [b["name"] for b in tiles(page)]
    first, second, third, fourth = names[:4]
    box = page.get_by_role("checkbox", name=f"Select {first}")
    expect(box).to_have_css("opacity", "0")
    tile(page, first).hover()
    expect(box).to_have_css("opacity", "1")
    shot(page, "81-checkbox-on-hover")

    # The first by its checkbox, the third by shift-click on the tile: a range of three.
    box.click()
    page.mouse.move(0, 0)
    expect(page.get_by_role("checkbox", name=f"Select {fourth}")).to_have_css("opacity", "1")
    tile(page, third).click(modifiers=["Shift"])
    expect(bar(page).get_by_text("3 selected")).to_be_visible()
    for name in (first, second, third):
        expect(page.get_by_role("checkbox", name=f"Select {name}")).to_be_checked()
    # While selecting, a click ticks a tile (and again unticks it) instead of opening it.
    tile(page, fourth).click()
    expect(bar(page).get_by_text("4 selected")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    tile(page, fourth).click()
    expect(bar(page).get_by_text("3 selected")).to_be_visible()
    shot(page, "82-three-selected")

    # The bar: Favourite them all, then put them in a new album.
    bar(page).get_by_role("button", name="Favourite", exact=True).click()
    for name in (first, second, third):
        heart = page.get_by_role("button", name=f"Favourite {name}")
        expect(heart).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=f"Favourite {fourth}")).to_have_attribute(
        "aria-pressed", "false"
    )
    bar(page).get_by_role("button", name="Add to album", exact=True).click()
    dialog = page.get_by_role("dialog", name="Add to album")
    dialog.get_by_label("New album…").fill(ALBUM)
    dialog.get_by_role("button", name="Create and add").click()
    expect(page.get_by_text(f"Added 3 items to “{ALBUM}”.")).to_be_visible()
    bar(page).get_by_role("button", name="Clear", exact=True).click()
    expect(bar(page)).to_have_count(0)

    # A band drawn from the page's margin across the first two tiles selects them.
    boxes = {b["name"]: b for b in tiles(page)}
    start, end = boxes[first], boxes[second]
    page.mouse.move(start["left"] - 6, start["top"] + 4)  # the margin beside the grid
    page.mouse.down()
    page.mouse.move(end["left"] + 10, end["top"] + 20, steps=8)
    expect(page.locator(".rdrive-band")).to_be_visible()
    shot(page, "83-band")
    page.mouse.up()
    expect(bar(page).get_by_text("2 selected")).to_be_visible()
    for name in (first, second):
        expect(page.get_by_role("checkbox", name=f"Select {name}")).to_be_checked()
    expect(page.get_by_role("checkbox", name=f"Select {third}")).not_to_be_checked()
    bar(page).get_by_role("button", name="Clear", exact=True).click()

    # A tile dragged onto a folder moves there; Undo brings it back.
    moving = names[-1]
    tile(page, moving).drag_to(page.get_by_role("link", name=KEEP))
    expect(tile(page, moving)).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text=f"Moved 1 item to /{FOLDER}/{KEEP}.")
    expect(notice).to_be_visible()
    shot(page, "84-moved-by-drag")
    notice.get_by_role("button", name="Undo").click()
    expect(tile(page, moving)).to_be_visible()
    expect(notice).to_have_count(0)
    page.reload()
    expect(tile(page, moving)).to_be_visible()
    page.get_by_role("link", name=KEEP).click()
    expect(page).to_have_url(re.compile(rf"/folder/{FOLDER}/{KEEP}$"))
    expect(page.get_by_text("This folder is empty.", exact=False)).to_be_visible()

    # The album's grid (the timeline's): a shift-click range, then Delete: into the trash.
    page.goto("/albums")
    page.get_by_role("link", name=ALBUM).click()
    expect(page).to_have_url(re.compile(r"/albums/[0-9a-f]+$"))
    expect(page.get_by_role("img", name=first)).to_be_visible()
    order = [b["name"] for b in tiles(page)]
    assert sorted(order) == sorted([first, second, third])
    page.get_by_role("checkbox", name=f"Select {order[0]}").click()
    tile(page, order[2]).click(modifiers=["Shift"])
    expect(bar(page).get_by_text("3 selected")).to_be_visible()
    shot(page, "85-album-selected")
    bar(page).get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("Moved 3 items to the trash.")).to_be_visible()
    expect(page.locator("[data-rdrive-tile]")).to_have_count(0)
    page.goto("/trash")
    for name in (first, second, third):
        expect(page.get_by_role("listitem", name=name)).to_be_visible()
    shot(page, "86-trash")
    for name in (first, second, third):  # the other tests find the trash as they left it
        row = page.get_by_role("listitem", name=name)
        row.get_by_role("button", name="Restore", exact=True).click()
        expect(row).to_have_count(0)


def long_press(page: Page, cdp, name: str) -> None:
    """A finger held on a tile for 800 ms (touch events, as a phone sends them)."""
    box = tile(page, name).bounding_box()
    assert box is not None
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    page.wait_for_timeout(800)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_long_press_starts_a_selection_on_a_phone(browser, app_server):
    context = browser.new_context(
        base_url=app_server.site, viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, app_server)
    page.goto(f"/folder/{FOLDER}")
    expect(page.locator("[data-rdrive-tile]").first).to_be_visible()
    names = [b["name"] for b in tiles(page)]
    assert len(names) >= 3
    expect(bar(page)).to_have_count(0)
    cdp = context.new_cdp_session(page)
    long_press(page, cdp, names[0])
    expect(bar(page).get_by_text("1 selected")).to_be_visible()
    expect(page.get_by_role("checkbox", name=f"Select {names[0]}")).to_be_checked()
    expect(page.get_by_role("dialog")).to_have_count(0)
    # Selecting: a tap ticks the next one instead of opening it.
    tile(page, names[1]).tap()
    expect(bar(page).get_by_text("2 selected")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    # The bar fits the phone: every action in view, a thumb's size; nothing scrolls sideways.
    for action in ("Download", "Add to album", "Move", "Favourite", "Delete", "Clear"):
        button = bar(page).get_by_role("button", name=action, exact=True)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, (action, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (action, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # A tile's own controls are a thumb's size too, and ticking by the checkbox works.
    for control in (
        page.get_by_role("checkbox", name=f"Select {names[2]}"),
        page.get_by_role("button", name=f"Favourite {names[2]}"),
    ):
        box = control.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    page.get_by_role("checkbox", name=f"Select {names[2]}").tap()
    expect(bar(page).get_by_text("3 selected")).to_be_visible()
    shot(page, "87-phone-selected")
    bar(page).get_by_role("button", name="Clear", exact=True).click()
    expect(bar(page)).to_have_count(0)
    # Not selecting: a tap opens the viewer.
    tile(page, names[1]).tap()
    expect(page.get_by_role("dialog")).to_be_visible()
    context.close()
