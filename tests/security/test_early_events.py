"""On AWS, S3's "object created" event can reach the processing Lambda before the browser asks
the app to complete the upload. Processing must never skip completion's checks then: a file
whose size was declared falsely (the presigned PUT cannot bound it) is refused and deleted, and
an honest one is completed by the event and processed.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from rdrive_app.core.domain import Status
from rdrive_app.core.errors import NotFound
from rdrive_app.core.settings import Settings
from rdrive_app.entrypoints import lambda_handler
from rdrive_app.services.processing import process_item
from rdrive_app.storage import Storage
from tests.security.support import PHOTO, NullQueue

pytestmark = pytest.mark.parametrize("storage_settings", ["aws"], indirect=True)


@pytest.fixture
def lambda_env(
    storage_settings: Settings, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Storage]:
    for name in ("bucket", "items_table", "users_table", "aws_region", "jwt_secret"):
        monkeypatch.setenv(f"RDRIVE_{name.upper()}", str(getattr(storage_settings, name)))
    monkeypatch.setenv("RDRIVE_BACKEND", "aws")
    monkeypatch.setattr(lambda_handler, "COMPLETE_GRACE_S", 0.3)
    monkeypatch.setattr(lambda_handler, "COMPLETE_POLL_S", 0.05)
    lambda_handler.runtime.cache_clear()
    storage.catalog.create_folder("/trip")
    yield storage
    lambda_handler.runtime.cache_clear()


def _uploads(storage: Storage, settings: Settings):
    from rdrive_app.media.sniff import sniff_type
    from rdrive_app.services.uploads import UploadService

    return UploadService(storage, settings, sniff_type, NullQueue())


def _s3_event(key: str) -> dict:
    record = {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}
    return {"Records": [{**record, "s3": {"object": {"key": key}}}]}


def _put(url: str, data: bytes) -> None:
    httpx.put(url, content=data, headers={"Content-Type": "image/jpeg"}).raise_for_status()


def test_an_event_before_completion_cannot_skip_the_size_check(
    lambda_env: Storage, storage_settings: Settings
) -> None:
    uploads = _uploads(lambda_env, storage_settings)
    ticket = uploads.start("alice", "/trip", "small.jpg", 100, "image/jpeg")
    _put(ticket.url, PHOTO.read_bytes())  # far more than the 100 bytes declared
    lambda_handler.handler(_s3_event(ticket.item.original_key))
    with pytest.raises(NotFound):
        lambda_env.catalog.get_item(ticket.item.id)
    assert lambda_env.blobs.size(ticket.item.original_key) is None
    with pytest.raises(NotFound):  # the browser's late completion finds nothing to keep
        uploads.complete(ticket.item.id)


def test_an_honest_upload_is_completed_by_its_event_and_processed(
    lambda_env: Storage, storage_settings: Settings
) -> None:
    data = PHOTO.read_bytes()
    uploads = _uploads(lambda_env, storage_settings)
    ticket = uploads.start("alice", "/trip", "photo.jpg", len(data), "image/jpeg")
    _put(ticket.url, data)
    lambda_handler.handler(_s3_event(ticket.item.original_key))
    item = lambda_env.catalog.get_item(ticket.item.id)
    assert item.status == Status.READY, item.status_reason
    assert uploads.complete(ticket.item.id).status == Status.READY  # late and harmless


def test_processing_never_touches_an_unfinished_upload(
    lambda_env: Storage, storage_settings: Settings
) -> None:
    uploads = _uploads(lambda_env, storage_settings)
    ticket = uploads.start("alice", "/trip", "x.jpg", 100, "image/jpeg")
    _put(ticket.url, PHOTO.read_bytes())
    item = process_item(lambda_env, storage_settings, ticket.item.id)
    assert item.status == Status.UPLOADING
    assert lambda_env.catalog.get_item(ticket.item.id).thumbnails == {}
