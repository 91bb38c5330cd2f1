"""Sniffing decides from the bytes, never from the name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from rdrive_app.core.domain import Kind
from rdrive_app.media.sniff import ALLOWED_CONTENT_TYPES, SNIFF_BYTES, sniff, sniff_type


def head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(SNIFF_BYTES)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("photos/Canon_40D.jpg", "image/jpeg"),
        ("photos/BSG1.tiff", "image/tiff"),
        ("photos/Crémieux11.tiff", "image/tiff"),
        ("photos/IMG_5195.HEIC", "image/heic"),
        ("photos/samplefilehub.heif", "image/heic"),
        ("videos/iphone_rotated.mov", "video/quicktime"),
        ("videos/sample.mp4", "video/mp4"),
        ("videos/sample_640x360.mp4", "video/mp4"),
        ("videos/sample_640x360.mkv", "video/x-matroska"),
    ],
)
def test_real_files(media_dir: Path, name: str, content_type: str) -> None:
    found = sniff(head(media_dir / name))
    assert found is not None
    assert found.content_type == content_type
    assert found.kind == (Kind.VIDEO if content_type.startswith("video/") else Kind.IMAGE)


def _encoded(fmt: str, mode: str = "RGB", **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (8, 8), "red").save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("AVIF", "image/avif"),
        ("TIFF", "image/tiff"),
        ("JPEG", "image/jpeg"),
    ],
)
def test_generated_images(fmt: str, content_type: str) -> None:
    assert sniff_type(_encoded(fmt)) == (Kind.IMAGE, content_type)


def test_big_endian_tiff_and_webm_header() -> None:
    assert sniff(b"MM\x00*\x00\x00\x00\x08").content_type == "image/tiff"  # type: ignore[union-attr]
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm"
    found = sniff(webm)
    assert found is not None and found.content_type == "video/webm" and found.kind == Kind.VIDEO


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is a text file named holiday.jpg\n",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
        b"<svg onload=alert(1)>",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",  # ZIP
        b"%PDF-1.7\n",
        b"BM\x3a\x00\x00\x00",  # BMP: an image, but not on the allowlist
        b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A mp42isom",  # audio-only MP4
        b"\x00\x00\x00\x08ftyp",  # a box too short to name a brand
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",  # EBML without a DocType
        b"",
    ],
)
def test_refused(data: bytes) -> None:
    assert sniff(data) is None
    assert sniff_type(data) is None


def test_flash_video_is_refused(media_dir: Path) -> None:
    # FLV is a video container but not on the allowlist: browsers cannot play it.
    assert sniff(head(media_dir / "videos/audio_only.flv")) is None


def test_every_result_is_allowed() -> None:
    assert {"image/jpeg", "video/mp4", "video/webm", "image/heic"} <= ALLOWED_CONTENT_TYPES
    assert not any(t.endswith(("svg+xml", "html", "zip")) for t in ALLOWED_CONTENT_TYPES)
