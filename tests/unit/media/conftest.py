"""Fixtures for the media tests: the shared real-world samples, never copied into the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media_factory import camera_videos

MEDIA = (Path(__file__).resolve().parents[3] / "../shared/testdata/media").resolve()


@pytest.fixture(scope="session")
def media_dir() -> Path:
    """The sample photos and videos (see shared/testdata/media/SOURCES.md)."""
    if not MEDIA.is_dir():
        pytest.fail(f"sample media missing: {MEDIA}")
    return MEDIA


@pytest.fixture(scope="session")
def camera_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small MPEG-TS, AVCHD, AVI and 3GP clips made with PyAV (tests/media_factory.py)."""
    return camera_videos(tmp_path_factory.mktemp("camera"))
