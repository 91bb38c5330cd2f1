"""Multipart direct uploads through UploadService, on both backends (parts PUT over HTTP to the
signed URLs: the local store's routes, or moto's S3): a few parts, resume, cancel, refusals."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from rdrive_app.core.domain import Status, utcnow
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.core.settings import Backend
from rdrive_app.media.sniff import sniff_type
from rdrive_app.services.items import ItemService
from rdrive_app.services.upkeep.housekeeping import sweep
from rdrive_app.services.uploads import (
    MIB,
    MultipartPolicy,
    UploadService,
    UploadTicket,
    plan_parts,
)
from rdrive_app.storage.protocols import SignedRequest

PART = 64 * 1024  # the smallest part both backends accept in tests (tests/conftest.py)


class Queue:
    """Records what would be processed."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def submit(self, item_id: str) -> None:
        self.items.append(item_id)

    def recover(self) -> int:
        return 0

    def shutdown(self, wait: bool = True) -> None:
        pass


@pytest.fixture
def queue() -> Queue:
    return Queue()


@pytest.fixture
def uploads(storage, storage_settings, queue) -> UploadService:
    policy = MultipartPolicy(threshold=2 * PART, floor=PART)
    return UploadService(storage, storage_settings, sniff_type, queue, policy=policy)


