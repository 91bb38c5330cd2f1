"""Factories for the catalog contract tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id

BASE_TIME = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
MakeItem = Callable[..., MediaItem]


@pytest.fixture
def make_item() -> MakeItem:
    """``make_item(name, folder="/", **fields)``: a MediaItem with sensible defaults."""

    def make(name: str, folder: str = "/", **fields: Any) -> MediaItem:
        kind = Kind(fields.pop("kind", Kind.IMAGE))
        defaults: dict[str, Any] = {
            "content_type": "image/jpeg" if kind is Kind.IMAGE else "video/mp4",
            "size": 1234,
            "uploaded_by": "ann",
            "uploaded_at": BASE_TIME,
            "status": Status.READY,
        }
        defaults.update(fields)
        return MediaItem(id=new_id(), folder=folder, name=name, kind=kind, **defaults)

    return make
