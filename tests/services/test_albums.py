"""AlbumService on both backends: the shapes it accepts, and what it leaves alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.services.albums import AlbumService
from rdrive_app.services.items import ItemService
from rdrive_app.storage import Storage


def _photo(storage: Storage, name: str, taken: datetime) -> MediaItem:
    item = MediaItem(
        id=new_id(), folder="/", name=name, kind=Kind.IMAGE, content_type="image/jpeg",
        size=1, uploaded_by="ann", status=Status.READY, taken_at=taken,
    )  # fmt: skip
    return storage.catalog.add_item(item)


@pytest.fixture
def albums(storage: Storage) -> AlbumService:
    return AlbumService(storage)


def test_update_needs_something_and_checks_both(storage: Storage, albums: AlbumService) -> None:
    album = albums.create("Trip")
    with pytest.raises(InvalidInput):
        albums.update(album.id)
    with pytest.raises(InvalidInput):
        albums.update(album.id, cover_id=5)
    albums.create("Other")
    with pytest.raises(Conflict):
        albums.update(album.id, name="other")
    summary = albums.update(album.id, name="Voyage", cover_id=None)
    assert summary.album.name == "Voyage" and summary.count == 0


@pytest.mark.parametrize("album_id", [None, 5, "", "x" * 65, ["a"]])
def test_odd_album_ids_are_not_found(albums: AlbumService, album_id: object) -> None:
    calls = (albums.get, albums.delete, albums.items, lambda a: albums.add(a, ["x"]))
    for call in calls:
        with pytest.raises(NotFound):
            call(album_id)


def test_limits_and_shapes(storage: Storage, albums: AlbumService) -> None:
    album = albums.create("Trip")
    with pytest.raises(InvalidInput):
        albums.items(album.id, limit=201)
    with pytest.raises(InvalidInput):
        albums.create(None)
    for ids in ("abc", None, [], [f"{n:032x}" for n in range(1001)]):
        with pytest.raises(InvalidInput):
            albums.add(album.id, ids)


def test_deleting_an_album_or_removing_never_touches_the_photos(
    storage: Storage, albums: AlbumService
) -> None:
    items = ItemService(storage)
    photo = _photo(storage, "a.jpg", datetime(2020, 1, 1, tzinfo=UTC))
    album = albums.create("Trip")
    albums.add(album.id, [photo.id])
    albums.remove(album.id, [photo.id])
    albums.add(album.id, [photo.id])
    albums.delete(album.id)
    kept = items.get(photo.id)
    assert (kept.folder, kept.name, kept.albums) == ("/", "a.jpg", ())
    assert storage.catalog.count() == (1, 0)


def test_trashed_items_leave_the_album_count_and_come_back(
    storage: Storage, albums: AlbumService
) -> None:
    items = ItemService(storage)
    a = _photo(storage, "a.jpg", datetime(2020, 1, 1, tzinfo=UTC))
    b = _photo(storage, "b.jpg", datetime(2021, 1, 1, tzinfo=UTC))
    album = albums.create("Trip")
    albums.add(album.id, [a.id, b.id])
    assert albums.get(album.id).cover.id == b.id  # the newest
    items.trash(b.id)
    summary = albums.get(album.id)
    assert (summary.count, summary.cover.id) == (1, a.id)
    with pytest.raises(Conflict):
        albums.add(album.id, [b.id])
    items.restore(b.id)
    assert [i.id for i in albums.items(album.id).items] == [b.id, a.id]
    items.trash(b.id)
    items.purge(b.id)
    assert [i.id for i in albums.items(album.id).items] == [a.id]
    assert albums.get(album.id).count == 1


def test_cursor_of_an_item_pages_both_ways(storage: Storage, albums: AlbumService) -> None:
    photos = [_photo(storage, f"{n}.jpg", datetime(2020 - n, 1, 1, tzinfo=UTC)) for n in range(5)]
    album = albums.create("Trip")
    albums.add(album.id, [p.id for p in photos])
    at = albums.cursor_of(album.id, photos[2])
    above = albums.items(album.id, cursor=at, newer=True, limit=1)
    assert [i.id for i in above.items] == [photos[1].id]
    assert [i.id for i in albums.items(album.id, cursor=above.next_cursor, newer=True).items] == [
        photos[0].id
    ]
    assert [i.id for i in albums.items(album.id, cursor=at).items] == [p.id for p in photos[3:]]
    for bad in ({"cursor": ""}, {"cursor": at, "newer": "yes"}, {"cursor": at, "limit": 201}):
        with pytest.raises(InvalidInput):
            albums.items(album.id, **{"newer": True, **bad})
    for album_id in (None, "", "x" * 65):
        with pytest.raises(NotFound):
            albums.cursor_of(album_id, photos[0])
