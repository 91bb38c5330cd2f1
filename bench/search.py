"""Search: ten representative queries over a library of 100 000 items against one of 1 000.

Run: ``python -m bench.search`` (part of ``make bench``). Options: ``--items N`` (default
100 000; the small library is N/100), ``--backends local,aws``, ``--runs R``.

The library is made up but shaped like a real one: ten years of dates, camera file names
(IMG_, DSC, PXL_<date>), descriptions drawn from a few hundred words, tags, places from a list
of cities, a dozen cameras, photos and videos, a folder per year and trip, some favourites.
Seeded directly (SQLite: ``add_item`` in one transaction; DynamoDB: batch writes of the
catalog's own records, stamped in the change log as every write is). Each query asks both
libraries for the same page through ``catalog.search`` — 100, or as many as the small library
has (like with like: a page of 100 against one of 2 would time the page, not the library) —
and is timed ``--runs`` times (p95), big and small alternately.

On DynamoDB (moto), what scales with the library is the in-memory index (the only part that
grows with N on DynamoDB itself: the change-log read before a search returns only what changed,
and the record read is the page asked for), so the goal is judged on its p95; moto's end-to-end
time is shown beside it, but moto answers a Query on a global index by walking every item of
the table in Python, so it grows with the table as DynamoDB does not. Also measured: read
capacity units per search (from the ConsumedCapacity every call returns), the change log's
size (DynamoDB's item-size rule over the projection) and the index's memory (tracemalloc), and
the cold start (the first full read of the log: time and RCUs).
Goals: p95 at N at most 2x p95 at N/100; at most 1.5 RCU per result of a full page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Figure, at_most, aws_env, moto_server, report
from rdrive_app.core.domain import Kind, MediaItem, Place, Status, new_id, utcnow
from rdrive_app.core.search import SearchQuery, parse_query
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import Storage, build_storage, ensure_aws_resources
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


class Capacity:
    """Requests, read capacity units and item bytes of every DynamoDB call a client makes."""

    def __init__(self, client: Any) -> None:
        self.requests = 0
        self.rcu = 0.0
        self.bytes = 0
        client.meta.events.register("after-call.dynamodb", self._seen)

    def _seen(self, parsed: dict[str, Any], **_: Any) -> None:
        self.requests += 1
        used = parsed.get("ConsumedCapacity") or []
        for c in used if isinstance(used, list) else [used]:
            self.rcu += float(c.get("CapacityUnits") or 0)
        items = parsed.get("Items") or [
            i for found in (parsed.get("Responses") or {}).values() for i in found
        ]
        self.bytes += sum(item_size(i) for i in items)

    def since(self, then: tuple[int, float, int]) -> tuple[int, float, int]:
        return self.requests - then[0], self.rcu - then[1], self.bytes - then[2]

    def mark(self) -> tuple[int, float, int]:
        return self.requests, self.rcu, self.bytes


def item_size(raw: dict[str, dict[str, str]]) -> int:
    """DynamoDB's size of an item: names and values in UTF-8, numbers ~1 byte per 2 digits."""
    size = 0
    for name, value in raw.items():
        size += len(name.encode())
        if "S" in value:
            size += len(value["S"].encode())
        elif "N" in value:
            size += (len(value["N"].strip("-").replace(".", "")) + 1) // 2 + 1
    return size


def _measure(big: Storage, small: Storage, label: str, runs: int) -> tuple[list[Figure], dict]:
    figures, p95s = [], {}
    for what, query in QUERIES.items():
        # the same page asked of both: one the small library fills (it has fewer matches)
        page = max(1, min(PAGE, len(small.catalog.search(query, limit=PAGE).items)))
        b_call = lambda c=big.catalog, q=query, n=page: c.search(q, limit=n)  # noqa: E731
        s_call = lambda c=small.catalog, q=query, n=page: c.search(q, limit=n)  # noqa: E731
        b_call(), s_call()  # warm up (and build the DynamoDB indexes)
        bt, st = [], []
        for _ in range(runs):
            bt.append(_timed(b_call))
            st.append(_timed(s_call))
        p95s[what] = (_p95(bt), _p95(st), len(b_call().items), len(s_call().items))
        if label == "local":
            b, s, _, ns = p95s[what]
            figures.append(
                at_most(
                    f"search {what}, {label}",
                    b / s,
                    2,
                    f"p95 {b * 1000:.1f} ms vs {s * 1000:.1f} ms (a page of {ns})",
                )
            )
    return figures, p95s


