"""Search on DynamoDB: the two parts of a search, each measured where it can be measured.

A search on DynamoDB is the process's in-memory index (``storage/aws/search_index.py``) plus
DynamoDB's reads: one Query of the change log (what changed since the last search) and the
page's candidates by key (BatchGetItem). moto answers every Query on a global index by walking
every item of its table in Python (a search at 20 000 items takes ~4 s there, 50 ms at 200), so
its end-to-end time measures moto, and a 100 000-item table on it takes hours to fill and read.
So:

- **the index** is built in process from the change log's records at N and N/100 (each item's
  record as the catalog writes it, cut to the ``by_change`` projection, exactly what a process
  reads from the log) and timed for the same page (+ EXTRA) at both: goal p95 ≤ 2x;
- **DynamoDB's reads** are counted on moto with ``--moto-items`` (2 000): requests and the read
  capacity units every call reports (``ConsumedCapacity``; moto: 1 per key read, 1 per Query).
  Goals: at most 1.5 RCU per result of a full page, and never more than the page's bound (one
  log Query and a BatchGetItem per 100 keys, a unit each on moto, and a unit per key: the
  page's candidates plus EXTRA), which holds at any N: the reads are by key and by change,
  never by library;
- **the cold start**: the first full read of the log on moto (requests, bytes by DynamoDB's
  item-size rule, so RCU by size) scaled to N, and the index's build time and memory at N.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from typing import Any

from bench.common import Figure, at_most, aws_env, moto_server
from bench.search import PAGE, QUERIES, _fill, _p95, _timed, library
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import build_storage, ensure_aws_resources
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.models import SEARCH_FIELDS
from rdrive_app.storage.aws.search import EXTRA, SearchIndex, plain_record

BATCH = 100  # keys a BatchGetItem takes
PROJECTED = frozenset({*SEARCH_FIELDS, "folder", "name", "chg_part", "chg_key"})
PRIME = QUERIES["a name prefix (pxl_2021)"]  # a first search builds the prefix buckets


class Capacity:
    """Requests, read capacity units and item bytes of every DynamoDB call a client makes."""

    def __init__(self, client: Any) -> None:
        self.requests = 0
        self.rcu = 0.0
        self.bytes = 0
        self._client = client
        client.meta.events.register("after-call.dynamodb", self._seen)

    def close(self) -> None:
        self._client.meta.events.unregister("after-call.dynamodb", self._seen)

    def _seen(self, parsed: dict[str, Any], **_: Any) -> None:
        self.requests += 1
        used = parsed.get("ConsumedCapacity") or []
        for c in used if isinstance(used, list) else [used]:
            self.rcu += float(c.get("CapacityUnits") or 0)
        items = parsed.get("Items") or [
            i for found in (parsed.get("Responses") or {}).values() for i in found
        ]
        self.bytes += sum(item_size(i) for i in items)


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


def _counted(catalog: Any, fn: Any) -> tuple[Capacity, float]:
    cap = Capacity(catalog.Item._get_connection().connection.client)
    try:
        return cap, _timed(fn)
    finally:
        cap.close()


def _log_records(catalog: Any, n: int) -> list[dict[str, Any]]:
    """The change log of a library of ``n`` items as a process reads it, made in process."""
    records = []
    for item in library(n):
        raw = catalog.record_model(R.item_record(item)).serialize()
        records.append(plain_record({k: v for k, v in raw.items() if k in PROJECTED}))
    return records


def _index(records: list[dict[str, Any]]) -> tuple[SearchIndex, float]:
    t0 = time.perf_counter()
    index = SearchIndex()
    for rec in records:
        index.apply(rec)
    index.newest(PRIME, None, 1)
    return index, time.perf_counter() - t0


def _index_figures(catalog: Any, n: int, runs: int) -> list[Figure]:
    big_log, small_log = _log_records(catalog, n), _log_records(catalog, n // 100)
    big, build = _index(big_log)
    small, _ = _index(small_log)
    tracemalloc.start()
    kept = _index(big_log)  # held while its memory is read
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    print(f"   aws index at {n} items: built in {build:.1f} s, {memory / 1e6:.0f} MB")
    figures = []
    for what, query in QUERIES.items():
        page = max(1, len(small.newest(query, None, PAGE)))  # as many as the small one has
        want = page + EXTRA
        bt, st = [], []
        for _ in range(max(runs, 41)):
            bt.append(_timed(lambda q=query, w=want: big.newest(q, None, w)))
            st.append(_timed(lambda q=query, w=want: small.newest(q, None, w)))
        b, s = _p95(bt), _p95(st)
        figures.append(
            at_most(
                f"search {what}, aws: index p95 {n} vs {n // 100}",
                b / max(s, 20e-6),  # below 20 µs the ratio is timer noise
                2,
                f"{b * 1e3:.3f} ms vs {s * 1e3:.3f} ms (a page of {page} + {EXTRA})",
            )
        )
    return figures


def _reads_figures(catalog: Any, n_moto: int) -> list[Figure]:
    figures = []
    for what, query in QUERIES.items():
        catalog.search(query, limit=PAGE)  # the log read since the last search is empty
        found: list[int] = []
        search = lambda q=query, out=found: out.append(len(catalog.search(q, limit=PAGE).items))  # noqa: E731
        cap, took = _counted(catalog, search)
        page = found[0]
        keys = min(page + EXTRA, len(catalog._live.index.newest(query, None, page + EXTRA)))
        requests = 1 + -(-keys // BATCH)  # the log Query, and a BatchGetItem per 100 keys
        bound = keys + requests  # a unit per key read, and (moto) per request
        detail = f"{cap.rcu:.0f} RCU, {cap.requests} requests, a page of {page}"
        figures.append(
            at_most(f"search {what}, aws: RCU / the page's bound", cap.rcu / bound, 1, detail)
        )
        if page == PAGE:
            figures.append(
                at_most(f"search {what}, aws: RCU per result", cap.rcu / page, 1.5, detail)
            )
        print(f"   {what}: {detail}; {took * 1e3:.0f} ms on moto")
    cap, took = _counted(catalog, lambda: catalog._live._read_log(SearchIndex(), None))
    per_item = cap.bytes / n_moto
    figures.append(
        at_most(
            "search cold start, aws: RCU by size per 1000 items",
            cap.bytes / 4096 / 2 / n_moto * 1000,  # eventually consistent: 0.5 RCU per 4 kB
            100,
            f"log {per_item:.0f} B an item; at {n_moto}: {cap.requests} requests, {took:.1f} s "
            f"on moto",
        )
    )
    return figures


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        backend=Backend.AWS,
        bucket=env["RDRIVE_BUCKET"],
        items_table=env["RDRIVE_ITEMS_TABLE"],
        users_table=env["RDRIVE_USERS_TABLE"],
        jwt_secret="t" * 40,
    )


def aws_figures(n: int, n_moto: int, runs: int) -> list[Figure]:
    with moto_server() as endpoint:
        env = aws_env(endpoint)
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            settings = _settings(env)
            ensure_aws_resources(settings)
            store = build_storage(settings)
            t0 = time.perf_counter()
            _fill(store, library(n_moto))
            print(f"   aws: {n_moto} items written to moto in {time.perf_counter() - t0:.0f} s")
            return _index_figures(store.catalog, n, runs) + _reads_figures(store.catalog, n_moto)
        finally:
            os.environ.clear()
            os.environ.update(saved)
