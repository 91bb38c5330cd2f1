"""Items: add, get, update, rename/move (one conditional write), trash, restore, purge."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.domain import GPS, Kind, MediaItem, Status
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.storage import Storage

MakeItem = Callable[..., MediaItem]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_add_and_get_round_trip(storage: Storage, make_item: MakeItem) -> None:
    item = make_item(
        "Crémieux 日本.jpg",
        sha256="ab" * 32,
        taken_at=datetime(2019, 7, 14, 9, 30, 15, 123456, tzinfo=UTC),
        width=4032,
        height=3024,
        duration=None,
        camera="Pixel 7",
        lens="wide",
        gps=GPS(45.5, -73.25),
        rotation=90,
        codec=None,
        thumbnails={"s": "thumbs/x/s.webp", "l": "thumbs/x/l.webp"},
        status=Status.PROCESSING,
        status_reason=None,
    )
    assert storage.catalog.add_item(item) == item
    assert storage.catalog.get_item(item.id) == item


def test_video_fields_round_trip(storage: Storage, make_item: MakeItem) -> None:
    item = make_item("clip.mp4", kind=Kind.VIDEO, duration=12.5, codec="h264", size=10**10)
    storage.catalog.add_item(item)
    got = storage.catalog.get_item(item.id)
    assert got == item
    assert isinstance(got.duration, float)


def test_add_conflicts_and_missing_folder(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    first = c.add_item(make_item("same.jpg"))
    with pytest.raises(Conflict):
        c.add_item(make_item("same.jpg"))
    assert c.get_item(first.id) == first
    with pytest.raises(NotFound):
        c.add_item(make_item("x.jpg", "/missing"))
    with pytest.raises(NotFound):
        c.get_item("nope")


def test_name_taken(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.add_item(make_item("a.jpg"))
    assert c.name_taken("/", "a.jpg")
    assert not c.name_taken("/", "A.jpg")
    assert not c.name_taken("/", "b.jpg")


def test_update_item(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    item = c.add_item(make_item("u.jpg", status=Status.UPLOADING))
    updated = c.update_item(
        item.id,
        status=Status.READY,
        width=10,
        height=20,
        taken_at=T0 - timedelta(days=3),
        thumbnails={"s": "thumbs/1/s.webp"},
    )
    assert updated.status is Status.READY
    assert c.get_item(item.id) == updated
    failed = c.update_item(item.id, status="failed", status_reason="not a photo", width=None)
    assert failed.status is Status.FAILED
    assert failed.width is None
    assert c.get_item(item.id) == failed


def test_update_refusals(storage: Storage, make_item: MakeItem) -> None:
    item = storage.catalog.add_item(make_item("u.jpg"))
    for bad in ({"name": "x"}, {"folder": "/x"}, {"id": "x"}, {"nonsense": 1}, {"status": "?"}):
        with pytest.raises(InvalidInput):
            storage.catalog.update_item(item.id, **bad)
    with pytest.raises(NotFound):
        storage.catalog.update_item("missing", status=Status.READY)


def test_update_changes_sort_position(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    a = c.add_item(make_item("a.jpg", uploaded_at=T0))
    b = c.add_item(make_item("b.jpg", uploaded_at=T0 + timedelta(hours=1)))
    assert [i.id for i in c.list_items("/", sort="taken").items] == [b.id, a.id]
    c.update_item(a.id, taken_at=T0 + timedelta(days=1))
    assert [i.id for i in c.list_items("/", sort="taken").items] == [a.id, b.id]
    assert [i.id for i in c.list_items("/", sort="uploaded").items] == [b.id, a.id]


def test_rename_and_move_item(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/album")
    item = c.add_item(make_item("a.jpg"))
    renamed = c.rename_item(item.id, "/", "b.jpg")
    assert (renamed.folder, renamed.name) == ("/", "b.jpg")
    moved = c.rename_item(item.id, "/album", "c.jpg")
    assert c.get_item(item.id) == moved
    assert moved.path == "/album/c.jpg"
    assert [i.name for i in c.list_items("/").items] == []
    assert [i.name for i in c.list_items("/album").items] == ["c.jpg"]
    assert not c.name_taken("/", "a.jpg")
    assert c.rename_item(item.id, "/album", "c.jpg") == moved  # no-op


def test_rename_clash_leaves_both_untouched(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/dir")
    a = c.add_item(make_item("a.jpg"))
    b = c.add_item(make_item("b.jpg"))
    with pytest.raises(Conflict):
        c.rename_item(a.id, "/", "b.jpg")
    with pytest.raises(Conflict):
        c.rename_item(a.id, "/", "dir")  # a folder's name
    assert c.get_item(a.id) == a
    assert c.get_item(b.id) == b


def test_rename_refusals(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    item = c.add_item(make_item("a.jpg"))
    with pytest.raises(NotFound):
        c.rename_item(item.id, "/missing", "a.jpg")
    with pytest.raises(NotFound):
        c.rename_item("missing", "/", "x.jpg")
    for bad in ("", "a/b", "..", "x\x00"):
        with pytest.raises(InvalidInput):
            c.rename_item(item.id, "/", bad)
    assert c.get_item(item.id) == item


def test_concurrent_renames_to_one_name(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    items = [c.add_item(make_item(f"{n}.jpg")) for n in ("one", "two")]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def rename(item: MediaItem) -> None:
        barrier.wait()
        try:
            outcomes[item.id] = c.rename_item(item.id, "/", "winner.jpg")
        except Conflict as exc:
            outcomes[item.id] = exc

    threads = [threading.Thread(target=rename, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    wins = [v for v in outcomes.values() if isinstance(v, MediaItem)]
    losses = [v for v in outcomes.values() if isinstance(v, Conflict)]
    assert (len(wins), len(losses)) == (1, 1)
    now = {i.id: c.get_item(i.id) for i in items}
    assert sorted(i.name for i in now.values()) == sorted(
        ["winner.jpg", next(i.name for i in items if i.id != wins[0].id)]
    )
    assert sorted(i.name for i in c.list_items("/").items) == sorted(i.name for i in now.values())


def test_trash_and_restore(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/album")
    item = c.add_item(make_item("a.jpg", "/album"))
    trashed = c.trash_item(item.id)
    assert trashed.deleted_at is not None
    assert (trashed.folder, trashed.name) == ("/album", "a.jpg")  # where it goes back
    assert c.get_item(item.id) == trashed
    assert c.list_items("/album").items == []
    assert not c.name_taken("/album", "a.jpg")  # the name is free again
    assert [i.id for i in c.list_trash().items] == [item.id]
    assert c.trash_item(item.id) == trashed  # already there
    restored = c.restore_item(item.id)
    assert restored.deleted_at is None
    assert restored.path == "/album/a.jpg"
    assert c.get_item(item.id) == restored
    assert [i.id for i in c.list_items("/album").items] == [item.id]
    assert c.list_trash().items == []
    with pytest.raises(InvalidInput):
        c.restore_item(item.id)  # not in the trash


def test_restore_when_name_taken(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    item = c.add_item(make_item("a.jpg"))
    c.trash_item(item.id)
    newcomer = c.add_item(make_item("a.jpg"))
    with pytest.raises(Conflict):
        c.restore_item(item.id)
    assert c.get_item(item.id).deleted_at is not None
    assert c.get_item(newcomer.id) == newcomer
    restored = c.restore_item(item.id, name="a (1).jpg")
    assert restored.name == "a (1).jpg"
    assert sorted(i.name for i in c.list_items("/").items) == ["a (1).jpg", "a.jpg"]


def test_restore_into_missing_folder(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/gone")
    item = c.add_item(make_item("a.jpg", "/gone"))
    c.trash_item(item.id)
    c.delete_folder("/gone")  # the trashed item does not keep it alive
    with pytest.raises(NotFound):
        c.restore_item(item.id)
    assert c.get_item(item.id).deleted_at is not None


def test_list_trash_newest_first_with_cursor(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    ids = [c.add_item(make_item(f"t{i}.jpg")).id for i in range(5)]
    for item_id in ids:
        c.trash_item(item_id)
    first = c.list_trash(limit=3)
    assert first.next_cursor is not None
    second = c.list_trash(limit=3, cursor=first.next_cursor)
    assert second.next_cursor is None
    listed = [i.id for i in first.items + second.items]
    assert listed == list(reversed(ids))
    with pytest.raises(InvalidInput):
        c.list_trash(cursor="garbage")


def test_purge(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    item = c.add_item(make_item("p.jpg"))
    c.trash_item(item.id)
    c.purge_item(item.id)
    with pytest.raises(NotFound):
        c.get_item(item.id)
    assert c.list_trash().items == []
    c.purge_item(item.id)  # purging twice is harmless
    live = c.add_item(make_item("live.jpg"))
    c.purge_item(live.id)  # untrashed items can be purged too
    assert c.list_items("/").items == []


def test_find_by_sha256(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/b")
    digest = "cd" * 32
    one = c.add_item(make_item("one.jpg", sha256=digest))
    two = c.add_item(make_item("two.jpg", "/b", sha256=digest))
    gone = c.add_item(make_item("gone.jpg", sha256=digest))
    c.add_item(make_item("other.jpg", sha256="ef" * 32))
    c.trash_item(gone.id)
    assert sorted(i.id for i in c.find_by_sha256(digest)) == sorted([one.id, two.id])
    assert c.find_by_sha256("00" * 32) == []


def test_items_with_status(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    old = c.add_item(make_item("old.jpg", status=Status.UPLOADING, uploaded_at=T0))
    new = c.add_item(
        make_item("new.jpg", status=Status.UPLOADING, uploaded_at=T0 + timedelta(hours=2))
    )
    c.add_item(make_item("done.jpg", status=Status.READY))
    assert [i.id for i in c.items_with_status(Status.UPLOADING)] == [old.id, new.id]
    stale = c.items_with_status("uploading", older_than=T0 + timedelta(hours=1))
    assert [i.id for i in stale] == [old.id]
    c.update_item(old.id, status=Status.PROCESSING)
    assert [i.id for i in c.items_with_status(Status.PROCESSING)] == [old.id]
    assert c.items_with_status(Status.FAILED) == []


def test_count(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    assert c.count() == (0, 0)
    c.create_folder("/a")
    c.create_folder("/a/b")
    c.add_item(make_item("x.jpg", "/a"))
    trashed = c.add_item(make_item("y.jpg"))
    c.trash_item(trashed.id)
    assert c.count() == (1, 2)
