"""The sweeper, on both backends: stale unfinished uploads and old trash go; nothing else does."""

from __future__ import annotations

from datetime import timedelta

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id, utcnow
from rdrive_app.services.items import ItemService
from rdrive_app.services.upkeep.housekeeping import sweep


def _item(status: Status, age: timedelta, name: str) -> MediaItem:
    return MediaItem(
        id=new_id(),
        folder="/",
        name=name,
        kind=Kind.IMAGE,
        content_type="image/jpeg",
        size=3,
        uploaded_by="alice",
        uploaded_at=utcnow() - age,
        status=status,
    )


def test_sweep_removes_stale_uploads_and_expired_trash_only(storage, storage_settings):
    catalog, blobs = storage.catalog, storage.blobs
    media = ItemService(storage, trash_retention_days=10)
    stale = catalog.add_item(_item(Status.UPLOADING, timedelta(days=2), "stale.jpg"))
    blobs.put(stale.original_key, b"abc", "image/jpeg")
    fresh = catalog.add_item(_item(Status.UPLOADING, timedelta(minutes=5), "fresh.jpg"))
    kept = catalog.add_item(_item(Status.READY, timedelta(days=400), "kept.jpg"))
    blobs.put(kept.original_key, b"abc", "image/jpeg")
    trashed = catalog.add_item(_item(Status.READY, timedelta(days=90), "old.jpg"))
    blobs.put(trashed.original_key, b"abc", "image/jpeg")
    catalog.trash_item(trashed.id)

    report = sweep(storage, media, storage_settings)
    assert (report.stale_uploads, report.trash_purged) == (1, 0)
    assert {i.name for i in catalog.list_items("/").items} == {"fresh.jpg", "kept.jpg"}
    assert blobs.size(stale.original_key) is None
    assert [i.id for i in catalog.list_trash().items] == [trashed.id]

    report = sweep(storage, media, storage_settings, now=utcnow() + timedelta(days=9))
    assert report.trash_purged == 0
    report = sweep(storage, media, storage_settings, now=utcnow() + timedelta(days=11))
    assert report.trash_purged == 1
    assert catalog.list_trash().items == []
    assert blobs.size(trashed.original_key) is None
    assert blobs.size(kept.original_key) == 3
    # 11 days on, the fresh upload is stale too; the finished photo never is.
    assert {i.name for i in catalog.list_items("/").items} == {"kept.jpg"}
    assert fresh.id not in {i.id for i in catalog.list_items("/").items}
