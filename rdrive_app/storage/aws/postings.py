"""Sorted posting lists for the DynamoDB search index (search_index.py), pure Python.

A posting is the list of its entries' timeline keys in order, so the newest entries of any
posting are its last ones, found by bisection. ``PrefixBuckets`` keeps, for every prefix that
starts many terms, the union of their postings: a word like ``pxl_2021`` prefixes a term per
file, thousands in a large library, and the newest entries among them would otherwise cost a
merge (or a walk) that grows with the library.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

MAX_MERGE = 16  # a word prefixing more terms than this is read from its prefix bucket
_TOP = "\U0010ffff"


def prefix_range(keys: list[str], prefix: str) -> tuple[int, int]:
    """The slice of sorted ``keys`` that start with ``prefix``."""
    i = bisect_left(keys, prefix)
    j = bisect_left(keys, prefix + _TOP, i)
    while j < len(keys) and keys[j].startswith(prefix):  # a key with U+10FFFF after it
        j += 1
    return i, j


def add_key(keys: list[str], key: str) -> None:
    """Put ``key`` in its place in sorted ``keys``, once."""
    i = bisect_left(keys, key)
    if i == len(keys) or keys[i] != key:
        keys.insert(i, key)


def remove_key(keys: list[str], key: str) -> None:
    i = bisect_left(keys, key)
    if i < len(keys) and keys[i] == key:
        del keys[i]


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
    """key → the timeline keys of its entries, ascending; a list appended out of order is
    sorted on its next read, so building from 100 000 records sorts each list once."""

    def __init__(self, *, sorted_keys: bool = False) -> None:
        self.lists: dict[str, list[str]] = {}
        self._unsorted: set[str] = set()
        self._sorted = SortedKeys() if sorted_keys else None

    def add(self, key: str, timeline_key: str) -> None:
        found = self.lists.get(key)
        if found is None:
            self.lists[key] = [timeline_key]
            if self._sorted is not None:
                self._sorted.add(key)
        else:
            if timeline_key < found[-1]:
                self._unsorted.add(key)
            found.append(timeline_key)

    def discard(self, key: str, timeline_key: str) -> None:
        if key not in self.lists:
            return
        found = self.get(key)
        remove_key(found, timeline_key)
        if not found:
            del self.lists[key]
            if self._sorted is not None:
                self._sorted.remove(key)

    def get(self, key: str) -> list[str]:
        found = self.lists.get(key)
        if found is None:
            return []
        if key in self._unsorted:
            found.sort()
            self._unsorted.discard(key)
        return found

    def sorted_keys(self) -> list[str]:
        assert self._sorted is not None
        return self._sorted.keys()

    def prefixed(self, prefix: str, limit: int) -> list[str] | None:
        """Every key starting with ``prefix``, in order; None when there are more than
        ``limit`` (counted by bisection, not by listing them)."""
        i, j = prefix_range(self.sorted_keys(), prefix)
        return self.sorted_keys()[i:j] if j - i <= limit else None


class PrefixBuckets:
    """prefix → the sorted timeline keys of the entries with a term starting with it, for every
    prefix that starts more than MAX_MERGE terms (a word prefixing fewer is merged instead).
    Built in one pass on first use, then kept exact entry by entry."""

    def __init__(self, terms: Postings) -> None:
        self.lists: dict[str, list[str]] = {}
        self._terms = terms
        self._built = False

    def get(self, prefix: str) -> list[str] | None:
        self._build()
        return self.lists.get(prefix)

    def _build(self) -> None:
        """Refine groups of terms one character at a time, keeping each group of more than
        MAX_MERGE: the work is the terms times the depth of such prefixes, not the terms
        times their length."""
        if self._built:
            return
        self._built = True
        groups: list[tuple[int, list[str]]] = [(0, self._terms.sorted_keys())]
        while groups:
            depth, terms = groups.pop()
            by_prefix: dict[str, list[str]] = {}
            for term in terms:
                if len(term) > depth:
                    by_prefix.setdefault(term[: depth + 1], []).append(term)
            for prefix, group in by_prefix.items():
                if len(group) > MAX_MERGE:
                    self.lists[prefix] = self._union(group)
                    groups.append((depth + 1, group))

    def _union(self, terms: list[str]) -> list[str]:
        return sorted(set().union(*(self._terms.get(term) for term in terms)))

    def update(self, terms: Iterable[str], timeline_key: str, *, add: bool) -> None:
        """Take an entry's terms in or out (after its postings changed); a prefix that comes
        to start more than MAX_MERGE terms gets its bucket."""
        if not self._built:
            return
        prefixes = {term[:n] for term in set(terms) for n in range(1, len(term) + 1)}
        keys = self._terms.sorted_keys()
        for prefix in prefixes:
            found = self.lists.get(prefix)
            if found is not None:
                (add_key if add else remove_key)(found, timeline_key)
            elif add:
                i, j = prefix_range(keys, prefix)
                if j - i > MAX_MERGE:
                    self.lists[prefix] = self._union(keys[i:j])
