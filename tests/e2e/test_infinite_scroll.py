"""A folder of more than one page: scrolling to its end shows every tile, with nothing to press
(the "Load more" sentinel presses itself when it comes into view: assets/rdrive_scroll.js)."""

from __future__ import annotations

from PIL import Image
from playwright.sync_api import Page, expect

from rdrive_app.ui.state.folder import PAGE_SIZE
from tests.e2e.conftest import shot
from tests.e2e.test_library import open_folder, sign_in

COUNT = PAGE_SIZE + 5


def test_scrolling_to_the_end_loads_the_next_page(page: Page, app_server, tmp_path):
    folder = tmp_path / "Scroll"
    folder.mkdir()
    for n in range(COUNT):
        Image.new("RGB", (32, 32), (n, 255 - n, (7 * n) % 256)).save(folder / f"s{n:03d}.jpg")
    done = app_server.rdrive("import", str(tmp_path), "--folder", "/")
    assert done.returncode == 0, done.stdout + done.stderr

    sign_in(page, app_server)
    open_folder(page, "Scroll")
    tiles = page.get_by_role("checkbox", name="Select s", exact=False)
    expect(tiles).to_have_count(PAGE_SIZE)
    last = f"s{COUNT - 1:03d}.jpg"
    expect(page.get_by_role("button", name=last, exact=True)).to_have_count(0)
    for _ in range(30):  # scroll down as a person would, until the end of the folder shows
        page.mouse.wheel(0, 1500)
        if page.get_by_role("button", name=last, exact=True).count():
            break
        page.wait_for_timeout(300)
    expect(page.get_by_role("button", name=last, exact=True)).to_be_visible()
    expect(tiles).to_have_count(COUNT)
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    shot(page, "30-infinite-scroll-end")
