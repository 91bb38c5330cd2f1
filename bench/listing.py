"""Listing: a page of 100 from a 10 000-item folder against a page from a 100-item folder.

Run: ``python -m bench.listing`` (part of ``make bench``). Option: ``--items N`` (default
10 000), ``--backends local,aws``.

Both folders are filled in the same catalog; pages come from ``ItemService.list_page`` (what
the API and the pages call), by name and by date taken, the first page and one from the middle
(reached with cursors). Each time is the median of 41 (7 on moto), big and small measured
alternately. The aws backend runs on a moto server started here; its big folder is filled with
DynamoDB batch writes of the catalog's own records. moto answers a query by walking the
partition in Python (~0.3 s a page here), so its figure says more about moto than about
DynamoDB, whose Query reads only the page asked for.
Goal: the big folder's page costs at most 1.5x the small one's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Figure, at_most, aws_env, median_time, moto_server, report
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.services.items import ItemService
from rdrive_app.storage import Storage, build_storage, ensure_aws_resources
from rdrive_app.storage import records as R

RUNS = 41
PAGE = 100
BASE = datetime(2020, 1, 1, tzinfo=UTC)


def _items(folder: str, n: int) -> list[MediaItem]:
    return [
        MediaItem(
            id=new_id(),
            folder=folder,
            name=f"IMG_{i:06d}.jpg",
            kind=Kind.IMAGE,
            content_type="image/jpeg",
            size=3_000_000,
            uploaded_by="bench",
            uploaded_at=BASE,
            taken_at=BASE + timedelta(minutes=i * 7 % n),
            status=Status.READY,
            width=4000,
            height=3000,
            camera="Bench Camera",
            thumbnails={"thumb": f"thumbs/{i}/thumb.webp", "preview": f"thumbs/{i}/preview.webp"},
        )
        for i in range(n)
    ]


def _fill(storage: Storage, folder: str, n: int) -> None:
    storage.catalog.create_folder(folder)
    items = _items(folder, n)
    catalog = storage.catalog
    if hasattr(catalog, "Item"):  # DynamoDB: batch writes (moto takes ~0.3 s per put)
        with catalog.Item.batch_write() as batch:
            for item in items:
                batch.save(catalog.record_model(R.item_record(item)))
    else:
        for item in items:
            catalog.add_item(item)


def _lister(media: ItemService, folder: str, sort: str, skip: int) -> Callable[[], object]:
    cursor = None
    for _ in range(skip):
        cursor = media.list_page(folder, sort=sort, limit=PAGE, cursor=cursor).next_cursor
    return lambda: media.list_page(folder, sort=sort, limit=PAGE, cursor=cursor)


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


def run_backend(storage: Storage, label: str, n: int, runs: int = RUNS) -> list[Figure]:
    _fill(storage, "/small", PAGE)
    _fill(storage, "/big", n)
    media = ItemService(storage)
    figures = []
    for sort in ("name", "taken"):
        small_page = _lister(media, "/small", sort, 0)
        for where, skip in (("first", 0), ("middle", n // PAGE // 2)):
            big, small = _paired(_lister(media, "/big", sort, skip), small_page, runs)
            figures.append(
                at_most(
                    f"page: {n} vs {PAGE} items, {sort}, {where}, {label}",
                    big / small,
                    1.5,
                    f"{big * 1000:.1f} ms vs {small * 1000:.1f} ms",
                )
            )
    return figures


def run(n: int = 10_000, backends: tuple[str, ...] = ("local", "aws")) -> list[Figure]:
    figures = []
    if "local" in backends:
        with tempfile.TemporaryDirectory(prefix="rdrive-bench-listing-") as tmp:
            settings = Settings(data_dir=Path(tmp), jwt_secret="l" * 40)
            figures += run_backend(build_storage(settings), "local", n)
    if "aws" in backends:
        with moto_server() as endpoint:
            env = aws_env(endpoint)
            saved = dict(os.environ)
            os.environ.update(env)
            try:
                settings = Settings(
                    backend=Backend.AWS,
                    bucket=env["RDRIVE_BUCKET"],
                    items_table=env["RDRIVE_ITEMS_TABLE"],
                    users_table=env["RDRIVE_USERS_TABLE"],
                    jwt_secret="l" * 40,
                )
                ensure_aws_resources(settings)
                figures += run_backend(build_storage(settings), "aws (moto)", n, runs=7)
            finally:
                os.environ.clear()
                os.environ.update(saved)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--backends", default="local,aws")
    args = parser.parse_args(argv)
    figures = run(args.items, tuple(args.backends.split(",")))
    return report(figures)


if __name__ == "__main__":
    raise SystemExit(main())
