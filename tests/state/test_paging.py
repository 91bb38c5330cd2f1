"""The paged-listing helper both the folder grid and the Trash use (ui/state/paging.py)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses

from rdrive_app.core.listing import Page
from rdrive_app.ui.state.paging import load_page


@dataclasses.dataclass
class _Item:
    id: str


@dataclasses.dataclass
class _Row:
    id: str


def _lister(pages: dict[str | None, Page], calls: list[dict]):
    def list_page(**query):
        calls.append(query)
        return pages[query["cursor"]]

    return list_page


def _run(coro):
    # A thread of its own: Playwright may own this worker's event loop (tests/handler_calls.py).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_first_page_replaces_and_a_later_one_adds_only_new_rows():
    pages = {
        None: Page(items=[_Item("a"), _Item("b")], next_cursor="c1"),
        "c1": Page(items=[_Item("b"), _Item("c")], next_cursor=None),
    }
    calls: list[dict] = []
    lister = _lister(pages, calls)
    to_row = lambda item: _Row(item.id)  # noqa: E731
    rows, cursor = _run(load_page([_Row("old")], lister, to_row, cursor=None, limit=2, kind="all"))
    assert [r.id for r in rows] == ["a", "b"] and cursor == "c1"
    rows, cursor = _run(load_page(rows, lister, to_row, cursor=cursor, limit=2))
    assert [r.id for r in rows] == ["a", "b", "c"] and cursor == ""
    assert calls == [{"cursor": None, "limit": 2, "kind": "all"}, {"cursor": "c1", "limit": 2}]
