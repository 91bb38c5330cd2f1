"""BlobStore basics on both backends: put, read, stream, size, delete, list."""

from __future__ import annotations

import io

import pytest

from rdrive_app.core.errors import NotFound
from rdrive_app.storage import Storage

DATA = bytes(range(256)) * 40  # 10 240 bytes, every byte value


def test_put_bytes_then_read_back(storage: Storage) -> None:
    blobs = storage.blobs
    blobs.put("originals/a1", DATA, "image/jpeg")
    assert blobs.size("originals/a1") == len(DATA)
    assert b"".join(blobs.iter_chunks("originals/a1")) == DATA


def test_put_stream_is_stored_whole(storage: Storage) -> None:
    payload = DATA * 30  # 300 KiB: several chunks
    storage.blobs.put("originals/s1", io.BytesIO(payload), "video/mp4")
    assert storage.blobs.size("originals/s1") == len(payload)
    chunks = list(storage.blobs.iter_chunks("originals/s1", chunk_size=64 * 1024))
    assert len(chunks) >= 2
    assert all(len(c) <= 64 * 1024 for c in chunks)
    assert b"".join(chunks) == payload


@pytest.mark.parametrize("size", [0, 1, 64 * 1024, 2 * 64 * 1024 + 1])
def test_iter_chunks_reads_every_size_whole(storage: Storage, size: int) -> None:
    payload = (DATA * (size // len(DATA) + 1))[:size]
    storage.blobs.put("originals/n1", payload, "image/jpeg")
    chunks = list(storage.blobs.iter_chunks("originals/n1", chunk_size=64 * 1024))
    assert all(0 < len(c) <= 64 * 1024 for c in chunks)
    assert b"".join(chunks) == payload


def test_put_replaces_existing_blob(storage: Storage) -> None:
    storage.blobs.put("thumbs/x/s.webp", b"old bytes", "image/webp")
    storage.blobs.put("thumbs/x/s.webp", b"new", "image/webp")
    assert b"".join(storage.blobs.iter_chunks("thumbs/x/s.webp")) == b"new"
    assert storage.blobs.size("thumbs/x/s.webp") == 3


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [
        (0, 10, DATA[:10]),
        (100, 50, DATA[100:150]),
        (len(DATA) - 5, 100, DATA[-5:]),  # fewer at the end
        (len(DATA), 10, b""),  # at the end
        (len(DATA) + 100, 10, b""),  # past the end
        (7, 0, b""),
    ],
)
def test_read_range(storage: Storage, start: int, length: int, expected: bytes) -> None:
    storage.blobs.put("originals/r", DATA, "image/png")
    assert storage.blobs.read_range("originals/r", start, length) == expected


def test_missing_blob(storage: Storage) -> None:
    blobs = storage.blobs
    assert blobs.size("originals/missing") is None
    with pytest.raises(NotFound):
        blobs.read_range("originals/missing", 0, 10)
    with pytest.raises(NotFound):
        blobs.iter_chunks("originals/missing")  # raised before iterating
    blobs.put("originals/dir/inside", b"x", "image/jpeg")
    with pytest.raises(NotFound):
        blobs.iter_chunks("originals/dir")  # a folder of the local store is no blob
    blobs.delete("originals/missing")  # not an error


def test_delete(storage: Storage) -> None:
    storage.blobs.put("originals/d", b"x", "image/jpeg")
    storage.blobs.delete("originals/d")
    assert storage.blobs.size("originals/d") is None


def test_list_keys_and_delete_prefix(storage: Storage) -> None:
    blobs = storage.blobs
    keys = ["thumbs/i1/l.webp", "thumbs/i1/s.webp", "thumbs/i10/s.webp", "originals/i1"]
    for key in keys:
        blobs.put(key, b"k", "image/webp")
    assert list(blobs.list_keys("thumbs/i1/")) == ["thumbs/i1/l.webp", "thumbs/i1/s.webp"]
    assert list(blobs.list_keys("thumbs/")) == sorted(keys[:3])
    assert list(blobs.list_keys("")) == sorted(keys)
    assert list(blobs.list_keys("nothing/")) == []
    blobs.delete_prefix("thumbs/i1/")
    assert list(blobs.list_keys("thumbs/")) == ["thumbs/i10/s.webp"]
    assert blobs.size("originals/i1") == 1


def test_copy_is_a_whole_independent_blob(storage: Storage) -> None:
    blobs = storage.blobs
    blobs.put("originals/c1", DATA, "video/mp4")
    blobs.copy("originals/c1", "originals/c2")
    blobs.delete("originals/c1")
    assert b"".join(blobs.iter_chunks("originals/c2")) == DATA
    with pytest.raises(NotFound):
        blobs.copy("originals/c1", "originals/c3")
    assert blobs.size("originals/c3") is None


@pytest.mark.parametrize("size", [0, 5000, 9 * 1024 * 1024 + 17])  # empty, small, over a part
def test_writer_stores_what_arrives_only_on_commit(storage: Storage, size: int) -> None:
    payload = (DATA * (size // len(DATA) + 1))[:size]
    key = f"originals/w{size}"
    with storage.blobs.writer(key, "video/mp4", size) as writer:
        for start in range(0, size, 1024 * 1024 + 3):  # chunks that do not fit parts
            writer.write(payload[start : start + 1024 * 1024 + 3])
        assert storage.blobs.size(key) is None  # nothing visible before the commit
        writer.commit()
    assert storage.blobs.size(key) == size
    assert b"".join(storage.blobs.iter_chunks(key)) == payload


def test_writer_left_without_commit_leaves_nothing(storage: Storage) -> None:
    big = DATA * 1000  # 10 MiB: parts already sent on S3
    with storage.blobs.writer("originals/gone", "video/mp4", len(big)) as writer:
        writer.write(big)
    assert storage.blobs.size("originals/gone") is None
    assert list(storage.blobs.list_keys("originals/gone")) == []
