"""The DynamoDB catalog's search index: an in-memory inverted index, pure Python.

DynamoDB has no full-text search, so each process keeps this index of the items on the
timeline, built from the change log (the ``by_change`` index, search.py) and kept current from
it. It answers which items *may* match; the catalog then reads the candidates' records and
keeps those ``core.search.matches`` accepts, so an entry that is a moment old can delay a
result but never show a wrong one.

Every posting (a term, tag, kind, folder, album, place, favourite) is the list of its entries'
timeline keys in order. A query is a set of clauses (one per word and per filter); the newest
matches are found by walking down the clause with the fewest keys in the query's date range
(or the whole timeline, if that is shorter) and testing the other clauses on each entry. That
costs about k·|driver|/|results| steps for k results: the same for a library of 100 000 as for
one of 1 000 with the same mix, where intersecting sets cost the size of the sets. A word is the
start of a term: its clause is the union of the postings of the terms it prefixes (found by
bisect in the sorted term list), merged when there are few, else only tested.
"""

from __future__ import annotations

import heapq
import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from sys import intern

from rdrive_app.core.domain import ROOT, is_same_or_inside
from rdrive_app.core.search import SearchQuery
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.postings import MAX_MERGE, Postings, PrefixBuckets, SortedKeys

PlaceKey = tuple[str, str, str, str]  # (country, city, region, country_code), catalog_search's
MAX_FOLDERS = 256  # a folder with more subfolders than this is tested on entries, not merged


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


@dataclass(frozen=True, slots=True)
class Clause:
    """One condition of a query: the posting lists whose union holds exactly the entries it
    accepts (None when there are too many lists to merge), and the test of one entry."""

    lists: list[list[str]] | None
    accepts: Callable[[Entry], bool]

    def count(self, lo: str, hi: str | None) -> int | None:
        """How many keys its lists hold in [lo, hi) (an entry in two lists counts twice)."""
        if self.lists is None:
            return None
        return sum(_position(keys, hi) - bisect_left(keys, lo) for keys in self.lists)

    def down(self, lo: str, hi: str | None) -> Iterator[str]:
        """Its keys in [lo, hi), newest first, each once."""
        assert self.lists is not None
        if len(self.lists) == 1:
            yield from _down(self.lists[0], lo, hi)
            return
        last = None
        for key in heapq.merge(*(_down(keys, lo, hi) for keys in self.lists), reverse=True):
            if key != last:
                yield key
                last = key


def _position(keys: list[str], hi: str | None) -> int:
    return bisect_left(keys, hi) if hi is not None else len(keys)


def _down(keys: list[str], lo: str, hi: str | None) -> Iterator[str]:
    i = _position(keys, hi) - 1
    while i >= 0 and keys[i] >= lo:
        yield keys[i]
        i -= 1


def _entry_id(timeline_key: str) -> str:
    return timeline_key.partition("#")[2]


class SearchIndex:
    """The index of the items on the timeline; ``apply`` each change-log record in turn."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._timeline = SortedKeys()  # the entries' timeline keys
        self._terms = Postings(sorted_keys=True)
        self._prefixes = PrefixBuckets(self._terms)
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
            (self._terms, set(e.terms)), (self._folders, (e.folder,)), (self._tags, e.tags),
            (self._kinds, (e.kind,)), (self._albums, e.albums),
            (self._favorites, ("1",) if e.favorite else ()),
            (self._countries, (e.place[0],) if e.place else ()),
            (self._cities, (e.place[1],) if e.place else ()),
        ]  # fmt: skip
        for postings, keys in pairs:
            for key in keys:
                (postings.add if add else postings.discard)(key, e.timeline_key)
        self._prefixes.update(e.terms, e.timeline_key, add=add)
        if e.place is not None:
            count = self._places.get(e.place, 0) + (1 if add else -1)
            if count:
                self._places[e.place] = count
            else:
                del self._places[e.place]

    # reading

    def tag_counts(self) -> dict[str, int]:
        return {tag: len(keys) for tag, keys in self._tags.lists.items()}

    def place_counts(self) -> dict[PlaceKey, int]:
        return dict(self._places)

    def _clauses(self, query: SearchQuery) -> list[Clause]:
        """One clause per word and per filter: ``core.search.matches``'s rule over entries."""
        clauses = [self._word(word) for word in query.words]
        if query.kind is not None:
            kind = str(query.kind)
            clauses.append(Clause([self._kinds.get(kind)], lambda e: e.kind == kind))
        if query.favorite:
            clauses.append(Clause([self._favorites.get("1")], lambda e: e.favorite))
        if (album := query.album) is not None:
            clauses.append(Clause([self._albums.get(album)], lambda e: album in e.albums))
        if (tag := query.tag) is not None:
            clauses.append(Clause([self._tags.get(tag)], lambda e: tag in e.tags))
        if (country := query.country) is not None:
            clauses.append(
                Clause(
                    [self._countries.get(country)],
                    lambda e: e.place is not None and e.place[0] == country,
                )
            )
        if (city := query.city) is not None:
            clauses.append(
                Clause(
                    [self._cities.get(city)], lambda e: e.place is not None and e.place[1] == city
                )
            )
        if (folder := query.folder) is not None and folder != ROOT:
            inside = self._folders.prefixed(folder.rstrip("/") + "/", MAX_FOLDERS)
            lists = None if inside is None else _found(self._folders, [folder, *inside])
            clauses.append(Clause(lists, lambda e: is_same_or_inside(e.folder, folder)))
        return clauses

    def _word(self, word: str) -> Clause:
        """A word's clause: the postings of the few terms it prefixes, or its prefix bucket."""
        terms = self._terms.prefixed(word, MAX_MERGE)
        bucket = self._prefixes.get(word) if terms is None else None
        lists = _found(self._terms, terms) if terms is not None else [bucket] if bucket else None
        return Clause(lists, _has_word(word))

    def newest(self, query: SearchQuery, below: str | None, k: int) -> list[Entry]:
        """The ``k`` newest entries the index says may match ``query``, with timeline keys
        strictly below ``below`` (None = from the top) and within the query's dates."""
        lo = R.iso(query.date_from) if query.date_from is not None else ""
        hi = below
        if query.date_to is not None and (hi is None or R.iso(query.date_to) < hi):
            hi = R.iso(query.date_to)
        clauses = self._clauses(query)
        timeline = Clause([self._timeline.keys()], lambda e: True)
        sized = [(n, i) for i, c in enumerate(clauses) if (n := c.count(lo, hi)) is not None]
        n, at = min(sized, default=(timeline.count(lo, hi) or 0, -1))
        if n == 0:
            return []
        driver = clauses.pop(at) if at >= 0 and n < (timeline.count(lo, hi) or 0) else timeline
        chosen: list[Entry] = []
        for key in driver.down(lo, hi):
            e = self.entries[_entry_id(key)]
            if all(c.accepts(e) for c in clauses):
                chosen.append(e)
                if len(chosen) >= k:
                    break
        return chosen


def _found(postings: Postings, keys: list[str]) -> list[list[str]]:
    return [found for key in keys if (found := postings.get(key))]


def _has_word(word: str) -> Callable[[Entry], bool]:
    return lambda e: any(t.startswith(word) for t in e.terms)
