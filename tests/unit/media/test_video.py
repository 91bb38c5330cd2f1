"""Videos from real phones and encoders: rotation, duration, metadata, posters, bad input."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from rdrive_app.core.domain import GPS, Kind
from rdrive_app.media.types import PREVIEW, THUMB, Analysis, MediaError
from rdrive_app.media.video import analyse_video, creation_time, iso6709, render_poster

LIMIT = 100_000_000


class CountingFile(io.FileIO):
    """A file that remembers how many bytes were read from it."""

    bytes_read = 0

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = super().readinto(buffer) or 0
        self.bytes_read += n
        return n


def analyse(path: Path, demuxer: str | None = None) -> Analysis:
    with path.open("rb") as f:
        return analyse_video(f, max_pixels=LIMIT, demuxer=demuxer)


def webp_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "WEBP"
        return im.size


def test_iphone_video_rotation_metadata_and_portrait_poster(media_dir: Path) -> None:
    result = analyse(media_dir / "videos/iphone_rotated.mov", "mov")
    info = result.info
    assert info.kind == Kind.VIDEO
    assert info.rotation == 90
    assert (info.width, info.height) == (320, 568)  # as displayed, after rotation
    thumb_w, thumb_h = webp_size(result.images[THUMB])
    assert thumb_h == 400 and thumb_w < thumb_h  # the poster is portrait, like the video
    preview_w, preview_h = webp_size(result.images[PREVIEW])
    assert (preview_w, preview_h) == (320, 568)
    assert info.codec == "h264"
    assert info.duration == pytest.approx(2.2, abs=0.05)
    assert info.taken_at == datetime(2013, 12, 22, 15, 54, 25, tzinfo=timezone(-timedelta(hours=5)))
    assert info.gps == GPS(lat=40.7248, lon=-73.9883)
    assert info.camera == "Apple iPhone 4S"


def test_one_second_mp4(media_dir: Path) -> None:
    result = analyse(media_dir / "videos/sample.mp4", "mov")
    assert result.info.duration == pytest.approx(1.0, abs=0.1)
    assert (result.info.width, result.info.height) == (1920, 1080)
    assert result.info.rotation == 0
    assert webp_size(result.images[PREVIEW]) == (1600, 900)
    assert webp_size(result.images[THUMB]) == (400, 225)


def test_matroska(media_dir: Path) -> None:
    result = analyse(media_dir / "videos/sample_640x360.mkv", "matroska")
    assert (result.info.width, result.info.height) == (640, 360)
    assert result.info.duration == pytest.approx(13.35, abs=0.1)
    assert result.info.taken_at == datetime(2011, 4, 17, 17, 33, 45, tzinfo=UTC)
    assert webp_size(result.images[THUMB]) == (400, 225)


def test_poster_reads_only_part_of_the_file(media_dir: Path) -> None:
    path = media_dir / "videos/sample_640x360.mp4"
    with CountingFile(path) as f:
        analyse_video(f, max_pixels=LIMIT, demuxer="mov")
        assert f.bytes_read < path.stat().st_size / 2  # the index and ~1 s of packets


def test_a_container_without_video(media_dir: Path) -> None:
    with pytest.raises(MediaError, match=r"^no video stream$"):
        analyse(media_dir / "videos/audio_only.flv")


def test_damaged_videos_are_media_errors(media_dir: Path) -> None:
    data = (media_dir / "videos/sample.mp4").read_bytes()
    with pytest.raises(MediaError):
        analyse_video(io.BytesIO(data[:4000]), max_pixels=LIMIT, demuxer="mov")
    with pytest.raises(MediaError):
        analyse_video(io.BytesIO(data[:32] + b"\x00" * 5000), max_pixels=LIMIT, demuxer="mov")


def test_frame_pixel_limit(media_dir: Path) -> None:
    with (
        (media_dir / "videos/sample.mp4").open("rb") as f,
        pytest.raises(MediaError, match="larger than the limit"),
    ):
        analyse_video(f, max_pixels=1_000_000, demuxer="mov")


def test_render_poster_by_width(media_dir: Path) -> None:
    with (media_dir / "videos/iphone_rotated.mov").open("rb") as f:
        assert webp_size(render_poster(f, max_pixels=LIMIT, width=200)) == (200, 355)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+40.7248-073.9883+044.000/", GPS(40.7248, -73.9883)),
        ("-33.8688+151.2093/", GPS(-33.8688, 151.2093)),
        ("+4043.488-07359.298/", GPS(40.7248, -73.9883)),  # ±DDMM.MMM ±DDDMM.MMM
        ("+404329.28-0735917.88/", GPS(40.7248, -73.9883)),  # ±DDMMSS.SS
        ("+00.0000+000.0000/", None),
        ("+95.0+010.0/", None),
        ("nowhere", None),
        (None, None),
    ],
)
def test_iso6709(text: str | None, expected: GPS | None) -> None:
    found = iso6709(text)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found.lat == pytest.approx(expected.lat, abs=1e-4)
        assert found.lon == pytest.approx(expected.lon, abs=1e-4)


def test_creation_time_prefers_the_local_quicktime_date() -> None:
    minus5 = timezone(-timedelta(hours=5))
    meta = {
        "creation_time": "2013-12-22T20:54:41.000000Z",
        "com.apple.quicktime.creationdate": "2013-12-22T15:54:25-0500",
    }
    assert creation_time(meta) == datetime(2013, 12, 22, 15, 54, 25, tzinfo=minus5)
    assert creation_time({"creation_time": "1970-01-01T00:00:00Z"}) is None
    assert creation_time({"creation_time": "1904-01-01T00:00:00"}) is None
    assert creation_time({"creation_time": "not a date"}) is None
    assert creation_time({"creation_time": "2020-05-06 07:08:09"}) == datetime(
        2020, 5, 6, 7, 8, 9, tzinfo=UTC
    )
