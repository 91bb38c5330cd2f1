"""Albums in the app: the Albums page, an album's page over the timeline's grid, "Add to album"
from every grid, and the heart on tiles agreeing with the viewer's."""

from __future__ import annotations

from datetime import timedelta

import rdrive_app.ui.state.albums  # noqa: F401  (registers the state)
from rdrive_app.ui.state.albums import AlbumState, added_message, album_href
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.timeline import FIRST_INDEX, TimelineState
from rdrive_app.ui.state.viewer import ViewerState
from tests.state import test_handlers_work, test_timeline
from tests.state.test_handlers_work import run, sibling, signed_in
from tests.state.test_timeline import _indices, seed

services = test_handlers_work.services  # the fixture: a fresh library with alice in it
small_window = test_timeline.small_window  # the fixture: small pages and window


def album_page(services, album_id: str, query: dict | None = None):
    """An album's page as its on_load leaves it: (grid, album state)."""
    grid = signed_in(TimelineState, services, album_href(album_id), query)
    albums = sibling(grid, AlbumState)
    run(TimelineState.load_timeline.fn, grid)
    run(AlbumState.load_album.fn, albums)
    return grid, albums


def toasts(out) -> str:
    return repr(out)


def test_albums_page_creates_and_refuses_a_taken_name(services):
    page = signed_in(AlbumState, services, "/albums")
    run(AlbumState.load_albums.fn, page)
    assert page.albums == [] and page.loaded
    run(AlbumState.create_album.fn, page, {"name": "Summer"})
    run(AlbumState.create_album.fn, page, {"name": "summer"})
    assert "already exists" in page.error
    run(AlbumState.create_album.fn, page, {"name": "a/b"})
    assert "/" in page.error
    assert [a.name for a in page.albums] == ["Summer"]
    assert page.albums[0].count == "0 items" and page.albums[0].cover == ""
    assert [a.album.name for a in services.albums.list()] == ["Summer"]


def test_add_from_the_timeline_counts_added_and_already_there(services):
    ids = seed(services, 3)
    grid = signed_in(TimelineState, services, "/photos")
    albums = sibling(grid, AlbumState)
    run(TimelineState.load_timeline.fn, grid)
    run(TimelineState.toggle_select.fn, grid, ids[0], False)
    run(TimelineState.toggle_select.fn, grid, ids[1], False)
    run(AlbumState.start_add_selected.fn, albums)
    assert albums.dialog == "add" and albums.albums == []
    out = run(AlbumState.add_to_new.fn, albums, {"name": "Trip"})
    assert "Added 2 items to “Trip”." in toasts(out) and albums.dialog == ""
    run(TimelineState.toggle_select.fn, grid, ids[2], False)
    run(AlbumState.start_add_selected.fn, albums)
    assert [a.name for a in albums.albums] == ["Trip"]
    out = run(AlbumState.add_to.fn, albums, albums.albums[0].id)
    assert "Added 1 item to “Trip”; 2 were already there." in toasts(out)
    (summary,) = services.albums.list()
    assert summary.count == 3
    # "New album…" with a name another album has: the clash's message, nothing added
    run(AlbumState.start_add_selected.fn, albums)
    run(AlbumState.add_to_new.fn, albums, {"name": "TRIP"})
    assert albums.dialog == "add" and albums.error
    assert len(services.albums.list()) == 1


def test_adding_a_trashed_item_shows_the_services_message(services):
    ids = seed(services, 2)
    album = services.albums.create("Trip")
    folder = signed_in(FolderState, services, "/folder/Camera")
    albums = sibling(folder, AlbumState)
    run(FolderState.load_folder.fn, folder)
    run(FolderState.select_all.fn, folder)
    services.items.trash(ids[0])  # trashed from elsewhere after it was selected
    run(AlbumState.start_add_selected.fn, albums)
    out = run(AlbumState.add_to.fn, albums, album.id)
    assert albums.dialog == "add" and "trash" in albums.error.lower(), (albums.error, out)
    assert services.albums.get(album.id).count == 0


