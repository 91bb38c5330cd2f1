"""The timeline half of the catalog's rules, written once for both backends (see catalog_base).

The timeline is every item ``on_timeline`` across all folders, newest first by date taken; its
records carry ``timeline_key`` = ``iso(sort_date)#id`` (records.timeline_keys), unique and
ordered as text, so a position on it is just a key and paging either way is "strictly below" or
"strictly above" one. A backend supplies two primitives: the records on either side of a key,
and the months with their counts (SQLite groups its index; DynamoDB keeps a counter per month,
records.month_deltas, because it cannot count an index without reading it).
"""

from __future__ import annotations

import base64
import binascii
import re
from abc import abstractmethod
from datetime import datetime

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.listing import MonthCount, Page
from rdrive_app.storage import records as R

_KEY = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#[0-9a-f]{1,64}")


def encode_timeline_cursor(timeline_key: str) -> str:
    return base64.urlsafe_b64encode(timeline_key.encode("ascii")).decode("ascii").rstrip("=")


def decode_timeline_cursor(cursor: str) -> str:
    """The timeline key a cursor names; InvalidInput for anything else."""
    try:
        text = cursor.encode("ascii")
        key = base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4)).decode("ascii")
    except (ValueError, UnicodeError, binascii.Error, AttributeError):
        raise InvalidInput("the cursor is not valid") from None
    if not _KEY.fullmatch(key):
        raise InvalidInput("the cursor is not valid for the timeline")
    return key


class TimelineCatalog:
    """list_timeline, timeline_cursor and timeline_months of the Catalog protocol."""

    def list_timeline(
        self,
        *,
        limit: int = 100,
        favorites: bool = False,
        cursor: str | None = None,
        newer: bool = False,
        before: datetime | None = None,
    ) -> Page:
        limit = R.check_limit(limit)
        if cursor is not None and before is not None:
            raise InvalidInput("give a cursor or a date to start before, not both")
        start = decode_timeline_cursor(cursor) if cursor is not None else None
        if before is not None:
            start = R.iso(before)  # every key at that instant sorts after it: strictly older
        if newer and start is None:
            raise InvalidInput("newer items need a cursor to start from")
        found = self._timeline_records(start, limit + 1, newer=newer, favorites=favorites)
        more = len(found) > limit
        found = found[:limit]
        next_cursor = encode_timeline_cursor(found[-1]["timeline_key"]) if more else None
        if newer:
            found.reverse()  # read upwards from the start; shown newest first
        return Page(items=[R.record_item(rec) for rec in found], next_cursor=next_cursor)

    def timeline_cursor(self, item: MediaItem) -> str:
        key = R.timeline_keys(item)["timeline_key"]
        if key is None:
            raise InvalidInput("that item is not on the timeline")
        return encode_timeline_cursor(key)

    def timeline_months(self, *, favorites: bool = False) -> list[MonthCount]:
        counts = self._month_counts(favorites=favorites)
        return [MonthCount(m, n) for m, n in sorted(counts.items(), reverse=True) if n > 0]

    def off_timeline(self) -> list[str]:
        """Ids of items that belong on the timeline but whose records lack its keys: written
        by a version before the timeline. Writing such an item again (``update_item`` with no
        change) adds them, since every write derives the keys (records.timeline_keys)."""
        return [
            rec["id"]
            for rec in self._untimed_records()
            if R.timeline_keys(R.record_item(rec))["timeline_key"]
        ]

    # primitives

    @abstractmethod
    def _untimed_records(self) -> list[R.Record]:
        """Item records in user folders (not the trash) without a ``timeline_key``."""

    @abstractmethod
    def _timeline_records(
        self, start: str | None, n: int, *, newer: bool, favorites: bool
    ) -> list[R.Record]:
        """Up to ``n`` timeline records from ``start`` (a key or key prefix; None = the top):
        strictly below it newest first, or with ``newer`` strictly above it oldest first."""

    @abstractmethod
    def _month_counts(self, *, favorites: bool) -> dict[str, int]:
        """``{"YYYY-MM": count}`` of the timeline (or its favourites)."""
