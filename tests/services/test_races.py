"""Races between the sweeps and the people using the library, each played out in one order.

Every test lets one side read, then runs the other side to the end (through a hook on the
storage call the first side makes next), then lets the first side go on:

- a trash purge that listed an item the other user restores meanwhile;
- the stale-upload sweeper that listed an upload being completed meanwhile;
- a slow upload whose parts are still arriving, long after it started;
- on the local store, a PUT that was still streaming while the upload was completed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rdrive_app.api.signed_files import signed_files_router
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id, utcnow
from rdrive_app.core.errors import Conflict, NotFound, StorageUnavailable
from rdrive_app.core.keys import thumbnail_key
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.media.sniff import sniff_type
from rdrive_app.services.items import ItemService
from rdrive_app.services.upkeep.housekeeping import sweep
from rdrive_app.services.uploads import MultipartPolicy, UploadService, UploadTicket
from rdrive_app.storage import Storage

PART = 64 * 1024  # the smallest part both backends accept in tests (tests/conftest.py)


class Queue:
    """Records what would be processed."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def submit(self, item_id: str) -> None:
        self.items.append(item_id)

    def recover(self, stuck_before: object = None) -> int:
        return 0

    def shutdown(self, wait: bool = True) -> None:
        pass


def once_after(mp: pytest.MonkeyPatch, obj: Any, name: str, then: Callable[[], None]) -> None:
    """The first call of ``obj.<name>`` returns what it found, after running ``then``."""
    real = getattr(obj, name)
    calls = {"n": 0}

    def hooked(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:
            then()
        return found

    mp.setattr(obj, name, hooked)


@pytest.fixture
def photo(media_dir: Path) -> bytes:
    return (media_dir / "photos" / "Canon_40D.jpg").read_bytes()


@pytest.fixture
def big_photo(photo: bytes) -> bytes:
    """A real JPEG padded to 3 parts (the last one short): sniffed and screened as a photo."""
    return photo + b"\0" * (2 * PART + 1000 - len(photo))


@pytest.fixture
def uploads(storage: Storage, storage_settings: Settings) -> UploadService:
    policy = MultipartPolicy(threshold=2 * PART, floor=PART)
    return UploadService(storage, storage_settings, sniff_type, Queue(), policy=policy)


def put(ticket: UploadTicket, data: bytes) -> None:
    resp = httpx.put(ticket.url, content=data, headers=ticket.headers, timeout=30)
    assert resp.status_code == 200, resp.text


def send_parts(uploads: UploadService, ticket: UploadTicket, data: bytes, numbers: list[int]):
    for n, url in uploads.sign_parts(ticket.item.id, numbers).items():
        chunk = data[(n - 1) * ticket.part_size : n * ticket.part_size]
        resp = httpx.put(url, content=chunk, timeout=30)
        assert resp.status_code == 200, resp.text


def started_long_ago(storage: Storage, settings: Settings, item_id: str) -> None:
    """As if the upload had started a day and more ago (the browser slept since)."""
    then = utcnow() - timedelta(hours=settings.stale_upload_hours + 1)
    storage.catalog.update_item(item_id, uploaded_at=then)


def bytes_of(storage: Storage, key: str) -> bytes:
    return b"".join(storage.blobs.iter_chunks(key))


# a trash purge racing a restore


def _trashed(storage: Storage, photo: bytes) -> MediaItem:
    item = MediaItem(
        id=new_id(), folder="/", name="p.jpg", kind=Kind.IMAGE, content_type="image/jpeg",
        size=len(photo), uploaded_by="ann", status=Status.READY,
        thumbnails={"s": thumbnail_key("x", "s")},
    )  # fmt: skip
    storage.catalog.add_item(item)
    storage.blobs.put(item.original_key, photo, "image/jpeg")
    storage.blobs.put(thumbnail_key(item.id, "s"), b"webp", "image/webp")
    return storage.catalog.trash_item(item.id)


def _assert_restored_whole(storage: Storage, item: MediaItem, photo: bytes) -> None:
    got = storage.catalog.get_item(item.id)
    assert (got.folder, got.name, got.deleted_at) == ("/", "p.jpg", None)
    assert bytes_of(storage, item.original_key) == photo
    assert storage.blobs.size(thumbnail_key(item.id, "s")) == 4


def test_trash_sweep_spares_an_item_restored_after_it_was_listed(
    storage: Storage, photo: bytes
) -> None:
    media = ItemService(storage, trash_retention_days=10)
    item = _trashed(storage, photo)
    with pytest.MonkeyPatch.context() as mp:
        once_after(mp, storage.catalog, "list_trash", lambda: media.restore(item.id))
        assert media.empty_expired_trash(utcnow() + timedelta(days=11)) == 0
    _assert_restored_whole(storage, item, photo)


def test_purge_spares_an_item_restored_after_it_was_read(storage: Storage, photo: bytes) -> None:
    media = ItemService(storage)
    item = _trashed(storage, photo)
    with pytest.MonkeyPatch.context() as mp:
        once_after(mp, storage.catalog, "get_item", lambda: media.restore(item.id))
        with pytest.raises(Conflict, match="not deleted"):
            media.purge(item.id)
    _assert_restored_whole(storage, item, photo)


def test_purge_deletes_blobs_only_after_the_record(storage: Storage, photo: bytes) -> None:
    media = ItemService(storage)
    item = _trashed(storage, photo)

    def catalog_down(*args: Any, **kwargs: Any) -> bool:
        raise StorageUnavailable()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(storage.catalog, "purge_item", catalog_down)
        with pytest.raises(StorageUnavailable):
            media.purge(item.id)
    # still in the trash, whole: it can be restored or purged again
    assert storage.catalog.get_item(item.id).deleted_at is not None
    assert bytes_of(storage, item.original_key) == photo
    assert storage.blobs.size(thumbnail_key(item.id, "s")) == 4
    media.purge(item.id)
    assert storage.blobs.size(item.original_key) is None
    with pytest.raises(NotFound):
        storage.catalog.get_item(item.id)


# the stale-upload sweeper racing a completion


def test_sweeper_spares_an_upload_completed_after_it_was_listed(
    storage: Storage, storage_settings: Settings, uploads: UploadService, photo: bytes
) -> None:
    ticket = uploads.start("alice", "/", "p.jpg", len(photo), "image/jpeg")
    put(ticket, photo)
    started_long_ago(storage, storage_settings, ticket.item.id)
    with pytest.MonkeyPatch.context() as mp:
        once_after(
            mp, storage.catalog, "items_with_status", lambda: uploads.complete(ticket.item.id)
        )
        report = sweep(storage, ItemService(storage), storage_settings)
    assert report.stale_uploads == 0
    assert storage.catalog.get_item(ticket.item.id).status == Status.PROCESSING
    assert bytes_of(storage, ticket.item.original_key) == photo


def test_sweeper_spares_an_upload_being_completed(
    storage: Storage, storage_settings: Settings, uploads: UploadService, photo: bytes
) -> None:
    ticket = uploads.start("alice", "/", "p.jpg", len(photo), "image/jpeg")
    put(ticket, photo)
    started_long_ago(storage, storage_settings, ticket.item.id)
    reports = []
    with pytest.MonkeyPatch.context() as mp:
        # the sweep runs while completion checks the bytes
        once_after(
            mp,
            storage.blobs,
            "size",
            lambda: reports.append(sweep(storage, ItemService(storage), storage_settings)),
        )
        item = uploads.complete(ticket.item.id)
    assert reports[0].stale_uploads == 0
    assert item.status == Status.PROCESSING
    assert storage.catalog.get_item(item.id).status == Status.PROCESSING
    assert bytes_of(storage, item.original_key) == photo


# a slow upload whose parts are still arriving


@pytest.fixture
def local(storage: Storage, storage_settings: Settings) -> Storage:
    if storage_settings.backend is Backend.AWS:
        pytest.skip("S3 refuses these itself: If-None-Match on PUTs, NoSuchUpload after completion")
    return storage


def test_signing_parts_keeps_a_slow_upload_from_the_sweeper(
    storage: Storage, storage_settings: Settings, uploads: UploadService, big_photo: bytes
) -> None:
    ticket = uploads.start("alice", "/", "big.jpg", len(big_photo), "image/jpeg")
    assert ticket.multipart and ticket.part_count == 3
    send_parts(uploads, ticket, big_photo, [1])
    started_long_ago(storage, storage_settings, ticket.item.id)
    send_parts(uploads, ticket, big_photo, [2])  # signed (and sent) a day on: still moving
    assert sweep(storage, ItemService(storage), storage_settings).stale_uploads == 0
    send_parts(uploads, ticket, big_photo, [3])
    assert uploads.complete(ticket.item.id).status == Status.PROCESSING
    assert bytes_of(storage, ticket.item.original_key) == big_photo


@pytest.fixture
def route(storage: Storage, uploads: UploadService) -> Iterator[Callable[[str, bytes], int]]:
    """PUT to a local signed URL through the file route as create_api mounts it (with the put
    rule: parts of planned uploads are written in place); returns the status."""
    assert storage.signed_files is not None
    app = FastAPI()
    app.include_router(signed_files_router(storage.signed_files, put_rule=uploads.put_rule))
    with TestClient(app) as client:

        def send(url: str, data: bytes) -> int:
            parts = urlsplit(url)
            return client.put(f"{parts.path}?{parts.query}", content=data).status_code

        yield send


def test_a_part_arriving_keeps_a_slow_upload_from_the_sweeper(
    local: Storage, storage_settings: Settings, uploads: UploadService, big_photo: bytes, route
) -> None:
    ticket = uploads.start("alice", "/", "big.jpg", len(big_photo), "image/jpeg")
    urls = uploads.sign_parts(ticket.item.id, [1, 2, 3])  # all signed at the start
    started_long_ago(local, storage_settings, ticket.item.id)
    for n, url in urls.items():
        assert route(url, big_photo[(n - 1) * PART : n * PART]) == 200
        if n == 2:  # the sweep comes while the parts are arriving
            assert sweep(local, ItemService(local), storage_settings).stale_uploads == 0
    assert uploads.complete(ticket.item.id).status == Status.PROCESSING
    assert bytes_of(local, ticket.item.original_key) == big_photo


# the local store: a PUT still streaming while the upload is completed


def _signed(storage: Storage, url: str) -> Any:
    assert storage.signed_files is not None
    parts = urlsplit(url)
    key = unquote(parts.path.split("/api/files/", 1)[-1])
    return storage.signed_files.verify(key, dict(parse_qsl(parts.query)), ("put", "part"))


def test_a_put_still_streaming_at_completion_cannot_change_the_checked_file(
    local: Storage, uploads: UploadService, photo: bytes
) -> None:
    ticket = uploads.start("alice", "/", "p.jpg", len(photo), "image/jpeg")
    assert local.signed_files is not None
    late = local.signed_files.writer_for(_signed(local, ticket.url))  # a first try, slow
    late.write(b"<html>" + b"x" * 1000)
    put(ticket, photo)  # a second try arrives first
    assert uploads.complete(ticket.item.id).status == Status.PROCESSING
    refused = _finish(late, b"<script>alert(1)</script>")
    assert bytes_of(local, ticket.item.original_key) == photo
    assert isinstance(refused, FileExistsError)  # stored already: never replaced
    # over HTTP, a PUT after completion is answered 412: stored already, never replaced
    resp = httpx.put(ticket.url, content=b"x" * len(photo), headers=ticket.headers)
    assert resp.status_code == 412, resp.text
    assert bytes_of(local, ticket.item.original_key) == photo


def test_a_part_arriving_while_completion_joins_cannot_change_the_checked_file(
    local: Storage,
    uploads: UploadService,
    big_photo: bytes,
    route: Callable[[str, bytes], int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticket = uploads.start("alice", "/", "big.jpg", len(big_photo), "image/jpeg")
    for n, url in uploads.sign_parts(ticket.item.id, [1, 2, 3]).items():
        assert route(url, big_photo[(n - 1) * PART : n * PART]) == 200  # in place
    part1 = _signed(local, uploads.sign_parts(ticket.item.id, [1])[1])
    assert local.signed_files is not None
    store: Any = local.signed_files
    late: dict[str, Any] = {}

    def a_part_arrives() -> None:  # part 1 again, written in place, as completion joins
        try:
            late["writer"] = store.writer_for(part1, offset=0)
        except NotFound as exc:
            late["refused"] = exc

    once_after(monkeypatch, store._uploads, "_check_parts", a_part_arrives)
    assert uploads.complete(ticket.item.id).status == Status.PROCESSING
    if "writer" in late:
        late["refused"] = _finish(late["writer"], b"<html>" * 100)
    assert bytes_of(local, ticket.item.original_key) == big_photo
    assert isinstance(late["refused"], NotFound)  # the upload is complete: closed to writes


def _finish(writer: Any, more: bytes) -> Exception | None:
    """Send the rest of a PUT that was still streaming and commit it; what refused it."""
    with writer:
        try:
            writer.write(more)
            writer.commit()
        except Exception as exc:
            return exc
    return None
