"""The reconciler takes up items left in ``processing`` for longer than the timeout.

An item can stay ``processing`` with nothing at work on it: a write that reverted its result
(before the catalog's writes were conditional), an S3 event that went to the dead-letter queue,
a worker killed mid-way. On AWS nothing else would look at it again. The hourly reconciler
(``housekeeping.reconcile``) hands such items to the processing queue again: the app's worker
pool, or, where S3 events drive processing, this process itself (the backend can read
originals, write thumbnails and the catalog already: no new permission, no SQS endpoint).
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id, utcnow
from rdrive_app.core.settings import ProcessingMode, Settings
from rdrive_app.services.upkeep.housekeeping import reconcile
from rdrive_app.services.wiring import build_services
from rdrive_app.storage import Storage

WAIT_S = 30.0


def _processing_since(storage: Storage, photo: bytes, name: str, age: timedelta) -> MediaItem:
    """An item completion handed to processing ``age`` ago, its original in storage."""
    item = MediaItem(
        id=new_id(), folder="/", name=name, kind=Kind.IMAGE, content_type="image/jpeg",
        size=len(photo), uploaded_by="ann", uploaded_at=utcnow() - age,
        status=Status.PROCESSING,
    )  # fmt: skip
    storage.blobs.put(item.original_key, photo, "image/jpeg")
    return storage.catalog.add_item(item)


def _status_soon(storage: Storage, item_id: str, want: Status) -> Status:
    deadline = time.monotonic() + WAIT_S
    while (status := storage.catalog.get_item(item_id).status) != want:
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return status


@pytest.mark.parametrize("mode", [ProcessingMode.APP, ProcessingMode.EVENTS])
def test_an_item_stuck_in_processing_is_queued_again_and_ends_ready(
    storage: Storage, storage_settings: Settings, media_dir: Path, mode: ProcessingMode
) -> None:
    settings = storage_settings.model_copy(update={"processing": mode})
    services = build_services(settings)
    try:
        photo = (media_dir / "photos" / "Canon_40D.jpg").read_bytes()
        timeout = timedelta(minutes=settings.stuck_processing_minutes)
        stuck = _processing_since(services.storage, photo, "stuck.jpg", timeout * 2)
        busy = _processing_since(services.storage, photo, "busy.jpg", timeout / 2)
        reconcile(services)
        assert _status_soon(services.storage, stuck.id, Status.READY) == Status.READY
        got = services.storage.catalog.get_item(stuck.id)
        assert got.thumbnails and got.width
        # one still within the timeout is someone else's work (the Lambda's, say): left alone
        assert services.storage.catalog.get_item(busy.id).status == Status.PROCESSING
    finally:
        services.processing.shutdown()
