"""The streamed ZIP writer, read back by Python's zipfile and Info-ZIP's unzip: stored CRCs,
computed ones (data descriptors), ZIP64 records, exact lengths and a file that lies."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rdrive_app.services import zip_writer
from rdrive_app.services.zip_writer import StoredZip, ZipEntry

WHEN = datetime(2024, 7, 14, 18, 30, 12, tzinfo=UTC)


def entry(name: str, data: bytes, *, known: bool = True, size: int | None = None) -> ZipEntry:
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)] or [b""]
    crc = zlib.crc32(data) if known else None
    return ZipEntry(name, len(data) if size is None else size, crc, lambda: iter(chunks), WHEN)


def build(entries: list[ZipEntry]) -> bytes:
    stream = StoredZip(entries)
    data = b"".join(stream)
    assert len(data) == len(stream)
    return data


def check_with_unzip(tmp_path: Path, data: bytes) -> str:
    if shutil.which("unzip") is None:
        pytest.skip("unzip is not installed (make test installs it)")
    path = tmp_path / "t.zip"
    path.write_bytes(data)
    done = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


FILES = {"Holiday/IMG_0001.JPG": b"jpeg bytes " * 50, "Holiday/Été à Nice.mov": b"\x00" * 33}


@pytest.mark.parametrize("known", [True, False])
def test_entries_read_back_with_their_bytes_names_and_dates(tmp_path: Path, known: bool) -> None:
    data = build([entry(n, b, known=known) for n, b in FILES.items()])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None  # every CRC checks
        assert {i.filename: zf.read(i) for i in zf.infolist()} == FILES
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        assert zf.infolist()[0].date_time == (2024, 7, 14, 18, 30, 12)
    assert "No errors detected" in check_with_unzip(tmp_path, data)


def test_a_known_crc_needs_no_descriptor_and_an_unknown_one_is_reported() -> None:
    heard: list[tuple[str, int]] = []
    known, unknown = entry("a.jpg", b"a" * 100), entry("b.jpg", b"b" * 100, known=False)
    known, unknown = (
        dataclasses.replace(e, on_crc=lambda crc, name=e.name: heard.append((name, crc)))
        for e in (known, unknown)
    )
    data = build([known, unknown])
    assert heard == [("b.jpg", zlib.crc32(b"b" * 100))]
    assert data.count(b"PK\x07\x08") == 1  # only b's data descriptor
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.getinfo("a.jpg").flag_bits & 0x08 == 0
        assert zf.getinfo("b.jpg").flag_bits & 0x08


def test_zip64_records_when_sizes_offsets_and_counts_pass_the_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the limits lowered, so small entries take the ZIP64 paths a 4 GiB video would
    monkeypatch.setattr(zip_writer, "ZIP64_LIMIT", 40)
    monkeypatch.setattr(zip_writer, "MAX_16", 3)
    files = {f"f{i}.bin": bytes([i]) * (30 + 10 * i) for i in range(5)}
    entries = [entry(n, b, known=i % 2 == 0) for i, (n, b) in enumerate(files.items())]
    data = build(entries)
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert {i.filename: zf.read(i) for i in zf.infolist()} == files
    check_with_unzip(tmp_path, data)


def test_a_file_shorter_or_longer_than_recorded_stops_the_stream() -> None:
    for recorded in (99, 101):
        stream = StoredZip([entry("a.jpg", b"a" * 100, size=recorded)])
        with pytest.raises(OSError, match="were recorded"):
            b"".join(stream)


def test_an_empty_zip_is_a_valid_zip() -> None:
    with zipfile.ZipFile(io.BytesIO(build([]))) as zf:
        assert zf.infolist() == []
