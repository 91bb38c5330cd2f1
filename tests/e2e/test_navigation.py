"""Getting around as people do in a photo app: a rail of named links on a wide screen, a bar
along the bottom on a phone (375 × 740, touch), the current place marked; notices that say
what happened and leave (an error stays until dismissed), each announced once; light and dark
following the system, and the switch in Settings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import shot
from tests.e2e.test_library import PHOTOS, new_folder, sign_in

# (link, the heading its page shows; the library's is its breadcrumb, with "New folder")
PLACES = [
    ("Folders", "New folder"),
    ("Albums", "Albums"),
    ("Favourites", "Favourites"),
    ("Places", "Places"),
    ("Trash", "Trash"),
    ("Settings", "Settings"),
    ("Photos", "Photos"),
]
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser: Browser, app_server):
    context = browser.new_context(
        base_url=app_server.site, viewport=PHONE, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def go(page: Page, link: str, heading: str) -> None:
    main_nav(page).get_by_role("link", name=link, exact=True).click()
    role = "button" if heading == "New folder" else "heading"
    expect(page.get_by_role(role, name=heading, exact=True).first).to_be_visible()
    expect(main_nav(page).get_by_role("link", name=link, exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    others = main_nav(page).locator("a[aria-current='page']")
    expect(others).to_have_count(1)


def no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the page is {wide}px wider than the screen"


def test_the_rail_leads_everywhere_and_marks_where_one_is(page: Page, app_server):
    sign_in(page, app_server)
    nav = main_nav(page)
    expect(nav).to_have_count(1)  # the bottom bar is not shown (nor announced) on a wide screen
    expect(nav.get_by_role("link")).to_have_text(
        ["Photos", "Folders", "Albums", "Favourites", "Places", "Tags", "Trash", "Settings"]
    )
    rail = nav.bounding_box()
    assert rail and rail["x"] == 0 and rail["height"] > 600  # a column down the left
    for link, heading in PLACES:
        go(page, link, heading)
    shot(page, "nav-rail-photos")
    go(page, "Tags", "Tags")
    expect(page.get_by_role("search")).to_be_visible()  # the search box on top


def test_the_bottom_bar_on_a_phone(phone: Page, app_server):
    sign_in(phone, app_server)
    nav = main_nav(phone)
    expect(nav).to_have_count(1)
    box = nav.bounding_box()
    assert box and box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1)
    for link, heading in PLACES:
        go(phone, link, heading)
        shot(phone, f"nav-phone-{link.lower()}")
        no_sideways_scroll(phone)
    for link in nav.get_by_role("link").all():
        size = link.bounding_box()
        assert size and size["width"] >= 44 and size["height"] >= 44, link.inner_text()
    shot(phone, "nav-bottom-bar-photos")
    go(phone, "Places", "Places")
    phone.get_by_role("link", name="Tags", exact=True).click()  # no room for it in the bar
    expect(phone.get_by_role("heading", name="Tags", exact=True)).to_be_visible()
    # the top bar stays one line: the search box and "Sign out" are both in reach
    assert phone.get_by_role("button", name="Sign out").bounding_box()["y"] < 56
    expect(phone.get_by_role("searchbox", name="Search")).to_be_visible()


def live_regions_saying(page: Page, text: str) -> int:
    """How many live regions (announced by a screen reader) hold ``text``."""
    return page.evaluate(
        """(text) => [...document.querySelectorAll('[aria-live], [role=status], [role=alert]')]
              .filter((r) => r.textContent.includes(text)
                  && !r.parentElement.closest('[aria-live], [role=status], [role=alert]'))
              .length""",
        text,
    )


def test_a_notice_leaves_an_error_stays(page: Page, app_server):
    sign_in(page, app_server)
    new_folder(page, "Notices")
    notice = page.get_by_text("Created folder “Notices”")
    expect(notice).to_be_visible()
    assert live_regions_saying(page, "Created folder “Notices”") == 1  # announced once
    expect(notice).to_have_count(0, timeout=10_000)  # gone by itself after a few seconds

    # an error: a folder with something in it is not deleted
    page.get_by_role("link", name="Notices").click()
    expect(page).to_have_url(re.compile(r"/folder/Notices$"))
    new_folder(page, "Inside")
    page.get_by_role("button", name="Folder actions").click()
    page.get_by_role("menuitem", name="Delete folder").click()
    error = page.get_by_text(re.compile("not empty"))
    expect(error).to_be_visible()
    page.wait_for_timeout(8_000)  # longer than any notice stays
    expect(error).to_be_visible()
    page.get_by_role("button", name="Close toast").click()
    expect(error).to_have_count(0)

    # "Moved 1 item to the trash. Undo" leaves by itself too (UNDO_SECONDS), undone or not
    page.get_by_label("Upload").set_input_files(str(PHOTOS[0]))
    expect(page.get_by_role("img", name=PHOTOS[0].name)).to_be_visible(timeout=60_000)
    page.get_by_label(f"Select {PHOTOS[0].name}").click()
    page.get_by_role("toolbar", name="Selection").get_by_role("button", name="Delete").click()
    undo = page.get_by_role("status").filter(has_text="Moved 1 item to the trash.")
    expect(undo).to_be_visible()
    assert live_regions_saying(page, "Moved 1 item to the trash.") == 1
    shot(page, "notice-undo")
    expect(undo).to_have_count(0, timeout=20_000)
    shot(page, "notice-error")


def background_of(page: Page) -> tuple[int, ...]:
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.radix-themes')).backgroundColor"
    )
    return tuple(int(float(n)) for n in re.findall(r"[\d.]+", colour)[:3])


def is_dark(rgb: tuple[int, ...]) -> bool:
    return sum(rgb) / 3 < 80


def test_dark_follows_the_system_and_the_switch_in_settings(browser: Browser, app_server):
    context = browser.new_context(base_url=app_server.site, color_scheme="dark")
    page = context.new_page()
    sign_in(page, app_server)
    assert is_dark(background_of(page))
    shot(page, "dark-folders")
    go(page, "Settings", "Settings")
    appearance = page.get_by_role("radiogroup", name="Appearance")
    expect(appearance.get_by_role("radio", name="As the system")).to_be_checked()
    appearance.get_by_role("radio", name="Light").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blight\b"))
    assert not is_dark(background_of(page))
    page.reload()  # the choice is kept
    expect(page.get_by_role("radio", name="Light")).to_be_checked()
    assert not is_dark(background_of(page))
    page.get_by_role("radio", name="As the system").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    context.close()
