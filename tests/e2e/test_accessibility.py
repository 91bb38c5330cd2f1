"""axe-core (Deque's accessibility engine, bundled by axe-playwright-python) over every page a
person reaches, on a wide screen and on a phone (375 × 740, touch), with photos in the library
and the viewer open: no serious or critical violation. What axe finds is printed (a figure for
the issue's note) before the assertion."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import shot
from tests.e2e.test_library import PHOTOS, new_folder, open_folder, sign_in

BLOCKING = {"serious", "critical"}
PAGES = ["/photos", "/favorites", "/albums", "/places", "/tags", "/trash", "/settings"]
PAGES += ["/search?q=canon"]
AXE = Axe()


def problems(page: Page, where: str) -> list[str]:
    """The serious and critical violations on the page as it is now, one line each."""
    found = AXE.run(page).response["violations"]
    for v in found:
        print(f"{where}: {v['impact']} {v['id']} ×{len(v['nodes'])}: {v['help']}")
    return [
        f"{where}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def library_with_photos(page: Page, app, folder: str) -> None:
    """Signed in, in a new folder of real photos."""
    sign_in(page, app)
    new_folder(page, folder)
    open_folder(page, folder)
    page.get_by_label("Upload").set_input_files([str(p) for p in PHOTOS])
    for path in PHOTOS:
        expect(page.get_by_role("img", name=path.name)).to_be_visible(timeout=60_000)


def every_page(page: Page, app, label: str) -> list[str]:
    found: list[str] = []
    page.context.clear_cookies()
    page.goto("/signin")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    found += problems(page, f"{label} /signin")
    library_with_photos(page, app, f"A11y-{page.viewport_size['width']}")
    found += problems(page, f"{label} folder")
    page.get_by_role("button", name=PHOTOS[0].name, exact=True).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    found += problems(page, f"{label} viewer")
    shot(page, f"axe-{label}-viewer")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    for path in PAGES:
        page.goto(path)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        page.wait_for_load_state("networkidle")
        found += problems(page, f"{label} {path}")
    return found


def test_no_serious_violations_on_a_wide_screen(page: Page, app_server):
    assert every_page(page, app_server, "wide") == []


@pytest.fixture
def phone(browser: Browser, app_server):
    context = browser.new_context(
        base_url=app_server.site,
        viewport={"width": 375, "height": 740},
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def test_no_serious_violations_on_a_phone(phone: Page, app_server):
    assert every_page(phone, app_server, "phone") == []