def test_album_page_sorted_by_date_taken_with_its_actions(services):
    ids = seed(services, 4, every=timedelta(days=30))  # newest first
    album = services.albums.create("Trip")
    services.albums.add(album.id, [ids[2], ids[0], ids[3]])
    grid, albums = album_page(services, album.id)
    assert grid._item_ids() == [ids[0], ids[2], ids[3]] and grid.marks == []
    assert albums.album_name == "Trip" and albums.album_count == "3 items"
    # remove from album: it leaves the grid, never the library
    run(TimelineState.toggle_select.fn, grid, ids[3], False)
    run(AlbumState.remove_selected.fn, albums)
    assert grid._item_ids() == [ids[0], ids[2]] and albums.album_count == "2 items"
    assert services.items.get(ids[3]).deleted_at is None
    # cover from a selection of one, then from the viewer
    run(TimelineState.toggle_select.fn, grid, ids[2], False)
    run(AlbumState.set_cover.fn, albums)
    assert services.albums.get(album.id).cover.id == ids[2]
    viewer = sibling(grid, ViewerState)
    run(ViewerState.open_item.fn, viewer, ids[0])
    run(AlbumState.set_cover.fn, albums)
    assert services.albums.get(album.id).cover.id == ids[0]
    # the viewer steps through the album's items only
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == ids[2]
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == ids[2]
    # ZIP of the album
    out = run(AlbumState.download_album.fn, albums)
    ticket = toasts(out).split("/api/zip/")[1].split("'")[0].split('"')[0]
    assert services.zip_tickets.redeem(ticket).album == album.id


def test_rename_clash_and_delete_keep_everything(services):
    ids = seed(services, 2)
    album = services.albums.create("Trip")
    services.albums.create("Home")
    services.albums.add(album.id, ids)
    albums = album_page(services, album.id)[1]
    run(AlbumState.rename_album.fn, albums, {"name": "home"})
    assert albums.error and albums.album_name == "Trip"
    assert services.albums.get(album.id).album.name == "Trip"
    run(AlbumState.rename_album.fn, albums, {"name": "Trip 2024"})
    assert albums.album_name == "Trip 2024" and not albums.error
    out = run(AlbumState.delete_album.fn, albums)
    assert "/albums" in toasts(out)
    assert [a.album.name for a in services.albums.list()] == ["Home"]
    assert all(services.items.get(i).deleted_at is None for i in ids)
    gone = album_page(services, album.id)[1]
    assert gone.missing


def test_trashing_hides_from_the_album_and_restoring_brings_it_back(services):
    ids = seed(services, 3)
    album = services.albums.create("Trip")
    services.albums.add(album.id, ids)
    grid, albums = album_page(services, album.id)
    organize = sibling(grid, OrganizeState)
    run(TimelineState.toggle_select.fn, grid, ids[1], False)
    run(OrganizeState.delete_selected.fn, organize)
    assert grid._item_ids() == [ids[0], ids[2]]
    grid, albums = album_page(services, album.id)  # a reload
    assert grid._item_ids() == [ids[0], ids[2]] and albums.album_count == "2 items"
    services.items.restore(ids[1])
    grid, albums = album_page(services, album.id)
    assert grid._item_ids() == ids and albums.album_count == "3 items"
    # Undo on the album page reads the album again
    organize = sibling(grid, OrganizeState)
    run(TimelineState.toggle_select.fn, grid, ids[0], False)
    run(OrganizeState.delete_selected.fn, organize)
    out = run(OrganizeState.undo.fn, organize)
    assert "load_timeline" in repr(out)


