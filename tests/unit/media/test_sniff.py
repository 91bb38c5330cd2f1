"""Sniffing decides from the bytes, never from the name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from rdrive_app.core.domain import Kind
from rdrive_app.media.sniff import (
    ALLOWED_CONTENT_TYPES,
    SNIFF_BYTES,
    sniff,
    sniff_type,
    ts_packet_size,
)


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


@pytest.mark.parametrize(
    ("name", "content_type", "demuxer"),
    [
        ("clip.ts", "video/mp2t", "mpegts"),
        ("00001.mts", "video/mp2t", "mpegts"),  # AVCHD / BDAV: 192-byte packets
        ("mjpeg.avi", "video/x-msvideo", "avi"),
        ("mpeg4.avi", "video/x-msvideo", "avi"),
        ("phone.3gp", "video/3gpp", "mov"),
        ("old.3gp", "video/3gpp", "mov"),
        ("phone.3g2", "video/3gpp2", "mov"),
    ],
)
def test_formats_cameras_write(
    camera_clips: dict[str, Path], name: str, content_type: str, demuxer: str
) -> None:
    found = sniff(head(camera_clips[name]))
    assert found is not None
    assert (found.kind, found.content_type, found.demuxer) == (Kind.VIDEO, content_type, demuxer)


@pytest.mark.parametrize(
    ("brands", "content_type"),
    [
        (b"3gp5\x00\x00\x00\x00isom3gp5", "video/3gpp"),
        (b"3gp6\x00\x00\x00\x00isomavc1", "video/3gpp"),
        (b"3gr6\x00\x00\x00\x003gr6isom", "video/3gpp"),
        (b"3g2b\x00\x00\x00\x003g2bisom", "video/3gpp2"),
        (b"mp42\x00\x00\x00\x00mp413gp4", "video/mp4"),  # the major brand decides first
    ],
)
def test_3gpp_brands(brands: bytes, content_type: str) -> None:
    box = (8 + len(brands)).to_bytes(4, "big") + b"ftyp" + brands
    assert sniff(box + b"\x00\x00\x00\x08free").content_type == content_type  # type: ignore[union-attr]


def _ts(packets: int, size: int = 188) -> bytes:
    """``packets`` MPEG-TS null packets (PID 0x1FFF, payload only) of ``size`` bytes."""
    packet = b"\x47\x1f\xff\x10" + b"\xff" * 184
    return (b"\x00" * (size - 188) + packet) * packets


def _ts_with(packet: int, offset: int, value: int) -> bytes:
    """22 null packets with one byte of one packet's header changed."""
    data = bytearray(_ts(22))
    data[packet * 188 + offset] = value
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"G" + b"reetings from a text file that starts with the TS sync byte.\n" * 70,
        b"G" * 4096,  # sync bytes everywhere, but every header has the reserved '00' control
        _ts(2),  # too few packets to be a stream
        _ts_with(20, 0, ord("x")),  # one packet in the window without its sync byte
        _ts_with(1, 1, 0x9F),  # the transport error bit
        _ts_with(2, 3, 0x20),  # adaptation field only, but its length is not 183
        _ts_with(2, 3, 0x30),  # adaptation field + payload, its length past the packet
        _ts(22, 192)[4:],  # BDAV packets read at the wrong offset
        b"RIFF\x00\x10\x00\x00WAVEfmt ",  # RIFF, but audio
        b"\x00\x00\x00\x18ftypF4V \x00\x00\x00\x00F4V isom",  # Flash MP4 video
    ],
    ids=[
        "text",
        "all-G",
        "two-packets",
        "lost-sync",
        "error-bit",
        "adaptation-only",
        "adaptation-long",
        "offset",
        "wave",
        "f4v",
    ],
)
def test_not_a_transport_stream_or_avi(data: bytes) -> None:
    assert sniff(data[:SNIFF_BYTES]) is None


def test_ts_and_bdav_packets_are_told_apart() -> None:
    assert ts_packet_size(_ts(22)[:SNIFF_BYTES]) == 188
    assert ts_packet_size(_ts(22, 192)[:SNIFF_BYTES]) == 192
    assert ts_packet_size(_ts(3)) == 188  # a whole, very short stream
    assert ts_packet_size(_ts_with(5, 3, 0x30)[:SNIFF_BYTES]) is None
    fixed = bytearray(_ts_with(5, 3, 0x30))
    fixed[5 * 188 + 4] = 182  # the same adaptation field, with a length that fits
    assert ts_packet_size(bytes(fixed[:SNIFF_BYTES])) == 188


def test_every_result_is_allowed() -> None:
    assert {"image/jpeg", "video/mp4", "video/webm", "image/heic"} <= ALLOWED_CONTENT_TYPES
    assert {"video/mp2t", "video/x-msvideo", "video/3gpp", "video/3gpp2"} <= ALLOWED_CONTENT_TYPES
    assert not any(t.endswith(("svg+xml", "html", "zip")) for t in ALLOWED_CONTENT_TYPES)