@pytest.fixture
def photo(media_dir) -> bytes:
    """A real JPEG head padded to 3 parts (the last one short): sniffed as a photo."""
    head = (media_dir / "photos" / "Canon_40D.jpg").read_bytes()[:8192]
    return head + bytes(range(256)) * ((2 * PART + 1000 - len(head)) // 256 + 1)


def part_bytes(data: bytes, ticket: UploadTicket, n: int) -> bytes:
    return data[(n - 1) * ticket.part_size : n * ticket.part_size]


def send(uploads: UploadService, ticket: UploadTicket, data: bytes, numbers: list[int]) -> None:
    for n, url in uploads.sign_parts(ticket.item.id, numbers).items():
        resp = httpx.put(url, content=part_bytes(data, ticket, n), timeout=30)
        assert resp.status_code == 200, resp.text
        assert resp.headers["etag"]


def start(uploads: UploadService, data: bytes, fingerprint: str | None = "a.jpg|1|1"):
    return uploads.start("alice", "/", "a.jpg", len(data), "image/jpeg", fingerprint)


def test_part_plan() -> None:
    assert plan_parts(100 * MIB) == plan_parts(100 * MIB, 8 * MIB)
    small = plan_parts(100 * MIB)
    assert (small.part_size, small.part_count, small.expected(13)) == (8 * MIB, 13, 4 * MIB)
    huge = plan_parts(100 * 10**9)  # 100 GB / 10 000 = 9.54 MiB, rounded up to 10 MiB
    assert (huge.part_size, huge.part_count) == (10 * MIB, 9537)
    assert plan_parts(5 * 1024**3).part_count == 640
    exact = plan_parts(16 * MIB)
    assert (exact.part_count, exact.expected(2)) == (2, 8 * MIB)


def test_small_files_stay_single_put(uploads, photo) -> None:
    ticket = uploads.start("alice", "/", "s.jpg", 1000, "image/jpeg")
    assert not ticket.multipart and ticket.url and ticket.upload_id is None
    assert (ticket.part_count, ticket.part_size, ticket.done_parts) == (1, 1000, [])


def test_multipart_of_a_few_parts(uploads, storage, queue, photo) -> None:
    ticket = start(uploads, photo)
    assert ticket.multipart and ticket.url == "" and ticket.upload_id
    assert (ticket.part_size, ticket.part_count, ticket.done_parts) == (PART, 3, [])
    assert storage.catalog.get_item(ticket.item.id).upload_id == ticket.upload_id
    send(uploads, ticket, photo, [3, 1, 2])  # in any order, as a browser sends them
    item = uploads.complete(ticket.item.id)
    assert item.status == Status.PROCESSING and item.content_type == "image/jpeg"
    assert item.upload_id is None and item.fingerprint == "a.jpg|1|1"
    assert queue.items == [item.id]
    assert b"".join(storage.blobs.iter_chunks(item.original_key)) == photo
    assert uploads.complete(item.id).status == Status.PROCESSING  # twice is harmless
    with pytest.raises(Conflict):
        uploads.sign_parts(item.id, [1])


def test_resume_sends_only_the_missing_parts(uploads, storage, photo) -> None:
    first = start(uploads, photo)
    send(uploads, first, photo, [1, 3])
    again = start(uploads, photo)  # page reload: the same file is added again
    assert again.item.id == first.item.id and again.item.name == "a.jpg"
    assert again.upload_id == first.upload_id and again.done_parts == [1, 3]
    send(uploads, again, photo, [2])
    assert uploads.complete(again.item.id).size == len(photo)
    assert b"".join(storage.blobs.iter_chunks(again.item.original_key)) == photo
    other = start(uploads, photo, fingerprint="a.jpg|1|2")  # another file of the same name
    assert other.item.name == "a (1).jpg" and other.done_parts == []


def test_a_half_sent_part_is_not_done(uploads, photo) -> None:
    ticket = start(uploads, photo)
    url = uploads.sign_parts(ticket.item.id, [1])[1]
    assert httpx.put(url, content=photo[:1000]).status_code == 200
    assert start(uploads, photo).done_parts == []


def test_resume_after_the_upload_was_aborted_starts_it_again(uploads, storage, photo) -> None:
    first = start(uploads, photo)
    send(uploads, first, photo, [1])
    storage.blobs.abort_multipart(first.item.original_key, first.upload_id)  # lifecycle rule
    again = start(uploads, photo)
    assert again.item.id == first.item.id and again.upload_id != first.upload_id
    assert again.done_parts == []
    send(uploads, again, photo, [1, 2, 3])
    assert uploads.complete(again.item.id).status == Status.PROCESSING


def test_cancel_aborts_and_frees_the_name(uploads, storage, photo) -> None:
    ticket = start(uploads, photo)
    send(uploads, ticket, photo, [1])
    uploads.cancel(ticket.item.id)
    with pytest.raises(NotFound):
        storage.blobs.list_parts(ticket.item.original_key, ticket.upload_id)
    with pytest.raises(NotFound):
        storage.catalog.get_item(ticket.item.id)
    assert start(uploads, photo).item.name == "a.jpg"


@pytest.mark.parametrize("problem", ["short part", "missing part", "size declared too big"])
def test_bad_uploads_are_refused_and_discarded(uploads, storage, photo, problem) -> None:
    declared = photo + b"x" * 10 if problem == "size declared too big" else photo
    ticket = start(uploads, declared)
    if problem == "short part":
        send(uploads, ticket, photo, [1, 3])
        url = uploads.sign_parts(ticket.item.id, [2])[2]
        assert httpx.put(url, content=photo[: PART - 1]).status_code == 200
    else:
        send(uploads, ticket, photo, [1, 3] if problem == "missing part" else [1, 2, 3])
    with pytest.raises(InvalidInput) as info:
        uploads.complete(ticket.item.id)
    expected = {
        "short part": "part 2 is 65535 bytes but should be 65536",
        "missing part": "1 of 3 parts are missing (2)",
        "size declared too big": f"part 3 is {len(photo) - 2 * PART} bytes but should be",
    }[problem]
    assert expected in info.value.detail and "discarded" in info.value.detail
    with pytest.raises(NotFound):
        storage.catalog.get_item(ticket.item.id)
    with pytest.raises(NotFound):
        storage.blobs.list_parts(ticket.item.original_key, ticket.upload_id)
    assert storage.blobs.size(ticket.item.original_key) is None


def test_nothing_sent_yet_is_not_discarded(uploads, photo) -> None:
    ticket = start(uploads, photo)
    with pytest.raises(InvalidInput, match="no bytes"):
        uploads.complete(ticket.item.id)
    assert start(uploads, photo).item.id == ticket.item.id


def test_part_numbers_are_checked(uploads, photo) -> None:
    ticket = start(uploads, photo)
    for bad in ([0], [4], [], ["1"], [True], list(range(1, 1002))):
        with pytest.raises(InvalidInput):
            uploads.sign_parts(ticket.item.id, bad)
    single = uploads.start("alice", "/", "s.jpg", 10, "image/jpeg")
    with pytest.raises(InvalidInput, match="single PUT"):
        uploads.sign_parts(single.item.id, [1])
    with pytest.raises(NotFound):
        uploads.sign_parts("nope", [1])


def test_put_limit_is_the_announced_size(uploads, photo) -> None:
    ticket = start(uploads, photo)
    key, upload_id = ticket.item.original_key, ticket.upload_id
    assert uploads.put_limit(key, upload_id, 1) == PART
    assert uploads.put_limit(key, upload_id, 3) == len(photo) - 2 * PART
    with pytest.raises(NotFound, match="another upload"):
        uploads.put_limit(key, "0" * 32, 1)
    with pytest.raises(InvalidInput):
        uploads.put_limit(key, upload_id, 4)
    single = uploads.start("alice", "/", "s.jpg", 10, "image/jpeg")
    assert uploads.put_limit(single.item.original_key, None, None) == 10
    assert uploads.put_limit("thumbs/x/thumb.webp", None, None) is None
    uploads.cancel(ticket.item.id)
    with pytest.raises(NotFound):
        uploads.put_limit(key, upload_id, 1)


def test_sweep_aborts_stale_multipart_uploads(uploads, storage, storage_settings, photo):
    ticket = start(uploads, photo)
    send(uploads, ticket, photo, [1])
    media = ItemService(storage)
    assert sweep(storage, media, storage_settings).stale_uploads == 0
    later = utcnow() + timedelta(hours=storage_settings.stale_upload_hours + 1)
    report = sweep(storage, media, storage_settings, now=later)
    assert report.stale_uploads == 1
    with pytest.raises(NotFound):
        storage.blobs.list_parts(ticket.item.original_key, ticket.upload_id)
    with pytest.raises(NotFound):
        storage.catalog.get_item(ticket.item.id)


def test_sweep_drops_old_local_parts_nobody_points_at(storage, storage_settings):
    if storage_settings.backend is Backend.AWS:
        pytest.skip("S3's lifecycle rule aborts these (ensure_aws_resources sets it)")
    media = ItemService(storage)
    orphan = storage.blobs.create_multipart("originals/orphan", "video/mp4")
    url = storage.blobs.signed_part_url("originals/orphan", orphan, 1, expires_in=60)
    assert httpx.put(url, content=b"x" * 10).status_code == 200
    assert sweep(storage, media, storage_settings).orphan_uploads == 0
    time.sleep(0.01)
    later = utcnow() + timedelta(hours=storage_settings.stale_upload_hours, seconds=1)
    assert sweep(storage, media, storage_settings, now=later).orphan_uploads == 1
    with pytest.raises(NotFound):
        storage.blobs.list_parts("originals/orphan", orphan)


def test_existing_sha256(uploads, storage, photo) -> None:
    ticket = uploads.start("alice", "/", "s.jpg", 10, "image/jpeg")
    storage.catalog.update_item(ticket.item.id, status=Status.READY, sha256="ab" * 32)
    assert uploads.existing_sha256(["AB" * 32, "cd" * 32]) == ["ab" * 32]
    for bad in (["xyz"], "ab" * 32, ["0" * 64] * 1001):
        with pytest.raises(InvalidInput):
            uploads.existing_sha256(bad)


def test_local_parts_in_place_and_as_files_join_alike(storage, storage_settings, photo):
    if storage_settings.backend is Backend.AWS:
        pytest.skip("writing parts in place is the local store's")
    blobs, key = storage.blobs, "originals/mixed"
    chunks = [photo[:PART], photo[PART : 2 * PART], photo[2 * PART :]]
    for layout in (["placed", "file", "placed"], ["placed", "placed", "placed"]):
        upload_id = blobs.create_multipart(key, "image/jpeg")
        etags = []
        for n, how in enumerate(layout, start=1):
            offset = (n - 1) * PART if how == "placed" else None
            signed = SignedRequest("part", key, 0, upload_id=upload_id, part_number=n)
            with storage.signed_files.writer_for(signed, offset=offset) as writer:
                writer.write(b"\0" * 10)  # a first try that never commits
            with storage.signed_files.writer_for(signed, offset=offset) as writer:
                writer.write(chunks[n - 1])
                etags.append((n, writer.etag))
                writer.commit()
        assert [p.size for p in blobs.list_parts(key, upload_id)] == [len(c) for c in chunks]
        blobs.complete_multipart(key, upload_id, etags)
        assert b"".join(blobs.iter_chunks(key)) == photo, layout
