"""Timeline: a library of 100 000 items against one of 1 000, on both backends.

Run: ``python -m bench.timeline`` (part of ``make bench``). Options: ``--items N`` (default
100 000), ``--backends local,aws``.

Each library spreads its items evenly over ten years (so the big one has ~830 a month, the small
one ~8) in 20 folders. Measured through ``TimelineService`` (what the API and the Photos page
call): the first page of 100, a jump to a month three years back (a page of 100 from there),
the months for the scrubber, and the first page of an album of 500 photos spread over the ten
years (``AlbumService.items``). Each time is the median of 41 (7 on moto), big and small
measured alternately. The libraries are seeded directly (SQLite: ``add_item`` in one
transaction; DynamoDB: batch writes of the catalog's own records plus the month counters those
writes would have made), with no blobs: the timeline reads the catalog only.

What moto's numbers mean: moto answers a Query on a global index by walking every item of the
table in Python, so its big-library time grows with the table; DynamoDB reads only the index
partition (one month) and the page asked for. A ratio near 1 on moto would be luck; the local
figures and the number of queries per page (one or two months) are what carry over.
Goal: the big library's page costs at most 1.5x the small one's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Figure, at_most, aws_env, median_time, moto_server, report
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.services.albums import AlbumService
from rdrive_app.services.timeline import TimelineService, month_end
from rdrive_app.storage import Storage, build_storage, ensure_aws_resources
from rdrive_app.storage import records as R

RUNS = 41
PAGE = 100
ALBUM = 500
FOLDERS = 20
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3652)
NOW = START + SPAN


def _items(n: int) -> list[MediaItem]:
    step = SPAN / n
    return [
        MediaItem(
            id=new_id(),
            folder=f"/f{i % FOLDERS:02d}",
            name=f"IMG_{i:06d}.jpg",
            kind=Kind.IMAGE,
            content_type="image/jpeg",
            size=3_000_000,
            uploaded_by="bench",
            uploaded_at=NOW,
            taken_at=START + step * i,
            status=Status.READY,
            width=4000,
            height=3000,
            thumbnails={"thumb": f"thumbs/{i}/t.webp"},
        )
        for i in range(n)
    ]


def _fill(storage: Storage, n: int) -> str:
    """Fill the library; the id of an album of ALBUM of its items, spread over the years."""
    catalog = storage.catalog
    for f in range(FOLDERS):
        catalog.create_folder(f"/f{f:02d}")
    items = _items(n)
    if hasattr(catalog, "Item"):  # DynamoDB: batch writes (moto takes ~0.3 s per put)
        with catalog.Item.batch_write() as batch:
            for item in items:
                batch.save(catalog.record_model(R.item_record(item)))
            months = Counter(R.item_record(i)["tl_month"] for i in items)
            for month, count in months.items():
                counter = {"folder": R.MONTHS, "name": month, "kind": "counter", "tally": count}
                batch.save(catalog.record_model(counter))
    else:
        with catalog._atomic():  # type: ignore[attr-defined]  # one transaction, not 100 000
            for item in items:
                catalog.add_item(item)
    albums = AlbumService(storage)
    album = albums.create("Best of")
    albums.add(album.id, [item.id for item in items[:: max(1, n // ALBUM)]][:ALBUM])
    return album.id


def _paired(
    big: Callable[[], object], small: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median times of both, measured alternately so that drift hits them alike."""
    big(), small()  # warm up
    big_times, small_times = [], []
    for _ in range(runs):
        big_times.append(median_time(big, 1))
        small_times.append(median_time(small, 1))
    return statistics.median(big_times), statistics.median(small_times)


def _calls(storage: Storage, album: str) -> dict[str, Callable[[], object]]:
    timeline, albums = TimelineService(storage.catalog), AlbumService(storage)
    back = (NOW - timedelta(days=3 * 365)).strftime("%Y-%m")
    return {
        "first page": lambda: timeline.page(limit=PAGE),
        f"jump to {back}": lambda: timeline.page(before=month_end(back), limit=PAGE),
        "months": lambda: timeline.months(),
        f"album of {ALBUM}, first page": lambda: albums.items(album, limit=PAGE),
    }


def run_backend(big: Storage, small: Storage, label: str, n: int, runs: int) -> list[Figure]:
    big_calls = _calls(big, _fill(big, n))
    small_calls = _calls(small, _fill(small, n // 100))
    page = big_calls["first page"]()
    assert len(page.items) == PAGE, "the big library's first page is not full"  # type: ignore[attr-defined]
    figures = []
    for what, call in big_calls.items():
        b, s = _paired(call, small_calls[what], runs)
        figures.append(
            at_most(
                f"timeline {what}: {n} vs {n // 100} items, {label}",
                b / s,
                1.5,
                f"{b * 1000:.1f} ms vs {s * 1000:.1f} ms",
            )
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


def run(n: int = 100_000, backends: tuple[str, ...] = ("local", "aws")) -> list[Figure]:
    figures = []
    if "local" in backends:
        with tempfile.TemporaryDirectory(prefix="rdrive-bench-timeline-") as tmp:
            stores = [
                build_storage(Settings(data_dir=Path(tmp) / name, jwt_secret="t" * 40))
                for name in ("big", "small")
            ]
            figures += run_backend(*stores, "local", n, RUNS)
    if "aws" in backends:
        with moto_server() as endpoint:
            env = aws_env(endpoint)
            saved = dict(os.environ)
            os.environ.update(env)
            try:
                stores = []
                for name in ("big", "small"):
                    settings = _aws_settings(env, f"{env['RDRIVE_ITEMS_TABLE']}-{name}")
                    ensure_aws_resources(settings)
                    stores.append(build_storage(settings))
                figures += run_backend(*stores, "aws (moto)", n, 7)
            finally:
                os.environ.clear()
                os.environ.update(saved)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--backends", default="local,aws")
    args = parser.parse_args(argv)
    return report(run(args.items, tuple(args.backends.split(","))))


if __name__ == "__main__":
    raise SystemExit(main())
