"""The search half of the catalog's rules, written once for both backends (see catalog_base).

What matches is core.search's rule; a backend supplies the records that match, newest first
from a timeline position (SQLite: an FTS5 index over ``search_terms``, kept by triggers;
DynamoDB: aws/search_index.py), and the tag and place counts. Results page with the
timeline's own cursors, since they are in timeline order.
"""

from __future__ import annotations

from abc import abstractmethod

from rdrive_app.core.domain import Status
from rdrive_app.core.listing import Page, PlaceCount, TagCount
from rdrive_app.core.search import SearchQuery
from rdrive_app.storage import records as R
from rdrive_app.storage.catalog_timeline import decode_timeline_cursor, encode_timeline_cursor

PlaceKey = tuple[str, str, str, str]  # (country, city, region, country_code)


class SearchCatalog:
    """search, tag_counts, place_counts and unindexed of the Catalog protocol."""

    def search(self, query: SearchQuery, *, limit: int = 100, cursor: str | None = None) -> Page:
        limit = R.check_limit(limit)
        start = decode_timeline_cursor(cursor) if cursor is not None else None
        if query.is_blank or query.empty_range:
            return Page(items=[], next_cursor=None)
        found = self._search_records(query, start, limit + 1)
        more = len(found) > limit
        found = found[:limit]
        next_cursor = encode_timeline_cursor(found[-1]["timeline_key"]) if more else None
        return Page(items=[R.record_item(rec) for rec in found], next_cursor=next_cursor)

    def tag_counts(self) -> list[TagCount]:
        counts = self._tag_counts()
        return [TagCount(t, n) for t, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]

    def place_counts(self) -> list[PlaceCount]:
        counts = self._place_counts()
        return [PlaceCount(*key, count=n) for key, n in sorted(counts.items()) if n > 0]

    def unindexed(self) -> list[str]:
        """Ids of items whose stored ``search_terms`` are not what their fields give now:
        written by a version before search (or its place). Writing such an item again
        (``update_item`` with no change) indexes it, since every write derives the terms."""
        found = []
        for status in (Status.PROCESSING, Status.READY, Status.FAILED):
            for rec in self._status_records(str(status), None):
                terms = R.search_fields(R.record_item(rec))["search_terms"]
                if rec.get("search_terms") != terms:
                    found.append(rec["id"])
        return found

    # primitives

    @abstractmethod
    def _status_records(self, status: str, before: str | None) -> list[R.Record]:
        """(catalog_base's) Records in ``status``, trash included."""

    @abstractmethod
    def _search_records(self, query: SearchQuery, start: str | None, n: int) -> list[R.Record]:
        """Up to ``n`` records of items ``core.search.matches`` accepts, newest first by
        ``timeline_key``, strictly below ``start`` (None = from the top). ``query`` is neither
        blank nor an empty range."""

    @abstractmethod
    def _tag_counts(self) -> dict[str, int]:
        """``{tag: count}`` over the items on the timeline."""

    @abstractmethod
    def _place_counts(self) -> dict[PlaceKey, int]:
        """``{(country, city, region, country_code): count}`` over the items on the timeline."""
