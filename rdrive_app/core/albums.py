"""Albums: named collections of items from any folders, which never move the items.

An album is only a name and a list of item ids (its members); an item may be in many albums and
knows which (``MediaItem.albums``). Album names follow the file and folder name rules, and two
albums cannot share a name up to case (``name_key``), so "Summer" and "summer" are one name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from rdrive_app.core.domain import MediaItem, utcnow, validate_name

MAX_IDS_PER_CALL = 1000  # ids one add or remove may name


def name_key(name: str) -> str:
    """What makes two album names the same: the NFC form of the casefolded valid name."""
    return unicodedata.normalize("NFC", validate_name(name).casefold())


@dataclass(frozen=True, slots=True)
class Album:
    """One album; ``cover_id`` is the chosen cover (None: the newest item shown)."""

    id: str
    name: str
    created_at: datetime = field(default_factory=utcnow)
    cover_id: str | None = None


@dataclass(frozen=True, slots=True)
class AlbumSummary:
    """An album as a list of albums shows it: how many items it shows, and its cover."""

    album: Album
    count: int
    cover: MediaItem | None


@dataclass(frozen=True, slots=True)
class AlbumChange:
    """What adding to (or removing from) an album did: ``changed`` ids were added (removed),
    ``unchanged`` ones were in it already (were not in it), each id once, in the order sent."""

    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
