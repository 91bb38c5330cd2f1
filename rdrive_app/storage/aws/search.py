"""Search on DynamoDB: an in-memory index per process, kept current from a change log.

DynamoDB has no full-text search and the deployment has no always-on service to run one, so:

- every write of an item record stamps it with ``chg_key`` = ``iso(now)#id`` (models.ItemTable:
  puts, rewrites, moves, album changes), and a purge leaves a tombstone in the same
  transaction; the sparse global index ``by_change`` is thus a log of each item's last change,
  projecting only what a search needs (models.SEARCH_FIELDS);
- a process builds its ``SearchIndex`` from the whole log on first use, and before each search
  reads only the log stamped since its previous read began, less ``SKEW_MARGIN``: the
  container's and the Lambda's clocks may differ by that much, and the index may show a write
  a moment late (so a quiet library's read returns nothing, whatever was written before);
- a search takes the index's newest candidates, reads their records (BatchGetItem,
  consistent) and keeps those ``core.search.matches``, reading more when some drop out.

A process whose index is older than the tombstones live (``models.TOMBSTONE_DAYS``) rebuilds it,
since it could have missed a purge. The README's "Search on DynamoDB" has the figures.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from rdrive_app.core.search import SearchQuery, matches
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.models import (
    CHANGES,
    TOMBSTONE_DAYS,
    ItemLookup,
    ItemModel,
    ItemTable,
    record,
)
from rdrive_app.storage.aws.search_index import PlaceKey, SearchIndex

SKEW_MARGIN = timedelta(minutes=5)
EXTRA = 10  # candidates read beyond a page, for those a fresh read drops
_REBUILD_AFTER_S = (TOMBSTONE_DAYS - 1) * 86400


def plain_record(raw: dict[str, dict[str, str]]) -> dict[str, str]:
    """A raw DynamoDB item as strings (the log's attributes are all S or N): ~10x faster
    than making pynamodb models of 100 000 entries."""
    return {name: next(iter(value.values())) for name, value in raw.items()}


class LiveIndex:
    """A SearchIndex and the reading of the change log that keeps it current; thread-safe."""

    def __init__(self, table: ItemTable) -> None:
        self.table = table
        self.lock = threading.Lock()
        self.index: SearchIndex | None = None
        self._built_at = 0.0
        self._since = ""

    def current(self) -> SearchIndex:
        """The index with every change the log holds applied (call under ``lock``)."""
        started = self.table.clock()
        stale = time.monotonic() - self._built_at > _REBUILD_AFTER_S
        if self.index is None or stale:
            index = SearchIndex()
            self._read_log(index, None)
            self.index, self._built_at = index, time.monotonic()
        else:
            index = self.index
            self._read_log(index, self._since)
        # A write not visible yet was stamped after this read began, less the writer's clock
        # skew and the index's lag: the next read starts SKEW_MARGIN before this one did.
        self._since = R.iso(started - SKEW_MARGIN)
        return index

    def _read_log(self, index: SearchIndex, since: str | None) -> None:
        Item = self.table.Item
        connection = Item._get_connection()
        condition = Item.chg_key > since if since is not None else None
        start: Any = None
        while True:
            page = connection.query(
                CHANGES,
                range_key_condition=condition,
                index_name="by_change",
                exclusive_start_key=start,
                scan_index_forward=True,
            )
            for raw in page.get("Items", []):
                index.apply(plain_record(raw))
            start = page.get("LastEvaluatedKey")
            if not start:
                return


class DynamoSearch:
    """The SearchCatalog primitives, mixed into DynamoCatalog (which makes ``_live``)."""

    table: ItemTable
    Item: type[ItemModel]
    _live: LiveIndex

    _item_record: ItemLookup  # supplied by DynamoCatalog

    def _search_records(self, query: SearchQuery, start: str | None, n: int) -> list[R.Record]:
        found: dict[str, R.Record] = {}
        below = start
        while len(found) < n:
            want = n - len(found) + EXTRA
            with self._live.lock:
                batch = self._live.current().newest(query, below, want)
            if not batch:
                break
            wanted = {e.id: e for e in batch}
            fresh = {
                rec["id"]: rec
                for rec in map(record, self.Item.batch_get(
                    [(e.folder, e.name) for e in batch], consistent_read=True
                ))
                if rec.get("id") in wanted
            }  # fmt: skip
            for item_id in wanted.keys() - fresh.keys():  # moved or renamed since: by its id
                rec = self._item_record(item_id, consistent=True)
                if rec is not None:
                    fresh[item_id] = rec
            found.update(
                (item_id, rec)
                for item_id, rec in fresh.items()
                if (start is None or (rec.get("timeline_key") or "") < start)
                and matches(R.record_item(rec), query)
            )
            if len(batch) < want:
                break
            below = batch[-1].timeline_key
        return sorted(found.values(), key=lambda rec: rec["timeline_key"], reverse=True)[:n]

    def _tag_counts(self) -> dict[str, int]:
        with self._live.lock:
            return self._live.current().tag_counts()

    def _place_counts(self) -> dict[PlaceKey, int]:
        with self._live.lock:
            return self._live.current().place_counts()
