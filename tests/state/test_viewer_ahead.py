"""The viewer's state: the neighbours' previews named ahead (the very URLs shown a step later,
so the page's decoded copy is used), the zoom's image, and the info panel's toggle."""

from __future__ import annotations

from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.viewer import ViewerState
from tests.state import test_handlers_work
from tests.state.test_handlers_work import add_photo, run, sibling, signed_in

services = test_handlers_work.services  # the fixture: a fresh library with alice in it


def _viewer(services, item_id: str) -> ViewerState:
    page = signed_in(FolderState, services, "/folder/trip", {"item": item_id})
    viewer = sibling(page, ViewerState)
    run(FolderState.load_folder.fn, page)
    run(ViewerState.open_from_url.fn, viewer)
    return viewer


def test_the_neighbours_previews_are_the_urls_shown_a_step_later(services):
    services.folders.create_folder("/trip")
    a, b, c = (add_photo(services, "/trip", f"{n}.jpg", "gps/DSCN0010.jpg") for n in "abc")
    viewer = _viewer(services, a.id)
    assert viewer.prev_src == "" and viewer.next_name == "b.jpg"
    ahead = viewer.next_src
    assert ahead and ahead != viewer.image_src
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == b.id and viewer.image_src == ahead  # the same signature
    assert viewer.prev_name == "a.jpg" and viewer.next_name == "c.jpg"
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == c.id and viewer.next_src == "" and viewer.prev_name == "b.jpg"
    assert set(viewer._looks) == {b.id, c.id}  # only the open item's and its neighbours'
    run(ViewerState.close.fn, viewer)
    assert viewer.next_src == viewer.prev_src == ""


def test_a_zoom_shows_the_original_a_browser_shows_as_it_is(services):
    services.folders.create_folder("/trip")
    photo = add_photo(services, "/trip", "a.jpg", "gps/DSCN0010.jpg")
    viewer = _viewer(services, photo.id)
    assert viewer.full_src == "" and viewer.zoom_width == 640
    run(ViewerState.load_full.fn, viewer)
    assert "/originals/" in viewer.full_src or photo.original_key in viewer.full_src
    run(ViewerState.show_next.fn, viewer)  # the last one: nothing changes
    assert viewer.open_id == photo.id and viewer.full_src


def test_the_info_panel_starts_hidden_and_stays_as_set_while_stepping(services):
    services.folders.create_folder("/trip")
    a, b = (add_photo(services, "/trip", f"{n}.jpg") for n in "ab")
    viewer = _viewer(services, a.id)
    assert not viewer.info_open
    run(ViewerState.toggle_info.fn, viewer)
    run(ViewerState.show_next.fn, viewer)
    assert viewer.info_open and viewer.open_id == b.id
    run(ViewerState.open_item.fn, viewer, a.id)  # opened again from the grid: hidden
    assert not viewer.info_open


def test_the_info_names_the_albums_it_is_in(services):
    services.folders.create_folder("/trip")
    photo = add_photo(services, "/trip", "a.jpg")
    for name in ("Summer", "best of"):
        services.albums.add(services.albums.create(name).id, [photo.id])
    viewer = _viewer(services, photo.id)
    albums = [row.value for row in viewer.info if row.label == "Albums"]
    assert albums == ["best of, Summer"]
