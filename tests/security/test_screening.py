"""The header-only checks at upload completion: every real test file passes, hostile shapes fail."""

from __future__ import annotations

import struct

import pytest

from rdrive_app.core.errors import InvalidInput, TooLarge, UnsupportedMedia
from rdrive_app.media.screening import declared_size, screen_upload
from rdrive_app.media.sniff import SNIFF_BYTES, sniff
from tests.media_factory import CAMERA_SHAPES, camera_clip
from tests.security.hostile import HTML, png_bomb, with_html_at
from tests.security.support import MEDIA, PHOTO

LIMIT = 100_000_000
REAL = sorted(p for p in MEDIA.rglob("*") if p.is_file() and sniff(p.read_bytes()[:SNIFF_BYTES]))


def _screen(data: bytes, content_type: str | None = None) -> None:
    found = sniff(data[:SNIFF_BYTES])
    assert found is not None
    screen_upload(
        content_type or found.content_type,
        data[:SNIFF_BYTES],
        len(data),
        lambda start, length: data[start : start + length],
        LIMIT,
    )


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_real_photo_and_video_passes(path) -> None:
    _screen(path.read_bytes())


def test_image_headers_give_the_real_size() -> None:
    data = PHOTO.read_bytes()
    assert declared_size("image/jpeg", data[:SNIFF_BYTES], lambda s, n: data[s : s + n]) == (
        100,
        68,
    )


def _gif(w: int, h: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", w, h) + b"\x00" * 40


def _webp_vp8x(w: int, h: int) -> bytes:
    body = b"\x00" * 4 + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 30) + b"WEBP" + b"VP8X" + struct.pack("<I", 10) + body


def _jpeg_sof(w: int, h: int, pad: int) -> bytes:
    app = b"\xff\xe1" + struct.pack(">H", pad + 2) + b"\x00" * pad  # a big APP1 first
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app + sof + b"\xff\xd9"


@pytest.mark.parametrize(
    "data",
    [png_bomb(), _gif(65535, 65535), _webp_vp8x(16383, 16383), _jpeg_sof(30000, 30000, 60000)],
    ids=["png", "gif", "webp", "jpeg-sof-past-the-sniff-window"],
)
def test_pixel_bombs_are_too_large(data: bytes) -> None:
    with pytest.raises(TooLarge):
        _screen(data)


def test_html_inside_the_first_bytes_is_refused() -> None:
    photo = PHOTO.read_bytes()
    for marker in (HTML, b"<svg onload=x>", b"<ScRiPt>", b"javascript:alert(1)"):
        comment = b"\xff\xfe" + struct.pack(">H", len(marker) + 2) + marker
        with pytest.raises(UnsupportedMedia):
            _screen(photo[:2] + comment + photo[2:])


@pytest.mark.parametrize("name", ["sample.mp4", "iphone_rotated.mov", "sample_640x360.mp4"])
def test_cut_short_videos_are_refused(name: str) -> None:
    data = (MEDIA / "videos" / name).read_bytes()
    for keep in (len(data) // 3, len(data) - 1):
        with pytest.raises(InvalidInput):
            _screen(data[:keep])


@pytest.mark.parametrize("name", CAMERA_SHAPES)
def test_formats_cameras_write_pass_whole_and_are_refused_cut_short(name: str) -> None:
    data = camera_clip(name)
    _screen(data)
    for keep in (len(data) // 2 + 7, len(data) - 1, len(data) - 100):
        with pytest.raises(InvalidInput, match="cut short"):
            _screen(data[:keep])


@pytest.mark.parametrize("name", CAMERA_SHAPES)
def test_formats_cameras_write_carrying_html_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedMedia):
        _screen(with_html_at(camera_clip(name), name))


@pytest.mark.parametrize("name", ["clip.ts", "00001.mts"])
def test_a_transport_stream_whose_last_packet_lost_its_sync_is_refused(name: str) -> None:
    data = bytearray(camera_clip(name))
    packet = 188 if name.endswith(".ts") else 192
    data[len(data) - packet + packet - 188] = 0x00  # the sync byte of the last packet
    with pytest.raises(InvalidInput, match="cut short"):
        _screen(bytes(data))


def _riff(kind: bytes, body: bytes, declared: int | None = None) -> bytes:
    size = len(kind) + len(body) if declared is None else declared
    return b"RIFF" + struct.pack("<I", size) + kind + body + b"\x00" * (len(body) & 1)


def test_an_opendml_avi_is_walked_chunk_by_chunk() -> None:
    avi = camera_clip("mjpeg.avi")
    extended = avi + _riff(b"AVIX", b"LIST" + struct.pack("<I", 5) + b"movi0")
    _screen(extended)  # two whole RIFF chunks (the second padded to an even size)
    _screen(extended + b"trailing bytes that are no RIFF chunk")
    with pytest.raises(InvalidInput, match="cut short"):
        _screen(avi + _riff(b"AVIX", b"LIST", declared=4096))
    with pytest.raises(InvalidInput, match="cut short"):  # the first chunk claims more
        _screen(avi[:4] + struct.pack("<I", len(avi)) + avi[8:])
