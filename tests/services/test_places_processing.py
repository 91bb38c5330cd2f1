"""Processing names a photo's or a video's place from its GPS, on both backends, and a
processing run again keeps what the user edited."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rdrive_app.core.domain import Place, Status
from rdrive_app.core.settings import Settings
from rdrive_app.services.items import ItemService
from rdrive_app.services.processing import process_item
from rdrive_app.storage import Storage
from tests.services.test_processing import add

AREZZO = Place("Arezzo", "Tuscany", "Italy", "IT")


def test_a_photo_with_gps_gets_its_place(
    storage: Storage, storage_settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "photos/gps/DSCN0010.jpg").read_bytes()
    item = add(storage, data, "DSCN0010.jpg")
    done = process_item(storage, storage_settings, item.id)
    assert done.status == Status.READY and done.place == AREZZO
    assert storage.catalog.get_item(item.id).place == AREZZO
    assert done.place.label == "Arezzo, Tuscany, Italy"


def test_a_video_with_gps_gets_its_place(
    storage: Storage, storage_settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "videos/iphone_rotated.mov").read_bytes()
    item = add(storage, data, "iphone.mov", content_type="video/quicktime")
    done = process_item(storage, storage_settings, item.id)
    assert done.place == Place("East Village", "New York", "United States", "US")


def test_without_gps_no_place(
    storage: Storage, storage_settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "photos/Canon_40D.jpg").read_bytes()
    item = add(storage, data, "Canon_40D.jpg")
    done = process_item(storage, storage_settings, item.id)
    assert done.status == Status.READY and done.gps is None and done.place is None


def test_processing_again_keeps_the_users_edits(
    storage: Storage, storage_settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "photos/gps/DSCN0021.jpg").read_bytes()
    item = add(storage, data, "DSCN0021.jpg")
    process_item(storage, storage_settings, item.id)
    when = datetime(2001, 2, 3, 4, 5, tzinfo=UTC)
    ItemService(storage, 30).set_taken_at(item.id, when.isoformat())
    storage.catalog.update_item(item.id, description="on the piazza", tags=("italy", "trip"))
    storage.catalog.update_item(item.id, place=None)  # as if named before places existed
    again = process_item(storage, storage_settings, item.id, force=True)
    assert again.place == AREZZO
    assert (again.description, again.tags) == ("on the piazza", ("italy", "trip"))
    assert again.taken_at == when and again.date_fixed
