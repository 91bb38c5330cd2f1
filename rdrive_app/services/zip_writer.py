"""A streamed ZIP of stored entries whose layout, and so whose length, is known before a byte is
sent; an entry whose CRC-32 is known (stored at processing) is a plain copy of its bytes.

Why not zipstream-ng (used before): it computes every entry's CRC-32 while streaming and
writes it after the data, so a ZIP cost a CRC pass over every byte (half the time of a 1 GiB
ZIP on these machines). Here an entry with a known CRC gets it in its local header; one
without (an item processed before CRC-32s were stored) has it computed on the way and written
in a data descriptor after its data, and its ``on_crc`` hears of it so it can be stored.

ZIP64 (APPNOTE 4.5) is used where sizes or offsets pass what 32 bits hold, names are UTF-8
(flag bit 11), and each entry carries its modification time as a DOS time and in the
extended-timestamp field (0x5455) that Info-ZIP and 7-Zip read as UTC.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

# Past these a value goes in a ZIP64 record and its 16- or 32-bit field holds the marker
# (all ones). Python's zipfile switches sizes and offsets at 2 GiB too.
ZIP64_LIMIT = (1 << 31) - 1
MAX_16 = 0xFFFF
MAX_32 = 0xFFFFFFFF
BLOCK = 4 * 1024 * 1024


def _or_marker(value: int, limit: int, marker: int) -> int:
    return marker if value > limit else value


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_DESCRIPTOR_32 = struct.Struct("<4s3L")
_DESCRIPTOR_64 = struct.Struct("<4sL2Q")
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCAL = struct.Struct("<HHQQ")  # a local header's ZIP64 field: both sizes

_UTF8, _DESCRIPTOR_FLAG = 0x0800, 0x0008
_MADE_BY = (3 << 8) | 45  # Unix, ZIP 4.5
_FILE_MODE = (0o100644 << 16) & MAX_32


@dataclass(frozen=True)
class ZipEntry:
    """One file of the ZIP: its path inside, size, CRC-32 when known and its bytes, lazily."""

    name: str
    size: int
    crc32: int | None
    chunks: Callable[[], Iterable[bytes]]
    modified: datetime
    # told the CRC-32 computed on the way when ``crc32`` was None (so it can be stored)
    on_crc: Callable[[int], None] | None = None


@dataclass(frozen=True)
class _Placed:
    entry: ZipEntry
    offset: int
    name: bytes
    stamp: tuple[int, int, bytes]  # DOS date, DOS time, the extended-timestamp field

    @property
    def sized64(self) -> bool:
        return self.entry.size > ZIP64_LIMIT

    @property
    def descriptor_length(self) -> int:
        if self.entry.crc32 is not None:
            return 0
        return (_DESCRIPTOR_64 if self.sized64 else _DESCRIPTOR_32).size


def _dos_time(when: datetime) -> tuple[int, int]:
    t = max(when.astimezone(UTC), datetime(1980, 1, 1, tzinfo=UTC))
    date = ((t.year - 1980) << 9) | (t.month << 5) | t.day
    return date, (t.hour << 11) | (t.minute << 5) | (t.second // 2)


def _stamp(when: datetime) -> tuple[int, int, bytes]:
    seconds = max(0, min(int(when.timestamp()), 0x7FFFFFFF))
    return (*_dos_time(when), struct.pack("<HHBl", 0x5455, 5, 1, seconds))


def _local_header(placed: _Placed) -> bytes:
    entry, name = placed.entry, placed.name
    sized64 = placed.sized64
    known = entry.crc32 is not None
    date, time, extra = placed.stamp
    if sized64:  # the real sizes are here (or, with a descriptor, after the data)
        sizes = entry.size if known else 0
        extra += _ZIP64_LOCAL.pack(0x0001, 16, sizes, sizes)
    small = MAX_32 if sized64 else (entry.size if known else 0)
    flags = _UTF8 | (0 if known else _DESCRIPTOR_FLAG)
    head = _LOCAL.pack(
        b"PK\x03\x04", 45 if sized64 else 20, flags, 0, time, date,
        entry.crc32 or 0, small, small, len(name), len(extra),
    )  # fmt: skip
    return head + name + extra


def _local_length(placed: _Placed) -> int:
    zip64 = _ZIP64_LOCAL.size if placed.sized64 else 0
    return _LOCAL.size + len(placed.name) + len(placed.stamp[2]) + zip64


def _wide(placed: _Placed) -> list[int]:
    """The central header's values that go in its ZIP64 field."""
    wide = [placed.entry.size, placed.entry.size] if placed.sized64 else []
    if placed.offset > ZIP64_LIMIT:
        wide.append(placed.offset)
    return wide


def _central_length(placed: _Placed) -> int:
    wide = len(_wide(placed))
    return _CENTRAL.size + len(placed.name) + len(placed.stamp[2]) + (4 + 8 * wide if wide else 0)


