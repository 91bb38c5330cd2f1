"""The search half of the catalog's rules, written once for both backends (see catalog_base).

What matches is core.search's rule; a backend supplies the records that match, newest first
from a timeline position (SQLite: an FTS5 index over ``search_terms``, kept by triggers;
DynamoDB: aws/search_index.py), and the tag and place counts. Results page with the
timeline's own cursors, since they are in timeline order.
"""

from __future__ import annotations

from abc import abstractmethod

from rdrive_app.core.listing import Page, PlaceCount, TagCount
from rdrive_app.core.search import SearchQuery
from rdrive_app.storage import records as R
from rdrive_app.storage.catalog_timeline import decode_timeline_cursor, encode_timeline_cursor

PlaceKey = tuple[str, str, str, str]  # (country, city, region, country_code)


class SearchCatalog:
    """search, tag_counts and place_counts of the Catalog protocol."""

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

    # primitives

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
