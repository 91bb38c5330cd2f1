"""Folders: create, list, move with everything inside, delete; names unique across kinds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.storage import Storage
from rdrive_app.storage.protocols import Catalog

MakeItem = Callable[..., MediaItem]


def paths(catalog: Catalog, parent: str) -> list[str]:
    return [f.path for f in catalog.list_folders(parent)]


def names(catalog: Catalog, folder: str) -> list[str]:
    return [i.name for i in catalog.list_items(folder, limit=1000).items]


def test_root_always_exists(storage: Storage) -> None:
    assert storage.catalog.get_folder("/").path == "/"
    assert storage.catalog.list_folders("/") == []
    assert storage.catalog.list_items("/").items == []
    with pytest.raises(Conflict):
        storage.catalog.create_folder("/")


def test_create_nested_and_list(storage: Storage) -> None:
    c = storage.catalog
    created = c.create_folder("/Trips")
    assert created.path == "/Trips"
    assert created.name == "Trips"
    c.create_folder("/Trips/2024")
    c.create_folder("/Trips/2023")
    c.create_folder("/Family")
    assert paths(c, "/") == ["/Family", "/Trips"]
    assert paths(c, "/Trips") == ["/Trips/2023", "/Trips/2024"]
    assert c.get_folder("/Trips/2024").path == "/Trips/2024"
    assert c.get_folder("/Trips/2024/").path == "/Trips/2024"  # normalised


def test_empty_folder_persists(storage: Storage) -> None:
    c = storage.catalog
    c.create_folder("/empty")
    assert c.get_folder("/empty").path == "/empty"
    assert c.list_items("/empty").items == []
    assert c.list_folders("/empty") == []
    assert c.name_taken("/", "empty")


def test_missing_folders(storage: Storage) -> None:
    c = storage.catalog
    with pytest.raises(NotFound):
        c.create_folder("/nope/child")
    with pytest.raises(NotFound):
        c.get_folder("/nope")
    with pytest.raises(NotFound):
        c.list_folders("/nope")
    with pytest.raises(NotFound):
        c.list_items("/nope")


def test_duplicate_folder_conflicts(storage: Storage) -> None:
    storage.catalog.create_folder("/a")
    with pytest.raises(Conflict):
        storage.catalog.create_folder("/a")


def test_names_are_case_sensitive(storage: Storage) -> None:
    storage.catalog.create_folder("/a")
    storage.catalog.create_folder("/A")
    assert paths(storage.catalog, "/") == ["/A", "/a"]


def test_file_and_folder_names_clash(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.add_item(make_item("photo.jpg"))
    with pytest.raises(Conflict):
        c.create_folder("/photo.jpg")
    c.create_folder("/album")
    with pytest.raises(Conflict):
        c.add_item(make_item("album"))


def test_bad_paths_are_refused(storage: Storage) -> None:
    for bad in ("relative", "/a/../b", "/a/./b", "/a\x00b", "#trash"):
        with pytest.raises(InvalidInput):
            storage.catalog.create_folder(bad)


def test_move_folder_with_everything_inside(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    for path in ("/a", "/a/b", "/a/b/c", "/a/b2", "/dest"):
        c.create_folder(path)
    top = c.add_item(make_item("top.jpg", "/a"))
    deep = c.add_item(make_item("deep.mp4", "/a/b/c", kind="video"))
    c.add_item(make_item("side.jpg", "/a/b2"))
    created = c.get_folder("/a").created_at

    moved = c.move_folder("/a", "/dest/renamed")
    assert moved.path == "/dest/renamed"
    assert moved.created_at == created
    assert paths(c, "/") == ["/dest"]
    assert paths(c, "/dest") == ["/dest/renamed"]
    assert paths(c, "/dest/renamed") == ["/dest/renamed/b", "/dest/renamed/b2"]
    assert paths(c, "/dest/renamed/b") == ["/dest/renamed/b/c"]
    assert names(c, "/dest/renamed") == ["top.jpg"]
    assert names(c, "/dest/renamed/b/c") == ["deep.mp4"]
    assert names(c, "/dest/renamed/b2") == ["side.jpg"]
    assert c.get_item(top.id).folder == "/dest/renamed"
    assert c.get_item(deep.id).path == "/dest/renamed/b/c/deep.mp4"
    for gone in ("/a", "/a/b", "/a/b/c"):
        with pytest.raises(NotFound):
            c.get_folder(gone)
    assert c.count() == (3, 5)


def test_rename_folder_in_place(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/old")
    item = c.add_item(make_item("x.jpg", "/old"))
    c.move_folder("/old", "/new")
    assert paths(c, "/") == ["/new"]
    assert c.get_item(item.id).folder == "/new"
    assert c.move_folder("/new", "/new").path == "/new"  # no-op


def test_move_folder_refusals(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/a")
    c.create_folder("/a/b")
    c.create_folder("/taken")
    c.add_item(make_item("file.jpg"))
    with pytest.raises(InvalidInput):
        c.move_folder("/a", "/a/b/a")  # into itself
    with pytest.raises(InvalidInput):
        c.move_folder("/a", "/")
    with pytest.raises(InvalidInput):
        c.move_folder("/", "/x")
    with pytest.raises(Conflict):
        c.move_folder("/a", "/taken")
    with pytest.raises(Conflict):
        c.move_folder("/a", "/file.jpg")
    with pytest.raises(NotFound):
        c.move_folder("/missing", "/x")
    with pytest.raises(NotFound):
        c.move_folder("/a", "/missing/x")
    assert paths(c, "/") == ["/a", "/taken"]
    assert paths(c, "/a") == ["/a/b"]


def test_move_folder_many_items(storage: Storage, make_item: MakeItem) -> None:
    """More records than one transaction holds (the aws backend batches them)."""
    c = storage.catalog
    c.create_folder("/big")
    c.create_folder("/big/sub")
    ids = {c.add_item(make_item(f"img{i:03d}.jpg", "/big")).id for i in range(60)}
    c.move_folder("/big", "/moved")
    page = c.list_items("/moved", limit=1000)
    assert {i.id for i in page.items} == ids
    assert paths(c, "/moved") == ["/moved/sub"]


def test_trashed_items_follow_their_folder(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/a")
    item = c.add_item(make_item("x.jpg", "/a"))
    c.trash_item(item.id)
    c.move_folder("/a", "/b")
    assert c.restore_item(item.id).folder == "/b"


def test_delete_folder(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/full")
    c.create_folder("/full/sub")
    c.create_folder("/withitem")
    c.add_item(make_item("x.jpg", "/withitem"))
    with pytest.raises(Conflict):
        c.delete_folder("/full")
    with pytest.raises(Conflict):
        c.delete_folder("/withitem")
    c.delete_folder("/full/sub")
    c.delete_folder("/full")
    assert paths(c, "/") == ["/withitem"]
    with pytest.raises(NotFound):
        c.delete_folder("/full")
    with pytest.raises(InvalidInput):
        c.delete_folder("/")
