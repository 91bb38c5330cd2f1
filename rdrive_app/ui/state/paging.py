"""Paged listings in state: fetch one page off the event loop, then replace or extend the rows.

The folder grid (``FolderState``) and the Trash (``TrashState``) keep only the pages shown so
far and a cursor for the next one; this is the one place that turns a page into their rows.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.listing import Page


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Row = TypeVar("Row", bound=_HasId)


async def load_page(
    rows: list[Row],
    list_page: Callable[..., Page],
    to_row: Callable[[MediaItem], Row],
    *,
    cursor: str | None,
    **query: Any,
) -> tuple[list[Row], str]:
    """The rows after fetching ``list_page(cursor=cursor, **query)`` and the next cursor ("" at
    the end): the first page (no cursor) replaces ``rows``; a later one adds the items not
    already shown."""
    page = await asyncio.to_thread(functools.partial(list_page, cursor=cursor, **query))
    if cursor is None:
        return [to_row(i) for i in page.items], page.next_cursor or ""
    known = {r.id for r in rows}
    return rows + [to_row(i) for i in page.items if i.id not in known], page.next_cursor or ""
