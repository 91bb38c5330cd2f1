"""How listings come back, from storage through services to the pages: an order and a page.

Plain values (no I/O), so the UI and the API can name them without reaching into storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.housekeeping import is_housekeeping
from rdrive_app.core.keys import original_key
from rdrive_app.core.playback import Motion


class SortOrder(StrEnum):
    """How a folder's items are listed."""

    NAME = "name"  # A → Z
    TAKEN = "taken"  # newest first; falls back to the upload date
    UPLOADED = "uploaded"  # newest first


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing; pass ``next_cursor`` back to get the next one (None = last)."""

    items: list[MediaItem]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What a ZIP of a folder needs of an item, and no more (Catalog.list_files): reading a
    whole MediaItem per photo was most of the time before a folder's ZIP could start."""

    id: str
    name: str
    size: int
    crc32: int | None
    uploaded_at: datetime
    status: Status
    motion: Motion | None

    @property
    def original_key(self) -> str:
        return original_key(self.id)

    @property
    def housekeeping(self) -> bool:
        return is_housekeeping(self.name)


@dataclass(frozen=True, slots=True)
class MonthCount:
    """How many timeline items a month holds (``month`` is ``YYYY-MM``, UTC): the scrubber."""

    month: str
    count: int


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag and how many items (on the timeline) carry it: the Tags page."""

    tag: str
    count: int


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """A city (in its region and country) and how many items were taken there: Places."""

    country: str
    city: str
    region: str
    country_code: str
    count: int
