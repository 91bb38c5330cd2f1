"""A seekable, buffered file over ranged reads, so decoders read storage without a copy.

PyAV and Pillow want a file object; storage offers ``read_range``. This adapter fetches
``block``-sized ranges on demand, so probing a 4 GB video reads a few MiB: its index and the
packets around the poster, on S3 as ranged GETs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO, Protocol

from rdrive_app.core.errors import NotFound

Fetch = Callable[[int, int], bytes]  # (start, length) → up to length bytes
BLOCK = 2 * 1024 * 1024


class RangedBlobs(Protocol):
    """What this adapter needs of a blob store (media never imports storage)."""

    def size(self, key: str) -> int | None: ...

    def read_range(self, key: str, start: int, length: int) -> bytes: ...


class RangeReader(io.RawIOBase):
    """A read-only raw stream of ``size`` bytes served by ``fetch``; wrap it in a buffer."""

    def __init__(self, fetch: Fetch, size: int) -> None:
        super().__init__()
        self._fetch = fetch
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        position = base + offset
        if position < 0:
            raise ValueError("negative seek position")
        self._pos = position
        return position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        data = self._fetch(self._pos, want)
        n = len(data)
        if n == 0:
            raise OSError("the stored file ended before its recorded size")
        buffer[:n] = data
        self._pos += n
        return n


def open_ranges(fetch: Fetch, size: int, block: int = BLOCK) -> BinaryIO:
    """A buffered, seekable file of ``size`` bytes that reads ``block`` bytes per fetch."""
    return io.BufferedReader(RangeReader(fetch, size), buffer_size=block)


def open_blob(blobs: RangedBlobs, key: str, block: int = BLOCK) -> BinaryIO:
    """A seekable file over a stored blob (NotFound when it does not exist)."""
    size = blobs.size(key)
    if size is None:
        raise NotFound(f"no blob {key}")
    return open_ranges(lambda start, length: blobs.read_range(key, start, length), size, block)
