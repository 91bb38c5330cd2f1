"""Places in the app: the Places page's countries and cities (each city a link to its search),
and the viewer's info panel naming the place, with its map link."""

from __future__ import annotations

import rdrive_app.ui.state.places  # noqa: F401  (registers the state)
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.places import CityRow, CountryRow, PlacesState, city_href
from rdrive_app.ui.state.viewer import ViewerState
from tests.state import test_handlers_work
from tests.state.test_handlers_work import add_photo, run, sibling, signed_in

services = test_handlers_work.services  # the fixture: a fresh library with alice in it


def test_places_page_lists_countries_and_their_cities(services):
    page = signed_in(PlacesState, services, "/places")
    run(PlacesState.load_places.fn, page)
    assert page.loaded and page.countries == [] and page.error == ""

    services.folders.create_folder("/trip")
    add_photo(services, "/trip", "a.jpg", "gps/DSCN0010.jpg")
    add_photo(services, "/trip", "b.jpg", "gps/DSCN0021.jpg")
    add_photo(services, "/trip", "c.jpg", "IMG_5195.HEIC")
    add_photo(services, "/trip", "d.jpg")  # no position
    run(PlacesState.load_places.fn, page)
    assert page.countries == [
        CountryRow("Italy", "2 items", [
            CityRow("Arezzo", "Tuscany", "2 items", "/search?country=Italy&city=Arezzo"),
        ]),
        CountryRow("United States", "1 item", [
            CityRow("Blue Springs", "Missouri", "1 item",
                    "/search?country=United+States&city=Blue+Springs"),
        ]),
    ]  # fmt: skip


def test_a_city_link_is_encoded():
    assert city_href("Côte d'Ivoire", "Grand-Bassam & co") == (
        "/search?country=C%C3%B4te+d%27Ivoire&city=Grand-Bassam+%26+co"
    )


def test_the_viewer_names_the_place_with_its_map_link(services):
    services.folders.create_folder("/trip")
    photo = add_photo(services, "/trip", "a.jpg", "gps/DSCN0010.jpg")
    plain = add_photo(services, "/trip", "b.jpg")
    page = signed_in(FolderState, services, "/folder/trip", {"item": photo.id})
    viewer = sibling(page, ViewerState)
    run(FolderState.load_folder.fn, page)
    run(ViewerState.open_from_url.fn, viewer)
    labels = [row.label for row in viewer.info]
    place = viewer.info[labels.index("Place")]
    # The place in words, its map link beside it; never the raw numbers.
    assert place.value == "Arezzo, Tuscany, Italy"
    assert "openstreetmap" in place.href and "mlat=43.467" in place.href
    assert not any("43.46" in row.value for row in viewer.info)
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == plain.id
    assert "Place" not in {row.label for row in viewer.info}
