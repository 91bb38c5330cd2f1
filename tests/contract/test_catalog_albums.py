"""Albums in the catalog, on both backends: names, members, order, trash, purge, dates, paging."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.storage import Storage

MakeItem = Callable[..., MediaItem]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _days(n: int) -> datetime:
    return T0 - timedelta(days=n)


@pytest.fixture
def library(storage: Storage, make_item: MakeItem) -> list[MediaItem]:
    """Four photos in two folders, taken one day apart (newest first: a, b, c, d)."""
    c = storage.catalog
    c.create_folder("/trip")
    c.create_folder("/home")
    return [
        c.add_item(make_item(f"{n}.jpg", folder, taken_at=_days(i)))
        for i, (n, folder) in enumerate(
            [("a", "/trip"), ("b", "/home"), ("c", "/trip"), ("d", "/home")]
        )
    ]


def _ids(page_items: list[MediaItem]) -> list[str]:
    return [i.id for i in page_items]


def test_create_get_rename_and_list(storage: Storage) -> None:
    c = storage.catalog
    summer = c.create_album("Summer 2024")
    assert c.get_album(summer.id) == summer
    winter = c.create_album("Winter")
    assert [s.album.name for s in c.list_albums()] == ["Summer 2024", "Winter"]
    renamed = c.rename_album(winter.id, "Autumn")
    assert renamed.name == "Autumn" and c.get_album(winter.id).name == "Autumn"
    assert [s.album.name for s in c.list_albums()] == ["Autumn", "Summer 2024"]
    # the freed name can be taken again; the new one cannot
    c.create_album("Winter")
    with pytest.raises(Conflict):
        c.create_album("autumn")


def test_names_clash_up_to_case_and_nothing_is_renamed(storage: Storage) -> None:
    c = storage.catalog
    a = c.create_album("Beach")
    b = c.create_album("Mountains")
    with pytest.raises(Conflict, match="already exists"):
        c.create_album("BEACH")
    with pytest.raises(Conflict):
        c.rename_album(b.id, "beach")
    assert c.get_album(b.id).name == "Mountains"
    assert len(c.list_albums()) == 2
    # changing only the case of its own name is allowed
    assert c.rename_album(a.id, "beach").name == "beach"
    with pytest.raises(Conflict):
        c.create_album("Beach")


@pytest.mark.parametrize("name", ["", "  ", "a/b", "x\x00", "..", " lead", "a" * 256, 5])
def test_bad_album_names_are_refused(storage: Storage, name: object) -> None:
    with pytest.raises(InvalidInput):
        storage.catalog.create_album(name)  # type: ignore[arg-type]
    assert storage.catalog.list_albums() == []


def test_unknown_album_is_not_found(storage: Storage) -> None:
    c = storage.catalog
    for call in (
        lambda: c.get_album("nope"),
        lambda: c.rename_album("nope", "x"),
        lambda: c.delete_album("nope"),
        lambda: c.album_items("nope"),
        lambda: c.add_to_album("nope", ["x"]),
        lambda: c.remove_from_album("nope", ["x"]),
        lambda: c.set_album_cover("nope", None),
        lambda: c.get_album("../" * 40),
    ):
        with pytest.raises(NotFound):
            call()


def test_add_lists_by_date_taken_across_folders(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b, c_, d = library
    change = c.add_to_album(album.id, [d.id, b.id, a.id])
    assert set(change.changed) == {a.id, b.id, d.id} and change.unchanged == ()
    assert _ids(c.album_items(album.id).items) == [a.id, b.id, d.id]
    assert c.get_item(a.id).albums == (album.id,)
    assert c.get_item(c_.id).albums == ()
    # the items did not move
    assert c.get_item(d.id).folder == "/home"
    assert [s.count for s in c.list_albums()] == [3]


def test_adding_twice_is_no_duplicate(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b = library[:2]
    c.add_to_album(album.id, [a.id])
    change = c.add_to_album(album.id, [a.id, b.id, b.id])
    assert change.changed == (b.id,) and change.unchanged == (a.id,)
    assert _ids(c.album_items(album.id).items) == [a.id, b.id]
    assert c.get_item(a.id).albums == (album.id,)


def test_an_item_in_many_albums(storage: Storage, library) -> None:
    c = storage.catalog
    one, two = c.create_album("One"), c.create_album("Two")
    a = library[0]
    c.add_to_album(one.id, [a.id])
    c.add_to_album(two.id, [a.id])
    assert set(c.get_item(a.id).albums) == {one.id, two.id}
    c.remove_from_album(one.id, [a.id])
    assert c.get_item(a.id).albums == (two.id,)
    assert c.album_items(one.id).items == []
    assert _ids(c.album_items(two.id).items) == [a.id]


def test_unknown_trashed_or_uploading_items_change_nothing(
    storage: Storage, library, make_item: MakeItem
) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b = library[:2]
    c.trash_item(b.id)
    uploading = c.add_item(make_item("up.jpg", status=Status.UPLOADING))
    with pytest.raises(NotFound, match="nope"):
        c.add_to_album(album.id, [a.id, "nope"])
    with pytest.raises(Conflict, match=b.id):
        c.add_to_album(album.id, [a.id, b.id])
    with pytest.raises(Conflict, match=uploading.id):
        c.add_to_album(album.id, [a.id, uploading.id])
    assert c.album_items(album.id).items == []
    assert c.get_item(a.id).albums == ()


@pytest.mark.parametrize("ids", [[], "abc", [1], [None], ["x"] * 1001, {"a": 1}])
def test_bad_id_lists_are_refused(storage: Storage, library, ids: object) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    with pytest.raises(InvalidInput):
        c.add_to_album(album.id, ids)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        c.remove_from_album(album.id, ids)  # type: ignore[arg-type]


def test_trash_hides_restore_brings_back(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b = library[:2]
    c.add_to_album(album.id, [a.id, b.id])
    c.trash_item(a.id)
    assert _ids(c.album_items(album.id).items) == [b.id]
    assert c.list_albums()[0].count == 1
    c.restore_item(a.id)
    assert _ids(c.album_items(album.id).items) == [a.id, b.id]
    assert c.get_item(a.id).albums == (album.id,)


def test_purge_drops_memberships(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b = library[:2]
    c.add_to_album(album.id, [a.id, b.id])
    c.trash_item(a.id)
    assert c.purge_item(a.id)
    assert _ids(c.album_items(album.id).items) == [b.id]
    with pytest.raises(NotFound):
        c.remove_from_album(album.id, [a.id])  # neither an item nor a member any more


def test_remove_reports_what_was_not_there(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b = library[:2]
    c.add_to_album(album.id, [a.id])
    change = c.remove_from_album(album.id, [a.id, b.id])
    assert change.changed == (a.id,) and change.unchanged == (b.id,)
    with pytest.raises(NotFound):
        c.remove_from_album(album.id, ["nope"])


def test_delete_album_keeps_the_items(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    other = c.create_album("Other")
    ids = [i.id for i in library]
    c.add_to_album(album.id, ids)
    c.add_to_album(other.id, ids[:1])
    c.delete_album(album.id)
    with pytest.raises(NotFound):
        c.get_album(album.id)
    assert [s.album.name for s in c.list_albums()] == ["Other"]
    assert [c.get_item(i).albums for i in ids] == [(other.id,), (), (), ()]
    assert c.count() == (4, 2)
    c.create_album("Best")  # the name is free again


def test_albums_never_show_up_as_items_or_folders(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    c.add_to_album(album.id, [library[0].id])
    assert c.count() == (4, 2)
    assert {f.path for f in c.list_folders("/")} == {"/home", "/trip"}
    assert c.list_items("/").items == []
    assert len(c.items_with_status(Status.READY)) == 4
    c.move_folder("/trip", "/journey")
    assert c.get_item(library[0].id).folder == "/journey"
    assert _ids(c.album_items(album.id).items) == [library[0].id]
    with pytest.raises(NotFound):
        c.get_item(album.id)


def test_cover_is_newest_unless_chosen(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b, c_, _ = library
    c.add_to_album(album.id, [b.id, c_.id])
    assert c.list_albums()[0].cover.id == b.id
    c.set_album_cover(album.id, c_.id)
    assert c.list_albums()[0].cover.id == c_.id
    c.trash_item(c_.id)  # a hidden cover falls back to the newest shown
    assert c.list_albums()[0].cover.id == b.id
    with pytest.raises(InvalidInput):
        c.set_album_cover(album.id, a.id)  # not in the album
    with pytest.raises(NotFound):
        c.set_album_cover(album.id, "nope")
    assert c.set_album_cover(album.id, None).cover_id is None


def test_a_new_date_taken_moves_the_item_in_its_albums(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    a, b, c_, _ = library
    c.add_to_album(album.id, [a.id, b.id, c_.id])
    c.update_item(a.id, taken_at=_days(10))
    assert _ids(c.album_items(album.id).items) == [b.id, c_.id, a.id]
    c.update_item(a.id, width=5)  # other changes leave it where it is
    assert _ids(c.album_items(album.id).items) == [b.id, c_.id, a.id]


def test_pages_skip_hidden_items_and_end_cleanly(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    items = [c.add_item(make_item(f"{i:02}.jpg", taken_at=_days(i))) for i in range(9)]
    album = c.create_album("Many")
    c.add_to_album(album.id, [i.id for i in items])
    for i in (1, 2, 3, 4, 7):  # a run longer than a page, and one more
        c.trash_item(items[i].id)
    seen, cursor, pages = [], None, 0
    while True:
        page = c.album_items(album.id, limit=2, cursor=cursor)
        assert page.items, "no empty pages"
        seen += _ids(page.items)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [items[i].id for i in (0, 5, 6, 8)]
    assert pages == 2
    with pytest.raises(InvalidInput):
        c.album_items(album.id, cursor="junk")
    other = c.create_album("Other")
    first = c.album_items(album.id, limit=1)
    with pytest.raises(InvalidInput):
        c.album_items(other.id, cursor=first.next_cursor)


def test_many_items_in_batches(storage: Storage, make_item: MakeItem) -> None:
    """More items than one DynamoDB transaction holds: every one joins, then every one leaves."""
    c = storage.catalog
    items = [c.add_item(make_item(f"{i:03}.jpg", taken_at=_days(i))) for i in range(120)]
    album = c.create_album("Big")
    ids = [i.id for i in items]
    assert len(c.add_to_album(album.id, ids).changed) == 120
    assert _ids(c.album_items(album.id, limit=1000).items) == ids
    assert c.list_albums()[0].count == 120
    c.delete_album(album.id)
    assert all(c.get_item(i).albums == () for i in ids)


def _climb(c, album_id: str, cursor: str | None, limit: int) -> tuple[list[str], int]:
    """Every item above ``cursor``, read upwards a page at a time: (ids newest first, pages)."""
    seen: list[str] = []
    pages = 0
    while cursor is not None:
        page = c.album_items(album_id, limit=limit, cursor=cursor, newer=True)
        if not page.items:
            assert page.next_cursor is None, "an empty page ends the climb"
            break
        pages += 1
        seen = _ids(page.items) + seen  # each page sits above the one before
        cursor = page.next_cursor
    return seen, pages


def test_climbing_from_a_middle_item_returns_exactly_the_items_above(
    storage: Storage, make_item: MakeItem
) -> None:
    c = storage.catalog
    items = [c.add_item(make_item(f"{i:02}.jpg", taken_at=_days(i))) for i in range(10)]
    twins = [c.add_item(make_item(f"t{i}.jpg", taken_at=_days(3))) for i in range(2)]
    album = c.create_album("Many")
    c.add_to_album(album.id, [i.id for i in [*items, *twins]])
    for i in (2, 4, 5, 6):  # a run longer than a page, and one more
        c.trash_item(items[i].id)
    everything = []
    cursor = None
    while True:
        page = c.album_items(album.id, limit=3, cursor=cursor)
        everything += _ids(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    middle = items[8]
    above = everything[: everything.index(middle.id)]
    assert len(above) == 6 and twins[0].id in above  # the twins sort by id, both ways
    seen, pages = _climb(c, album.id, c.album_cursor(album.id, middle), limit=2)
    assert seen == above and len(set(seen)) == len(seen)
    assert pages == 3
    # one page of the climb is newest first, and its cursor goes on upwards
    page = c.album_items(album.id, limit=2, cursor=c.album_cursor(album.id, middle), newer=True)
    assert _ids(page.items) == above[-2:]
    # and downwards from the same position: exactly the items below
    below = c.album_items(album.id, limit=100, cursor=c.album_cursor(album.id, middle))
    assert _ids(below.items) == everything[everything.index(middle.id) + 1 :]
    # from the newest item there is nothing above; a page's cursor climbs as well
    top = c.album_items(album.id, cursor=c.album_cursor(album.id, items[0]), newer=True)
    assert top.items == [] and top.next_cursor is None
    first = c.album_items(album.id, limit=3)
    assert (
        _ids(c.album_items(album.id, cursor=first.next_cursor, newer=True).items)
        == (everything[:2])
    )


def test_climbing_with_bad_cursors_is_refused(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    other = c.create_album("Other")
    c.add_to_album(album.id, [i.id for i in library])
    c.add_to_album(other.id, [library[0].id])
    for cursor in (None, "", "junk", c.album_cursor(other.id, library[0])):
        with pytest.raises(InvalidInput):
            c.album_items(album.id, cursor=cursor, newer=True)
    with pytest.raises(NotFound):
        c.album_items("nope", newer=True)  # an unknown album before a missing cursor
    with pytest.raises(NotFound):
        c.album_cursor("../" * 40, library[0])