def _index_figures(big: Any, small: Any, p95s: dict, runs: int, n: int) -> list[Figure]:
    """The in-memory index's share of each search, the part that grows with the library."""
    from rdrive_app.storage.aws.search import EXTRA

    figures = []
    for what, query in QUERIES.items():
        mb, ms, nb, ns = p95s[what]
        want = max(1, ns) + EXTRA  # the page _measure asked of both
        bt, st = [], []
        for _ in range(max(runs, 41)):
            bt.append(_timed(lambda q=query, w=want: big._live.index.newest(q, None, w)))
            st.append(_timed(lambda q=query, w=want: small._live.index.newest(q, None, w)))
        b, s = _p95(bt), _p95(st)
        figures.append(
            at_most(
                f"search {what}, aws: index p95 {n} vs {n // 100}",
                b / max(s, 20e-6),  # below 20 µs the ratio is timer noise
                2,
                f"{b * 1e3:.2f} ms vs {s * 1e3:.2f} ms; moto end to end {mb * 1e3:.0f} vs "
                f"{ms * 1e3:.0f} ms ({nb}/{ns} results)",
            )
        )
    return figures


def _aws_costs(big: Any, n: int) -> list[Figure]:
    from rdrive_app.storage.aws.search import SearchIndex

    cap = Capacity(big.Item._get_connection().connection.client)
    figures = []
    per_search = []
    for what, query in QUERIES.items():
        then = cap.mark()
        found = len(big.search(query, limit=PAGE).items)
        requests, rcu, _ = cap.since(then)
        per_search.append((what, requests, rcu, found))
        if found == PAGE:
            figures.append(
                at_most(
                    f"search {what}, aws: RCU per result",
                    rcu / found,
                    1.5,
                    f"{rcu:.1f} RCU, {requests} requests, a page of {found}",
                )
            )
        else:
            print(f"   {what}: {found} results, {rcu:.1f} RCU, {requests} requests")
    # cold start: the first full read of the change log, as a new process does it
    recs: list[dict[str, str]] = []

    class Collect:
        def apply(self, rec: dict[str, str]) -> None:
            recs.append(rec)

    then = cap.mark()
    cold = _timed(lambda: big._live._read_log(Collect(), None))
    requests, rcu, size = cap.since(then)
    tracemalloc.start()
    index = SearchIndex()
    for rec in recs:
        index.apply(rec)
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    t0 = time.perf_counter()
    rebuilt = SearchIndex()
    for rec in recs:
        rebuilt.apply(rec)
    build = time.perf_counter() - t0
    print(
        f"   change log at {n} items: {size / 1e6:.1f} MB ({size / max(1, len(recs)):.0f} B an "
        f"item, {len(recs)} entries); in-memory index {memory / 1e6:.1f} MB; cold start "
        f"{cold:.1f} s on moto, {requests} requests, {rcu:.0f} RCU (by size: "
        f"{size / 4096 / 2:.0f}); building the index from it {build:.2f} s"
    )
    figures.append(
        at_most(f"search cold start at {n}, aws: RCU per 1000 items", rcu / n * 1000, 100, "")
    )
    return figures


def _aws_settings(env: dict[str, str], table: str) -> Settings:
    return Settings(
        backend=Backend.AWS,
        bucket=env["RDRIVE_BUCKET"],
        items_table=table,
        users_table=env["RDRIVE_USERS_TABLE"],
        jwt_secret="t" * 40,
    )


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
        return _measure(*stores, "local", runs)[0]


def _aws(n: int, runs: int) -> list[Figure]:
    with moto_server() as endpoint:
        env = aws_env(endpoint)
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            stores = []
            for name, size in (("big", n), ("small", n // 100)):
                settings = _aws_settings(env, f"{env['RDRIVE_ITEMS_TABLE']}-{name}")
                ensure_aws_resources(settings)
                store = build_storage(settings)
                t0 = time.perf_counter()
                _fill(store, library(size))
                print(f"   aws: {size} items written in {time.perf_counter() - t0:.0f} s")
                stores.append(store)
            _, p95s = _measure(*stores, "aws", runs)
            figures = _index_figures(stores[0].catalog, stores[1].catalog, p95s, runs, n)
            return figures + _aws_costs(stores[0].catalog, n)
        finally:
            os.environ.clear()
            os.environ.update(saved)


def run(
    n: int = 100_000, backends: tuple[str, ...] = ("local", "aws"), runs: int = 21
) -> list[Figure]:
    figures = []
    if "local" in backends:
        figures += _local(n, runs)
    if "aws" in backends:
        figures += _aws(n, max(5, runs // 3))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--backends", default="local,aws")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    return report(run(args.items, tuple(args.backends.split(",")), args.runs))


if __name__ == "__main__":
    raise SystemExit(main())
