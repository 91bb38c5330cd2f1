"""The file-like view over ranged reads: seeks, buffering, and the real backends."""

from __future__ import annotations

import io
import os

import pytest

from rdrive_app.core.errors import NotFound
from rdrive_app.media.range_reader import open_blob, open_ranges
from rdrive_app.storage import Storage

DATA = os.urandom(300_000)


class Recorder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, length: int) -> bytes:
        self.calls.append((start, length))
        return self.data[start : start + length]


def test_reads_seeks_and_fetches_whole_blocks() -> None:
    fetch = Recorder(DATA)
    f = open_ranges(fetch, len(DATA), block=64 * 1024)
    assert f.seekable() and f.readable()
    assert f.read(10) == DATA[:10]
    assert f.read(100) == DATA[10:110]
    assert fetch.calls == [(0, 64 * 1024)]  # one block served both reads
    assert f.seek(-50, io.SEEK_END) == len(DATA) - 50
    assert f.read() == DATA[-50:]
    assert f.read(10) == b""
    f.seek(1000)
    assert f.tell() == 1000
    assert f.read(5) == DATA[1000:1005]
    f.seek(0)
    assert f.read() == DATA
    assert all(length <= len(DATA) for _, length in fetch.calls)


def test_a_short_blob_is_an_error_not_a_hang() -> None:
    f = open_ranges(lambda start, length: b"", 100)
    with pytest.raises(OSError, match="ended before"):
        f.read(10)


def test_negative_seek_is_refused() -> None:
    with pytest.raises((ValueError, OSError)):
        open_ranges(Recorder(DATA), len(DATA)).seek(-1)


def test_open_blob_on_each_backend(storage: Storage) -> None:
    storage.blobs.put("originals/abc", DATA, "application/octet-stream")
    f = open_blob(storage.blobs, "originals/abc", block=100_000)
    f.seek(250_000)
    assert f.read(20) == DATA[250_000:250_020]
    f.seek(0)
    assert f.read() == DATA
    with pytest.raises(NotFound):
        open_blob(storage.blobs, "originals/missing")