def test_the_tiles_heart_and_the_viewers_agree(services):
    ids = seed(services, 3)
    grid = signed_in(TimelineState, services, "/photos")
    viewer = sibling(grid, ViewerState)
    run(TimelineState.load_timeline.fn, grid)
    run(ViewerState.favorite_tile.fn, viewer, ids[1], True)
    tiles = {t.id: t for s in grid.sections for t in s.tiles}
    assert tiles[ids[1]].favorite and not tiles[ids[0]].favorite
    assert services.items.get(ids[1]).favorite
    run(ViewerState.open_item.fn, viewer, ids[1])
    assert viewer.favorite
    run(ViewerState.toggle_favorite.fn, viewer)  # the viewer's heart: the tile follows
    tiles = {t.id: t for s in grid.sections for t in s.tiles}
    assert not tiles[ids[1]].favorite and not services.items.get(ids[1]).favorite
    run(ViewerState.favorite_tile.fn, viewer, ids[1], True)  # the tile's: the viewer follows
    assert viewer.favorite
    run(ViewerState.favorite_tile.fn, viewer, ids[0], "yes")  # not a bool: refused
    assert not services.items.get(ids[0]).favorite
    # the Favourites page shows it; un-hearting a tile there takes it off
    favs = signed_in(TimelineState, services, "/favorites")
    run(TimelineState.load_timeline.fn, favs)
    assert favs._item_ids() == [ids[1]]
    run(ViewerState.favorite_tile.fn, sibling(favs, ViewerState), ids[1], False)
    assert favs._item_ids() == []


def test_the_folder_grids_heart(services):
    ids = seed(services, 2)
    folder = signed_in(FolderState, services, "/folder/Camera")
    run(FolderState.load_folder.fn, folder)
    run(ViewerState.favorite_tile.fn, sibling(folder, ViewerState), ids[0], True)
    assert [r.favorite for r in folder.items if r.id == ids[0]] == [True]
    run(FolderState.load_folder.fn, folder)
    assert [r.favorite for r in folder.items if r.id == ids[0]] == [True]


def test_added_message_says_what_happened():
    from rdrive_app.core.albums import AlbumChange

    assert added_message(AlbumChange(("a",), ()), "X") == "Added 1 item to “X”."
    already = "Added 0 items to “X”; 1 was already there."
    assert added_message(AlbumChange((), ("a",)), "X") == already


def test_a_big_albums_window_stays_bounded_and_climbs_back_up(services, small_window):
    """Scrolled to its end, an album's page holds a window like the timeline's (at most
    WINDOW_MAX, whole sections leaving the top), and scrolling back up brings every item back
    once, in order, up to the newest."""
    ids = seed(services, 100, every=timedelta(hours=7))  # three or four photos a day
    album = services.albums.create("Big")
    members = [i for n, i in enumerate(ids) if n % 3]  # two in three, from all over
    services.albums.add(album.id, members)
    for gone in (members[5], members[30], members[31]):
        services.items.trash(gone)
    expected = [i for i in members if i not in {members[5], members[30], members[31]}]
    grid = album_page(services, album.id)[0]
    assert grid._item_ids() == expected[:10]
    seen_keys: dict[str, int] = {}
    down: list[str] = []
    for _ in range(20):  # down to its oldest item
        _indices(grid, seen_keys)
        window = grid._item_ids()
        assert len(window) <= 25 and _is_run_of(window, expected)
        down += [i for i in window if i not in down]
        run(TimelineState.load_older.fn, grid)
    assert down == expected and grid._item_ids()[-1] == expected[-1]
    assert grid.first_index > FIRST_INDEX  # sections left at the top
    up: list[str] = []
    for _ in range(20):  # and back up to the newest
        _indices(grid, seen_keys)
        window = grid._item_ids()
        assert len(window) <= 25 and _is_run_of(window, expected)
        up = _prepend(up, window) if up else window
        run(TimelineState.load_newer.fn, grid)
    assert grid._item_ids()[0] == expected[0]
    assert up == expected  # every item came back, once, in order


def _is_run_of(window: list[str], order: list[str]) -> bool:
    """The window is one unbroken stretch of ``order``: nothing skipped, nothing twice."""
    if not window:
        return True
    start = order.index(window[0])
    return window == order[start : start + len(window)]


def _prepend(up: list[str], window: list[str]) -> list[str]:
    """The items seen climbing: those above the top seen so far join in front."""
    top = window.index(up[0]) if up[0] in window else len(window)
    return window[:top] + up
