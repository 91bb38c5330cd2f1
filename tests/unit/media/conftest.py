"""Fixtures for the media tests: the shared real-world samples, never copied into the repo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests import media_factory as mf
from tests.media_factory import camera_videos

# name → (maker, suffix, arguments): the formats phones and cameras write (tests/media_factory.py)
CLIPS: dict[str, tuple[Callable[..., Path], str, dict[str, Any]]] = {
    "h264_mp4": (mf.h264_mp4, ".mp4", {}),
    "hevc8_mov": (mf.hevc_mov, ".mov", {}),
    "hevc10_mov": (mf.hevc_mov, ".mov", {"ten_bit": True}),
    "hlg_mov": (mf.hevc_hdr, ".mov", {"hdr": mf.HLG}),
    "pq_mov": (mf.hevc_hdr, ".mov", {"hdr": mf.PQ}),
    "vp9_webm": (mf.vp9_webm, ".webm", {}),
    "h264_mkv": (mf.h264_mkv, ".mkv", {}),
    "h264_mts": (mf.h264_mts, ".mts", {}),
    "h264_avi": (mf.h264_avi, ".avi", {}),
    "mjpeg_avi": (mf.mjpeg_avi, ".avi", {}),
    "mpeg4_3gp_amr": (mf.mpeg4_3gp, ".3gp", {}),
    "mpeg4_3gp_aac": (mf.mpeg4_3gp, ".3gp", {"amr": False}),
}

MEDIA = (Path(__file__).resolve().parents[3] / "../shared/testdata/media").resolve()


@pytest.fixture(scope="session")
def media_dir() -> Path:
    """The sample photos and videos (see shared/testdata/media/SOURCES.md)."""
    if not MEDIA.is_dir():
        pytest.fail(f"sample media missing: {MEDIA}")
    return MEDIA


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``clips(name)``: the test video ``name`` of CLIPS, made once per session."""
    folder = tmp_path_factory.mktemp("clips")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            make, suffix, kwargs = CLIPS[name]
            made[name] = make(folder / f"{name}{suffix}", **kwargs)
        return made[name]

    return get


@pytest.fixture(scope="session")
def camera_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small MPEG-TS, AVCHD, AVI and 3GP clips made with PyAV (tests/media_factory.py)."""
    return camera_videos(tmp_path_factory.mktemp("camera"))
