"""Places in Chromium: a real iPhone photo with GPS, uploaded, is named in the viewer's info
panel, and the Places page lists its country and city with a count of one, the city linking to
its search."""

from __future__ import annotations

import re
import shutil

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.test_library import MEDIA, open_folder, sign_in

PHOTO = MEDIA / "photos" / "IMG_5195.HEIC"  # no other e2e test uploads it: its city's count is 1


def test_a_photo_with_gps_is_named_and_counted_in_places(page: Page, app_server, tmp_path):
    folder = tmp_path / "PlacesTrip"
    folder.mkdir()
    shutil.copy(PHOTO, folder / PHOTO.name)
    done = app_server.rdrive("import", str(tmp_path), "--folder", "/")
    assert done.returncode == 0, done.stdout + done.stderr
    sign_in(page, app_server)

    open_folder(page, "PlacesTrip")
    expect(page.get_by_role("img", name=PHOTO.name)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name=PHOTO.name, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("img", name=PHOTO.name)).to_be_visible()
    page.keyboard.press("i")  # the info panel, hidden when the viewer opens
    expect(dialog.get_by_text("Blue Springs, Missouri, United States")).to_be_visible(
        timeout=30_000
    )
    expect(dialog.get_by_role("link", name="Show on map")).to_be_visible()
    shot(page, "places-viewer")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("link", name="Places", exact=True).click()
    expect(page).to_have_url(re.compile(r"/places$"))
    expect(page.get_by_role("heading", name="Places", exact=True)).to_be_visible()
    country = page.get_by_role("region", name="United States")
    expect(country.get_by_role("heading", name="United States")).to_be_visible()
    expect(country.get_by_text("1 item", exact=True).first).to_be_visible()
    city = country.locator('[data-rdrive-city="Blue Springs"]')
    expect(city.get_by_role("link", name="Blue Springs")).to_have_attribute(
        "href", "/search?country=United+States&city=Blue+Springs"
    )
    expect(city.get_by_text("Missouri")).to_be_visible()
    expect(city.get_by_text("1 item", exact=True)).to_be_visible()
    shot(page, "places-page")
