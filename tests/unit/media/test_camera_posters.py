"""The formats cameras write are read by the video analysis with the demuxer sniffing names."""

from __future__ import annotations

import io

import pytest

from rdrive_app.media.sniff import SNIFF_BYTES, sniff
from rdrive_app.media.video import analyse_video
from tests.media_factory import CAMERA_SHAPES, camera_clip, camera_video


@pytest.mark.parametrize("name", CAMERA_SHAPES)
def test_each_camera_format_gives_metadata_and_a_poster(name: str) -> None:
    data = camera_clip(name)
    found = sniff(data[:SNIFF_BYTES])
    assert found is not None
    result = analyse_video(io.BytesIO(data), max_pixels=10**8, demuxer=found.demuxer)
    # H.263 QCIF has 12:11 pixels: 176 stored columns are shown 192 wide
    assert (result.info.width, result.info.height) == (
        (192, 144) if name == "old.3gp" else (176, 144)
    )
    assert result.info.duration and 0.9 < result.info.duration < 2.2
    assert set(result.images) == {"thumb", "preview"}


def test_a_one_second_transport_stream_with_one_keyframe_gets_a_poster() -> None:
    out = io.BytesIO()
    camera_video(out, "mpegts", "libx264", frames=12, rate=12)
    result = analyse_video(io.BytesIO(out.getvalue()), max_pixels=10**8, demuxer="mpegts")
    assert result.info.width == 176
