"""Search: ten representative queries over a library of 100 000 items against one of 1 000.

Run: ``python -m bench.search`` (part of ``make bench``). Options: ``--items N`` (default
100 000; the small library is N/100), ``--backends local,aws``, ``--runs R``, ``--moto-items``
(the DynamoDB reads are counted on moto at this size: bench/search_aws.py says why).

The library is made up but shaped like a real one: ten years of dates, camera file names
(IMG_, DSC, PXL_<date>), descriptions drawn from a few hundred words, tags, places from a list
of cities, a dozen cameras, photos and videos, a folder per year and trip, some favourites.
Seeded directly (SQLite: ``add_item`` in one transaction; DynamoDB: batch writes of the
catalog's own records, stamped in the change log as every write is). On SQLite each query asks
both libraries for the same page through ``catalog.search``: 100, or as many as the small
library has (like with like: a page of 100 against one of 2 would time the page, not the
library), timed ``--runs`` times (p95), big and small alternately. Goal: p95 at N at most 2x
p95 at N/100. DynamoDB's figures and goals: bench/search_aws.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Figure, at_most, report
from rdrive_app.core.domain import Kind, MediaItem, Place, Status, new_id, utcnow
from rdrive_app.core.search import SearchQuery, parse_query
from rdrive_app.core.settings import Settings
from rdrive_app.storage import Storage, build_storage
from rdrive_app.storage import records as R

PAGE = 100
START = datetime(2015, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3652)
CAMERAS = (
    "Apple iPhone 13", "Apple iPhone 15 Pro", "Google Pixel 7", "Samsung Galaxy S23",
    "Canon EOS R6", "Canon EOS 5D Mark IV", "Nikon Z6", "Sony ILCE-7M3", "Fujifilm X-T4",
    "Olympus E-M10", "Panasonic DMC-GX80", "DJI Mini 3",
)  # fmt: skip
PLACES = [
    Place(*fields)
    for fields in (
        ("Arezzo", "Tuscany", "Italy", "IT"),
        ("Florence", "Tuscany", "Italy", "IT"),
        ("Rome", "Lazio", "Italy", "IT"),
        ("Crémieux", "Auvergne-Rhône-Alpes", "France", "FR"),
        ("Lyon", "Auvergne-Rhône-Alpes", "France", "FR"),
        ("Paris", "Île-de-France", "France", "FR"),
        ("Nice", "Provence-Alpes-Côte d'Azur", "France", "FR"),
        ("Berlin", "Berlin", "Germany", "DE"),
        ("München", "Bavaria", "Germany", "DE"),
        ("Porto", "Porto", "Portugal", "PT"),
        ("Lisbon", "Lisbon", "Portugal", "PT"),
        ("Sevilla", "Andalusia", "Spain", "ES"),
        ("Barcelona", "Catalonia", "Spain", "ES"),
        ("Edinburgh", "Scotland", "United Kingdom", "GB"),
        ("London", "England", "United Kingdom", "GB"),
        ("Reykjavík", "Capital Region", "Iceland", "IS"),
        ("Kyoto", "Kyoto", "Japan", "JP"),
        ("Tokyo", "Tokyo", "Japan", "JP"),
        ("Brooklyn", "New York", "United States", "US"),
        ("Yosemite Valley", "California", "United States", "US"),
    )
]
TAGS = (
    "family", "beach", "hiking", "birthday", "food", "cat", "dog", "sunset", "snow",
    "wedding", "concert", "garden", "roadtrip", "architecture", "kids", "friends", "museum",
    "christmas", "boat", "mountains",
)  # fmt: skip
PHRASES = (
    "sunset over the harbour with the whole family after dinner; morning walk along the river",
    "old town square market grandma birthday cake candles first snow in the garden view from",
    "the top of the hill trail picnic by the lake with friends cathedral ceiling detail street",
    "musician playing violin ferry crossing in the rain late train home night sky full of stars",
    "breakfast on the terrace kids building sandcastles lighthouse at dawn vineyard harvest",
    "cousins reunion fireworks over the bay our new flat before the move the dog asleep on sofa",
)
WORDS = tuple(" ".join(PHRASES).split())
YEARS = 10
TRIPS = ("trip-italy", "trip-france", "trip-japan", "home", "phone", "camera-roll")


def _name(rng: random.Random, i: int, when: datetime, kind: Kind) -> str:
    ext = ".mp4" if kind is Kind.VIDEO else rng.choice((".jpg", ".jpg", ".heic", ".JPG"))
    style = i % 4
    if style == 0:
        return f"IMG_{i % 10000:04d}_{i}{ext}"
    if style == 1:
        return f"DSC{i:07d}{ext}"
    if style == 2:
        return f"PXL_{when:%Y%m%d_%H%M%S}{i % 1000:03d}{ext}"
    return f"{rng.choice(WORDS).capitalize()} {i}{ext}"


def library(n: int, seed: int = 15) -> list[MediaItem]:
    """``n`` items over ten years, the same for the same ``n`` and seed."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        when = START + SPAN * rng.random()
        kind = Kind.VIDEO if rng.random() < 0.1 else Kind.IMAGE
        described = rng.random() < 0.4
        items.append(
            MediaItem(
                id=new_id(),
                folder=f"/{when.year}/{rng.choice(TRIPS)}",
                name=_name(rng, i, when, kind),
                kind=kind,
                content_type="video/mp4" if kind is Kind.VIDEO else "image/jpeg",
                size=rng.randrange(1_000_000, 8_000_000),
                uploaded_by="bench",
                uploaded_at=when + timedelta(days=1),
                taken_at=when,
                status=Status.READY,
                width=4000,
                height=3000,
                camera=rng.choice(CAMERAS),
                thumbnails={"thumb": f"thumbs/{i}/t.webp", "preview": f"thumbs/{i}/p.webp"},
                description=" ".join(rng.sample(WORDS, rng.randrange(3, 12))) if described else "",
                tags=tuple(sorted(set(rng.sample(TAGS, rng.randrange(0, 3))))),
                place=rng.choice(PLACES) if rng.random() < 0.7 else None,
                favorite=rng.random() < 0.05,
            )
        )
    return items


