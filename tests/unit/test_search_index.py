"""The DynamoDB catalog's in-memory index against a naive filter, through builds and changes.

The catalog contract and model tests run the index over small libraries, where no prefix
starts more than MAX_MERGE terms; here names with a date in them (``PXL_20210315_…``) make
prefix buckets, and random renames, moves in time and removals must keep them exact.
"""

from __future__ import annotations

import random

import pytest

from rdrive_app.core.domain import Kind
from rdrive_app.core.search import SearchQuery
from rdrive_app.storage.aws.postings import MAX_MERGE
from rdrive_app.storage.aws.search_index import SearchIndex

WORDS = ("p", "px", "pxl_", "pxl_2021", "pxl_20210", "pxl_2022", "img_1", "img_", "harbour", "zz")


def _record(rng: random.Random, item_id: str) -> dict[str, str]:
    year, month, day = rng.choice((2021, 2022)), rng.randrange(1, 13), rng.randrange(1, 29)
    stamp = f"{year}-{month:02d}-{day:02d}T{rng.randrange(24):02d}:00:00"
    name = rng.choice(
        (f"pxl_{year}{month:02d}{day:02d}_{rng.randrange(10**6):06d}", f"img_{rng.randrange(300)}")
    )
    terms = [name, *rng.sample(("harbour", "harbours", "lake", "sunset"), rng.randrange(0, 3))]
    return {
        "chg_key": f"2026-01-01T00:00:00#{item_id}",
        "id": item_id,
        "folder": f"/{year}",
        "name": name,
        "timeline_key": f"{stamp}#{item_id}",
        "search_terms": " ".join(terms),
        "kind": str(rng.choice((Kind.IMAGE, Kind.VIDEO))),
    }


def _naive(live: dict[str, dict[str, str]], query: SearchQuery, k: int) -> list[str]:
    found = [
        rec
        for rec in live.values()
        if all(any(t.startswith(w) for t in rec["search_terms"].split()) for w in query.words)
        and (query.kind is None or rec["kind"] == str(query.kind))
    ]
    found.sort(key=lambda rec: rec["timeline_key"], reverse=True)
    return [rec["id"] for rec in found[:k]]


@pytest.mark.parametrize("seed", range(3))
def test_newest_equals_a_naive_filter_through_changes(seed: int) -> None:
    rng = random.Random(seed)
    index, live = SearchIndex(), {}
    for n in range(400):
        live[f"i{n:04d}"] = _record(rng, f"i{n:04d}")
        index.apply(live[f"i{n:04d}"])
    for step in range(300):
        if step % 30 == 0:  # between changes, every word and a kind filter answer exactly
            for word in WORDS:
                for kind in (None, Kind.VIDEO):
                    query = SearchQuery(words=(word,), kind=kind)
                    for k in (1, 7, 1000):
                        got = [e.id for e in index.newest(query, None, k)]
                        assert got == _naive(live, query, k), (word, kind, k)
        item_id = rng.choice(sorted(live)) if rng.random() < 0.8 else f"new{step}"
        if rng.random() < 0.2 and item_id in live:
            del live[item_id]
            index.apply({"chg_key": f"2026-01-02T00:00:00#{item_id}"})  # a tombstone
        else:
            live[item_id] = _record(rng, item_id)
            index.apply(live[item_id])


def test_a_prefix_of_many_terms_is_read_from_its_bucket() -> None:
    """A prefix that comes to start more terms than MAX_MERGE gets a bucket as they arrive."""
    index = SearchIndex()
    query = SearchQuery(words=("pxl_2021",))
    for n in range(MAX_MERGE * 3):
        index.apply(
            {
                "chg_key": f"2026-01-01T00:00:00#i{n}",
                "id": f"i{n}",
                "folder": "/",
                "name": f"pxl_2021{n:04d}",
                "timeline_key": f"2021-01-01T00:00:{n % 60:02d}#i{n}",
                "search_terms": f"pxl_2021{n:04d}",
                "kind": "image",
            }
        )
        assert [e.id for e in index.newest(query, None, 3)] == [
            f"i{m}" for m in sorted(range(n + 1), key=lambda m: (m % 60, f"i{m}"), reverse=True)
        ][:3]
    assert len(index._prefixes.lists["pxl_2021"]) == MAX_MERGE * 3
