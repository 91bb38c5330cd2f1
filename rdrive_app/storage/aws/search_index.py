"""The DynamoDB catalog's search index: an in-memory inverted index, pure Python.

DynamoDB has no full-text search, so each process keeps this index of the items on the
timeline, built from the change log (the ``by_change`` index, search.py) and kept current from
it. It answers which items *may* match: the word postings (a word is the start of a term, so a
word is the union of the postings of every term it prefixes, found by bisect in the sorted term
list) intersected with the filters' postings and a timeline range. The catalog then reads the
candidates' records and keeps those ``core.search.matches`` accepts, so an entry that is a
moment old can delay a result but never show a wrong one.

Candidates come newest first in one of two ways, whichever costs less: walking the timeline
down from the top, testing membership (about k·N/|C| steps for k results out of a candidate
set C of a library of N), or taking the k newest of C with heapq (|C| steps).
"""

from __future__ import annotations

import heapq
import json
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import reduce
from sys import intern

from rdrive_app.core.domain import ROOT
from rdrive_app.core.search import SearchQuery
from rdrive_app.storage import records as R

PlaceKey = tuple[str, str, str, str]  # (country, city, region, country_code), catalog_search's
_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index knows of one item on the timeline (the change log's projection)."""

    id: str
    folder: str
    name: str
    timeline_key: str
    terms: tuple[str, ...]
    kind: str
    favorite: bool
    albums: tuple[str, ...]
    tags: tuple[str, ...]
    place: PlaceKey | None


def entry_of(rec: Mapping[str, str]) -> Entry | None:
    """The entry of a change-log record; None when the item is not to be found (a tombstone,
    or a record off the timeline: trashed, uploading)."""
    key = rec.get("timeline_key")
    if not key or not rec.get("id") or rec.get("folder", "").startswith("#"):
        return None
    place: PlaceKey | None = None
    if rec.get("place_country") or rec.get("place_city"):
        place = tuple(  # type: ignore[assignment]
            intern(rec.get(f) or "")
            for f in ("place_country", "place_city", "place_region", "place_code")
        )
    return Entry(
        id=rec["id"],
        folder=intern(rec["folder"]),
        name=rec["name"],
        timeline_key=key,
        terms=tuple(intern(t) for t in (rec.get("search_terms") or "").split()),
        kind=intern(rec["kind"]),
        favorite=bool(rec.get("favorite")),
        albums=tuple(json.loads(rec["albums"])) if rec.get("albums") else (),
        tags=tuple(intern(t) for t in json.loads(rec["tags"])) if rec.get("tags") else (),
        place=place,
    )


def changed_id(rec: Mapping[str, str]) -> str:
    """The item a change-log record is about (a tombstone has no id: its chg_key ends in it)."""
    return rec["chg_key"].partition("#")[2]


class SortedKeys:
    """A sorted list of strings that takes additions in bulk: they wait until the next read,
    which sorts them in (one by one when few, else all at once), so building from 100 000
    records costs one sort instead of 100 000 insertions into a long list."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._pending: list[str] = []

    def add(self, key: str) -> None:
        self._pending.append(key)

    def remove(self, key: str) -> None:
        keys = self.keys()
        del keys[bisect_left(keys, key)]

    def keys(self) -> list[str]:
        if self._pending:
            if len(self._pending) > 64:
                self._keys += self._pending
                self._keys.sort()
            else:
                for key in self._pending:
                    insort(self._keys, key)
            self._pending = []
        return self._keys


class Postings:
    """key → ids, with the keys kept sorted when prefix lookups are wanted."""

    def __init__(self, *, sorted_keys: bool = False) -> None:
        self.ids: dict[str, set[str]] = {}
        self._sorted = SortedKeys() if sorted_keys else None

    def add(self, key: str, item_id: str) -> None:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = set()
            if self._sorted is not None:
                self._sorted.add(key)
        found.add(item_id)

    def discard(self, key: str, item_id: str) -> None:
        found = self.ids.get(key)
        if found is None:
            return
        found.discard(item_id)
        if not found:
            del self.ids[key]
            if self._sorted is not None:
                self._sorted.remove(key)

    def get(self, key: str) -> set[str] | frozenset[str]:
        return self.ids.get(key, _NOTHING)

    def prefixed(self, prefix: str) -> list[set[str]]:
        """The postings of every key starting with ``prefix``."""
        assert self._sorted is not None
        keys, found = self._sorted.keys(), []
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            found.append(self.ids[keys[i]])
            i += 1
        return found


def _union(sets: list[set[str]]) -> set[str] | frozenset[str]:
    if not sets:
        return _NOTHING
    return sets[0] if len(sets) == 1 else set().union(*sets)


class SearchIndex:
    """The index of the items on the timeline; ``apply`` each change-log record in turn."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._timeline = SortedKeys()  # the entries' timeline keys
        self._terms = Postings(sorted_keys=True)
        self._folders = Postings(sorted_keys=True)
        self._tags, self._kinds, self._albums = Postings(), Postings(), Postings()
        self._countries, self._cities, self._favorites = Postings(), Postings(), Postings()
        self._places: dict[PlaceKey, int] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def apply(self, rec: Mapping[str, str]) -> None:
        """Take in one change-log record: the item's entry is replaced, or removed."""
        item_id = changed_id(rec)
        old = self.entries.pop(item_id, None)
        if old is not None:
            self._index(old, add=False)
        new = entry_of(rec)
        if new is not None:
            self.entries[item_id] = new
            self._index(new, add=True)

    def _index(self, e: Entry, *, add: bool) -> None:
        if add:
            self._timeline.add(e.timeline_key)
        else:
            self._timeline.remove(e.timeline_key)
        pairs: list[tuple[Postings, Iterable[str]]] = [
            (self._terms, e.terms), (self._folders, (e.folder,)), (self._tags, e.tags),
            (self._kinds, (e.kind,)), (self._albums, e.albums),
            (self._favorites, ("1",) if e.favorite else ()),
            (self._countries, (e.place[0],) if e.place else ()),
            (self._cities, (e.place[1],) if e.place else ()),
        ]  # fmt: skip
        for postings, keys in pairs:
            for key in keys:
                (postings.add if add else postings.discard)(key, e.id)
        if e.place is not None:
            count = self._places.get(e.place, 0) + (1 if add else -1)
            if count:
                self._places[e.place] = count
            else:
                del self._places[e.place]

    # reading

    def tag_counts(self) -> dict[str, int]:
        return {tag: len(ids) for tag, ids in self._tags.ids.items()}

    def place_counts(self) -> dict[PlaceKey, int]:
        return dict(self._places)

    def _filter_sets(self, query: SearchQuery) -> list[set[str] | frozenset[str]]:
        """The postings every result is in: one per word and per filter."""
        sets = [_union(self._terms.prefixed(word)) for word in query.words]
        if query.kind is not None:
            sets.append(self._kinds.get(str(query.kind)))
        if query.favorite:
            sets.append(self._favorites.get("1"))
        for postings, key in (
            (self._albums, query.album), (self._tags, query.tag),
            (self._countries, query.country), (self._cities, query.city),
        ):  # fmt: skip
            if key is not None:
                sets.append(postings.get(key))
        if query.folder is not None and query.folder != ROOT:
            inside = self._folders.prefixed(query.folder.rstrip("/") + "/")
            sets.append(_union([set(self._folders.get(query.folder)), *inside]))
        return sets

    def newest(self, query: SearchQuery, below: str | None, k: int) -> list[Entry]:
        """The ``k`` newest entries the index says may match ``query``, with timeline keys
        strictly below ``below`` (None = from the top) and within the query's dates."""
        lo = R.iso(query.date_from) if query.date_from is not None else ""
        hi = below
        if query.date_to is not None and (hi is None or R.iso(query.date_to) < hi):
            hi = R.iso(query.date_to)
        sets = sorted(self._filter_sets(query), key=len)
        if sets and not sets[0]:
            return []
        among = reduce(lambda a, b: a & b, sets) if sets else None
        chosen: list[str] | None = None
        if among is None or len(among) ** 2 > k * len(self.entries):
            # walking is cheaper if the candidates are spread over time; give up on it when
            # they are not (a folder of one year) after as many steps as the heap would take
            steps = len(among) if among is not None else None
            chosen = _take(self._walk_down(hi, lo), among, k, steps)
        if chosen is None:
            assert among is not None
            keys = (self.entries[i].timeline_key for i in among)
            chosen = heapq.nlargest(
                k, (key for key in keys if key >= lo and (hi is None or key < hi))
            )
        return [self.entries[key.partition("#")[2]] for key in chosen]

    def _walk_down(self, hi: str | None, lo: str) -> Iterator[str]:
        timeline = self._timeline.keys()
        i = (bisect_left(timeline, hi) if hi is not None else len(timeline)) - 1
        while i >= 0 and timeline[i] >= lo:
            yield timeline[i]
            i -= 1


def _take(
    keys: Iterator[str], among: set[str] | frozenset[str] | None, k: int, steps: int | None
) -> list[str] | None:
    """The first ``k`` of ``keys`` in ``among`` (None: all); None when that takes more than
    ``steps`` steps."""
    chosen: list[str] = []
    for n, key in enumerate(keys):
        if len(chosen) >= k:
            break
        if steps is not None and n >= steps:
            return None
        if among is None or key.partition("#")[2] in among:
            chosen.append(key)
    return chosen
