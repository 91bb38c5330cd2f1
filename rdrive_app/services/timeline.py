"""The timeline: every photo and video in every folder, newest first by date taken.

A thin use-case over the catalog's timeline (storage/catalog_timeline.py): it parses what a page
or a route was given (an ISO date or a month to start from) and answers in pages either way
from a position, so the Photos page can jump to a month and scroll both up and down from there.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.listing import MonthCount, Page
from rdrive_app.storage.protocols import Catalog

MAX_PAGE = 500
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_before(text: object) -> datetime | None:
    """``before`` as a route gets it: an ISO date or date-time (naive = UTC), or a month
    ``YYYY-MM`` meaning "from the end of that month down"; '' or None = from the top."""
    if text in (None, ""):
        return None
    if not isinstance(text, str) or len(text) > 40:
        raise InvalidInput("before must be an ISO date such as 2024-06-15, or a month 2024-06")
    month = _MONTH.fullmatch(text)
    try:
        if month:
            return month_end(text)
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"before: {text!r} is not a date such as 2024-06-15") from None
    if len(text) == 10:  # a day: the items taken that day come first
        when += timedelta(days=1)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def month_end(month: str) -> datetime:
    """The first instant after ``YYYY-MM`` (what "jump to that month" starts before)."""
    found = _MONTH.fullmatch(month)
    if not found:
        raise InvalidInput("a month is written YYYY-MM, such as 2024-06")
    year, mon = int(found[1]), int(found[2])
    if not (1 <= year <= 9998 and 1 <= mon <= 12):
        raise InvalidInput(f"{month!r} is not a month")
    return datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=UTC)


class TimelineService:
    """Pages of the timeline (or of the favourites) either way from a position."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def page(
        self,
        *,
        cursor: str | None = None,
        before: datetime | None = None,
        limit: int = 100,
        favorites: bool = False,
    ) -> Page:
        """Newest first: from the top, from strictly before ``before``, or below ``cursor``."""
        return self._catalog.list_timeline(
            cursor=cursor or None, before=before, limit=_limit(limit), favorites=favorites
        )

    def newer(self, cursor: str, *, limit: int = 100, favorites: bool = False) -> Page:
        """The items just above ``cursor`` (newest first); the cursor goes on upwards."""
        return self._catalog.list_timeline(
            cursor=cursor, newer=True, limit=_limit(limit), favorites=favorites
        )

    def cursor_of(self, item: MediaItem) -> str:
        return self._catalog.timeline_cursor(item)

    def months(self, *, favorites: bool = False) -> list[MonthCount]:
        return self._catalog.timeline_months(favorites=favorites)


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    return limit