QUERIES: dict[str, SearchQuery] = {
    "a place (arezzo)": parse_query("arezzo"),
    "a tag (beach)": parse_query("beach"),
    "a word of a description (harbour)": parse_query("harbour"),
    "a camera (fujifilm)": parse_query("fujifilm"),
    "a name prefix (pxl_2021)": parse_query("pxl_2021"),
    "a year (2021)": parse_query("2021"),
    "june 2024": parse_query("june 2024"),
    "a word + kind (lake, videos)": parse_query("lake", SearchQuery(kind=Kind.VIDEO)),
    "a folder (/2019)": SearchQuery(folder="/2019"),
    "favourites": SearchQuery(favorite=True),
}


def _fill(storage: Storage, items: list[MediaItem]) -> None:
    catalog: Any = storage.catalog
    folders = sorted({i.folder for i in items})
    for path in sorted({f.rsplit("/", 1)[0] for f in folders} | set(folders)):
        catalog.create_folder(path)
    if hasattr(catalog, "Item"):  # DynamoDB: batch writes (moto takes ~0.3 s per put)
        # stamped as written an hour ago: a search re-reads the last SKEW_MARGIN of the change
        # log, and a library written just now would be re-read whole for five minutes
        clock, catalog.table.clock = catalog.table.clock, lambda: utcnow() - timedelta(hours=1)
        with catalog.Item.batch_write() as batch:
            for item in items:
                batch.save(catalog.record_model(R.item_record(item)))
        catalog.table.clock = clock
    else:
        with catalog._atomic():  # one transaction, not 100 000
            for item in items:
                catalog.add_item(item)


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _measure(big: Storage, small: Storage, runs: int) -> list[Figure]:
    """p95 of each query at N against N/100, the same page asked of both: one the small
    library fills (it has fewer matches)."""
    figures = []
    for what, query in QUERIES.items():
        page = max(1, min(PAGE, len(small.catalog.search(query, limit=PAGE).items)))
        b_call = lambda c=big.catalog, q=query, n=page: c.search(q, limit=n)  # noqa: E731
        s_call = lambda c=small.catalog, q=query, n=page: c.search(q, limit=n)  # noqa: E731
        b_call(), s_call()  # warm up
        bt, st = [], []
        for _ in range(runs):
            bt.append(_timed(b_call))
            st.append(_timed(s_call))
        b, s = _p95(bt), _p95(st)
        figures.append(
            at_most(
                f"search {what}, local",
                b / s,
                2,
                f"p95 {b * 1000:.1f} ms vs {s * 1000:.1f} ms (a page of {page})",
            )
        )
    return figures


def _local(n: int, runs: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="rdrive-bench-search-") as tmp:
        stores = [
            build_storage(Settings(data_dir=Path(tmp) / name, jwt_secret="t" * 40))
            for name in ("big", "small")
        ]
        if getattr(type(stores[0].catalog)._search_records, "__isabstractmethod__", False):
            print("   local: skipped (the SQLite catalog has no search primitives yet)")
            return []
        for store, size in zip(stores, (n, n // 100), strict=True):
            _fill(store, library(size))
        return _measure(*stores, runs)


def run(
    n: int = 100_000,
    backends: tuple[str, ...] = ("local", "aws"),
    runs: int = 21,
    moto_items: int = 2000,
) -> list[Figure]:
    figures = []
    if "local" in backends:
        figures += _local(n, runs)
    if "aws" in backends:
        from bench.search_aws import aws_figures

        figures += aws_figures(n, moto_items, max(5, runs // 3))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--backends", default="local,aws")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--moto-items", type=int, default=2000)
    args = parser.parse_args(argv)
    backends = tuple(args.backends.split(","))
    return report(run(args.items, backends, args.runs, args.moto_items))


if __name__ == "__main__":
    raise SystemExit(main())
