"""The selection bar's own handlers and tiles dropped on a folder, without a browser: a band's
tiles join the selection, Favourite marks every selected tile, a drop moves them with Undo."""

from __future__ import annotations

from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.organize import OrganizeState
from tests.state.test_handlers_work import add_photo, run, services, sibling, signed_in

__all__ = ["services"]  # the fixture, shared


def test_band_favourite_drop_and_undo(services):
    services.folders.create_folder("/trip")
    services.folders.create_folder("/trip/best")
    a = add_photo(services, "/trip", "a.jpg")
    b = add_photo(services, "/trip", "b.jpg", "Nikon_D70.jpg")
    c = add_photo(services, "/trip", "c.jpg")
    page = signed_in(FolderState, services, "/folder/trip")
    organize = sibling(page, OrganizeState)
    run(FolderState.load_folder.fn, page)
    assert [(r.width, r.height) for r in page.items] == [(100, 68), (100, 66), (100, 68)]

    # A band's tiles join the selection in the grid's order; ids it does not show are ignored.
    run(FolderState.toggle_select.fn, page, c.id, False)
    run(OrganizeState.select_tiles.fn, organize, [b.id, "nope", a.id])
    assert page.selected == [a.id, b.id, c.id]

    run(FolderState.clear_selection.fn, page)
    run(OrganizeState.select_tiles.fn, organize, [a.id, b.id])
    run(OrganizeState.favorite_selected.fn, organize)
    assert [r.favorite for r in page.items] == [True, True, False]
    assert services.items.get(a.id).favorite and not services.items.get(c.id).favorite

    # Dropped on a folder: they move and leave the grid; Undo puts them back.
    run(OrganizeState.move_dropped.fn, organize, [a.id, b.id], "/trip/best")
    assert services.items.get(a.id).folder == "/trip/best"
    assert [r.id for r in page.items] == [c.id] and page.selected == []
    assert organize.undo_message == "Moved 2 items to /trip/best."
    run(OrganizeState.undo.fn, organize)
    assert services.items.get(a.id).folder == services.items.get(b.id).folder == "/trip"
    assert sorted(r.id for r in page.items) == sorted([a.id, b.id, c.id])
    assert organize.undo_message == ""

    # What a page may send that is no selection, or no folder, moves nothing.
    for ids, folder in (([], "/trip/best"), ("x", "/trip/best"), ([c.id], 3)):
        run(OrganizeState.move_dropped.fn, organize, ids, folder)
    run(OrganizeState.move_dropped.fn, organize, [c.id], "/nowhere")
    assert services.items.get(c.id).folder == "/trip" and organize.undo_message == ""
