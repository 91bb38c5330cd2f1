"""Selecting tiles, the one rule for every grid (a folder's, a search's, the timeline's)."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol


class Selectable(Protocol):
    """A grid's state: its tiles' ids, the ticked ones and the last one ticked."""

    selected: list[str]
    _anchor: str

    def _item_ids(self) -> list[str]: ...


def toggled(
    selected: list[str], ids: list[str], anchor: str, item_id: str, shift: bool
) -> list[str]:
    """The selection after a tick on ``item_id``: with shift, every tile between the last
    ticked one (``anchor``) and this one joins it; without, this one flips."""
    if shift and anchor in ids:
        a, b = sorted((ids.index(anchor), ids.index(item_id)))
        chosen = set(selected) | set(ids[a : b + 1])
        return [i for i in ids if i in chosen]
    if item_id in selected:
        return [i for i in selected if i != item_id]
    return [*selected, item_id]


def joined(selected: list[str], ids: list[str], more: list[str]) -> list[str]:
    """The selection with ``more`` (tiles a band crossed) added, in the grid's order."""
    chosen = set(selected) | set(more)
    return [i for i in ids if i in chosen]


def toggle_in(grid: Selectable, item_id: object, shift: object) -> None:
    """A tick on one of ``grid``'s tiles (an id it does not show changes nothing)."""
    ids = grid._item_ids()
    if not isinstance(item_id, str) or item_id not in ids:
        return
    grid.selected = toggled(grid.selected, ids, grid._anchor, item_id, bool(shift))
    grid._anchor = item_id


class _Grid(Selectable, Protocol):
    items: list[Any]


def drop_from(grid: _Grid, gone: set[str]) -> None:
    """Tiles that left a grid (trashed, moved away) leave its rows and its selection."""
    grid.items = [r for r in grid.items if r.id not in gone]
    grid.selected = [i for i in grid.selected if i not in gone]


def hearted(rows: list[Any], item_id: str, on: bool) -> list[Any]:
    """The rows (dataclasses with ``id`` and ``favorite``) with one tile's heart following
    its item."""
    return [dataclasses.replace(r, favorite=on) if r.id == item_id else r for r in rows]
