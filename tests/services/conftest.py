"""Fixtures for the service tests: the shared real-world samples (never copied into the repo).

The ``storage`` fixture (local and aws backends) comes from tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MEDIA = (Path(__file__).resolve().parents[2] / "../shared/testdata/media").resolve()


@pytest.fixture(scope="session")
def media_dir() -> Path:
    """The sample photos and videos (see shared/testdata/media/SOURCES.md)."""
    if not MEDIA.is_dir():
        pytest.fail(f"sample media missing: {MEDIA}")
    return MEDIA
