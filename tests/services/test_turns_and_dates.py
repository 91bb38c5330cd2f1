"""Turning a photo and fixing dates, on both backends, with processing and the sandbox for real."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from rdrive_app.core.domain import MAX_SELECTION, Kind, MediaItem, Status, utcnow
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, UnsupportedMedia
from rdrive_app.core.keys import original_key, thumbnail_key, turned_download_key
from rdrive_app.core.listing import SortOrder
from rdrive_app.core.settings import Settings
from rdrive_app.services.image_renditions import rendition_key, rendition_url
from rdrive_app.services.items import ItemService
from rdrive_app.services.processing import process_item
from rdrive_app.services.turns import TurnService
from rdrive_app.storage import Storage
from rdrive_app.storage.records import timeline_keys
from tests.media_factory import MARK_LEFT, MARK_TOP, edge_colour, looks, marked_photo
from tests.services.test_processing import add, webp


@pytest.fixture
def settings(storage_settings: Settings) -> Settings:
    return storage_settings


@pytest.fixture
def items(storage: Storage) -> ItemService:
    return ItemService(storage)


@pytest.fixture
def turns(storage: Storage, settings: Settings, items: ItemService) -> TurnService:
    return TurnService(storage, settings, items)


def ready(storage: Storage, settings: Settings, data: bytes, name: str = "IMG_1.jpg") -> MediaItem:
    item = process_item(storage, settings, add(storage, data, name).id)
    assert item.status == Status.READY, item.status_reason
    return item


def blob_image(storage: Storage, key: str) -> Image.Image:
    size = storage.blobs.size(key)
    assert size, f"{key} is missing"
    return Image.open(io.BytesIO(storage.blobs.read_range(key, 0, size)))


def test_a_quarter_turn_turns_the_thumbnails_and_only_them(
    storage: Storage, settings: Settings, turns: TurnService
) -> None:
    data = marked_photo((600, 400), orientation=6)  # stored 400 × 600, tagged to turn upright
    item = ready(storage, settings, data)
    assert (item.width, item.height) == (600, 400)
    old_keys = set(item.thumbnails.values())
    turned = turns.turn(item.id, 90)
    assert turned.turn == 90 and turned.shown_size == (400, 600)
    assert turned.thumbnails == {
        "thumb": thumbnail_key(item.id, "thumb", 90),
        "preview": thumbnail_key(item.id, "preview", 90),
    }
    assert storage.catalog.get_item(item.id) == turned
    for key in turned.thumbnails.values():
        im = webp(storage, key)
        assert im.height > im.width
        assert looks(edge_colour(im, "right"), MARK_TOP), edge_colour(im, "right")
        assert looks(edge_colour(im, "top"), MARK_LEFT), edge_colour(im, "top")
    assert all(storage.blobs.size(k) is None for k in old_keys)  # the old turn's are gone
    original = storage.blobs.read_range(original_key(item.id), 0, len(data))
    assert original == data  # never touched


def test_turning_back_and_again_and_the_same_turn_twice(
    storage: Storage, settings: Settings, turns: TurnService
) -> None:
    item = ready(storage, settings, marked_photo())
    assert turns.turn(item.id, 180).turn == 180
    same = turns.turn(item.id, 180)
    assert same == storage.catalog.get_item(item.id)
    back = turns.turn(item.id, 0)
    assert back.thumbnails == item.thumbnails  # upright: the keys processing gave
    assert looks(edge_colour(webp(storage, back.thumbnails["thumb"]), "top"), MARK_TOP)
    keys = set(storage.blobs.list_keys(f"thumbs/{item.id}/"))
    assert keys == set(item.thumbnails.values())  # nothing of the turns left behind


def test_processing_again_keeps_the_turn(
    storage: Storage, settings: Settings, turns: TurnService
) -> None:
    item = ready(storage, settings, marked_photo())
    turned = turns.turn(item.id, 270)
    again = process_item(storage, settings, item.id, force=True)
    assert (again.turn, again.thumbnails) == (270, turned.thumbnails)
    thumb = webp(storage, again.thumbnails["thumb"])
    assert looks(edge_colour(thumb, "left"), MARK_TOP)


def test_renditions_follow_the_turn_and_are_forgotten_with_it(
    storage: Storage, settings: Settings, turns: TurnService
) -> None:
    item = ready(storage, settings, marked_photo((3000, 2000)))
    rendition_url(storage, settings, item.id, 200)
    rendition_url(storage, settings, item.id, 2560)  # wider than the preview: from the original
    turns.turn(item.id, 90)
    assert storage.blobs.size(rendition_key(item.id, 200)) is None
    assert storage.blobs.size(rendition_key(item.id, 2560)) is None
    rendition_url(storage, settings, item.id, 800)
    rendition_url(storage, settings, item.id, 2560)
    small = blob_image(storage, rendition_key(item.id, 800, 90))
    large = blob_image(storage, rendition_key(item.id, 2560, 90))
    assert small.size == (800, 1200) and large.size == (2000, 3000)  # never enlarged
    for im in (small, large):
        assert looks(edge_colour(im, "right"), MARK_TOP)


def test_a_turned_photo_downloads_as_a_turned_jpeg(
    storage: Storage, settings: Settings, turns: TurnService
) -> None:
    item = ready(storage, settings, marked_photo((600, 400), orientation=6), "IMG_7.JPG")
    assert "IMG_7.JPG" in turns.download_url(item.id, turned=True)  # upright: the original
    turns.turn(item.id, 90)
    url = turns.download_url(item.id, turned=True)
    key = turned_download_key(item.id, 90)
    im = blob_image(storage, key)
    assert im.format == "JPEG" and im.size == (400, 600)
    assert looks(edge_colour(im, "right"), MARK_TOP)
    assert "rotated" in url
    assert "IMG_7.JPG" in turns.download_url(item.id, turned=False)
    turns.turn(item.id, 0)
    assert storage.blobs.size(key) is None


def test_a_photo_whose_images_cannot_be_made_keeps_its_old_ones(
    storage: Storage, settings: Settings, turns: TurnService
) -> None:
    item = ready(storage, settings, marked_photo())
    storage.blobs.put(original_key(item.id), b"\xff\xd8\xff\xe0 not a jpeg any more", "image/jpeg")
    with pytest.raises(UnsupportedMedia, match="cannot turn the photo"):
        turns.turn(item.id, 90)
    assert storage.catalog.get_item(item.id) == item
    assert set(storage.blobs.list_keys(f"thumbs/{item.id}/")) == set(item.thumbnails.values())


def test_videos_and_unfinished_items_are_not_turned(
    storage: Storage, settings: Settings, turns: TurnService, media_dir: Path
) -> None:
    video = (media_dir / "videos/sample.mp4").read_bytes()
    clip = ready(storage, settings, video, "clip.mp4")
    assert clip.kind == Kind.VIDEO
    with pytest.raises(InvalidInput, match="videos cannot be turned yet"):
        turns.turn(clip.id, 90)
    waiting = add(storage, marked_photo(), "later.jpg")  # still processing
    with pytest.raises(Conflict, match="still being processed"):
        turns.turn(waiting.id, 90)
    with pytest.raises(InvalidInput, match="0, 90, 180 or 270"):
        turns.turn(waiting.id, 45)
    with pytest.raises(NotFound):
        turns.turn("nope", 90)


def test_a_fixed_date_survives_processing_again(
    storage: Storage, settings: Settings, items: ItemService, media_dir: Path
) -> None:
    data = (media_dir / "photos/gps/DSCN0010.jpg").read_bytes()  # EXIF: taken in 2008
    item = ready(storage, settings, data, "DSCN0010.jpg")
    assert item.taken_at is not None and item.taken_at.year == 2008
    fixed = items.set_taken_at(item.id, "2009-10-11T12:13:14+02:00")
    assert fixed.date_fixed and fixed.taken_at == datetime(2009, 10, 11, 10, 13, 14, tzinfo=UTC)
    again = process_item(storage, settings, item.id, force=True)
    assert again.taken_at == fixed.taken_at and again.date_fixed
    assert again.camera == "NIKON COOLPIX P6000"  # the rest was read again


def test_a_date_is_not_set_while_processing_would_overwrite_it(
    storage: Storage, items: ItemService
) -> None:
    item = add(storage, marked_photo(), "new.jpg")  # processing
    with pytest.raises(Conflict, match="still being processed"):
        items.set_taken_at(item.id, "2020-01-01T00:00:00Z")
    with pytest.raises(InvalidInput, match="not a date"):
        items.set_taken_at(item.id, "soon")
    assert storage.catalog.get_item(item.id) == item


def _dated(storage: Storage, name: str, taken: datetime | None) -> MediaItem:
    item = add(storage, b"x", name, status=Status.READY)
    return storage.catalog.update_item(item.id, taken_at=taken)


def _taken_order(storage: Storage) -> list[str]:
    page = storage.catalog.list_items("/", sort=SortOrder.TAKEN, limit=100)
    return [i.name for i in page.items]


def test_a_shift_moves_the_selection_on_the_timeline(storage: Storage, items: ItemService) -> None:
    a = _dated(storage, "a.jpg", datetime(2020, 5, 1, 10, tzinfo=UTC))
    b = _dated(storage, "b.jpg", datetime(2020, 5, 1, 11, tzinfo=UTC))
    c = _dated(storage, "c.jpg", None)  # no date taken: it moves from its upload date
    _dated(storage, "d.jpg", datetime(2020, 5, 1, 12, tzinfo=UTC))
    assert _taken_order(storage) == ["c.jpg", "d.jpg", "b.jpg", "a.jpg"]  # newest first
    moved = items.shift_dates([a.id, c.id, a.id], 2 * 3600 + 30)  # a twice: moved once
    assert [m.id for m in moved] == [a.id, c.id]
    assert moved[0].taken_at == datetime(2020, 5, 1, 12, 0, 30, tzinfo=UTC)
    assert moved[1].taken_at == c.uploaded_at + timedelta(seconds=7230)
    assert all(m.date_fixed for m in moved)
    assert _taken_order(storage) == ["c.jpg", "a.jpg", "d.jpg", "b.jpg"]
    stored = storage.catalog.get_item(a.id)
    assert timeline_keys(stored)["timeline_key"] == f"2020-05-01T12:00:30.000000Z#{a.id}"
    assert storage.catalog.get_item(b.id).taken_at == b.taken_at


def test_a_shift_with_one_bad_id_or_date_changes_nothing(
    storage: Storage, items: ItemService
) -> None:
    old = _dated(storage, "old.jpg", datetime(1830, 1, 1, tzinfo=UTC))
    new = _dated(storage, "new.jpg", utcnow() - timedelta(hours=1))
    trashed = storage.catalog.trash_item(_dated(storage, "t.jpg", None).id)
    before = {i.id: storage.catalog.get_item(i.id) for i in (old, new)}
    for ids, seconds, error, match in [
        ([old.id, "nope"], 60, NotFound, "nope"),
        ([old.id, trashed.id], 60, NotFound, "trash"),
        ([old.id, new.id], -5 * 366 * 86400, InvalidInput, "before 1826"),
        ([old.id, new.id], 2 * 86400, InvalidInput, "future"),
        ([], 60, InvalidInput, "at least one"),
        (["x"] * (MAX_SELECTION + 1), 60, InvalidInput, "at most 1000"),
        ([old.id], 1.5, InvalidInput, "whole number"),
    ]:
        with pytest.raises(error, match=match):
            items.shift_dates(ids, seconds)
    assert {i: storage.catalog.get_item(i) for i in before} == before


def test_favourite_on_and_off(storage: Storage, items: ItemService) -> None:
    item = _dated(storage, "f.jpg", None)
    assert items.set_favorite(item.id, True).favorite
    assert storage.catalog.get_item(item.id).favorite
    with pytest.raises(InvalidInput):
        items.set_favorite(item.id, "yes")
    assert not items.set_favorite(item.id, False).favorite