def _central_header(placed: _Placed, crc: int) -> bytes:
    entry, name = placed.entry, placed.name
    wide = _wide(placed)
    date, time, extra = placed.stamp
    if wide:
        extra += struct.pack(f"<HH{len(wide)}Q", 0x0001, 8 * len(wide), *wide)
    small = MAX_32 if placed.sized64 else entry.size
    flags = _UTF8 | (0 if entry.crc32 is not None else _DESCRIPTOR_FLAG)
    head = _CENTRAL.pack(
        b"PK\x01\x02", _MADE_BY, 45 if wide else 20, flags, 0, time, date, crc, small, small,
        len(name), len(extra), 0, 0, 0, _FILE_MODE, _or_marker(placed.offset, ZIP64_LIMIT, MAX_32),
    )  # fmt: skip
    return head + name + extra


def _end_records(count: int, cd_offset: int, cd_size: int) -> bytes:
    end = b""
    if count > MAX_16 or cd_offset > ZIP64_LIMIT or cd_size > ZIP64_LIMIT:
        eocd64_at = cd_offset + cd_size
        end += _EOCD64.pack(b"PK\x06\x06", 44, _MADE_BY, 45, 0, 0, count, count, cd_size, cd_offset)
        end += _LOCATOR.pack(b"PK\x06\x07", 0, eocd64_at, 1)
    entries = _or_marker(count, MAX_16, 0xFFFF)
    return end + _EOCD.pack(
        b"PK\x05\x06", 0, 0, entries, entries, _or_marker(cd_size, ZIP64_LIMIT, MAX_32),
        _or_marker(cd_offset, ZIP64_LIMIT, MAX_32), 0,
    )  # fmt: skip


class StoredZip:
    """The ZIP of ``entries``, uncompressed (photos and videos are compressed already).

    ``len()`` is exact before streaming (a Content-Length); iterating yields the bytes. A
    file that turns out shorter or longer than its recorded size stops the stream with an
    error rather than send a ZIP whose offsets lie.
    """

    def __init__(self, entries: Iterable[ZipEntry]) -> None:
        self._placed: list[_Placed] = []
        offset = 0
        for entry in entries:
            placed = _Placed(entry, offset, entry.name.encode(), _stamp(entry.modified))
            self._placed.append(placed)
            offset += _local_length(placed) + entry.size + placed.descriptor_length
        self._cd_offset = offset
        # the central directory is made at the end (its CRCs are known then); only its length
        # is needed now, and that is the same whatever the CRCs
        self._cd_size = sum(map(_central_length, self._placed))
        tail = _end_records(len(self._placed), self._cd_offset, self._cd_size)
        self._length = offset + self._cd_size + len(tail)

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        return _coalesced(self._pieces())

    def _pieces(self) -> Iterator[bytes]:
        crcs = []
        for placed in self._placed:
            yield _local_header(placed)
            crc = yield from self._data(placed.entry)
            crcs.append(crc)
            if placed.descriptor_length:
                layout = _DESCRIPTOR_64 if placed.sized64 else _DESCRIPTOR_32
                size = placed.entry.size
                yield layout.pack(b"PK\x07\x08", crc, size, size)
                if placed.entry.on_crc is not None:
                    placed.entry.on_crc(crc)
        central = b"".join(map(_central_header, self._placed, crcs))
        yield central + _end_records(len(self._placed), self._cd_offset, self._cd_size)

    @staticmethod
    def _data(entry: ZipEntry) -> Generator[bytes, None, int]:
        """Yield the entry's bytes; return its CRC-32 (the stored one, or computed now)."""
        sent, crc = 0, 0
        for chunk in entry.chunks():
            sent += len(chunk)
            if sent > entry.size:
                break
            if entry.crc32 is None:
                crc = zlib.crc32(chunk, crc)
            yield chunk
        if sent != entry.size:
            raise OSError(f"{entry.name}: {sent} bytes where {entry.size} were recorded")
        return crc if entry.crc32 is None else entry.crc32


def _coalesced(pieces: Iterator[bytes], at_least: int = BLOCK) -> Iterator[bytes]:
    """Headers and small files joined into blocks of ``at_least`` bytes; big chunks pass as
    they are. A response sends each block with a hop to a thread and back, so a folder of
    2 000 small photos as 4 000 pieces spent most of its time hopping."""
    pending: list[bytes] = []
    held = 0
    for piece in pieces:
        if len(piece) >= at_least:
            if pending:
                yield b"".join(pending)
                pending, held = [], 0
            yield piece
            continue
        pending.append(piece)
        held += len(piece)
        if held >= at_least:
            yield b"".join(pending)
            pending, held = [], 0
    if pending:
        yield b"".join(pending)
