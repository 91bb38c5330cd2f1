"""A folder's or a search's grid: its tiles in justified rows (``TileGrid``, the timeline's
tiles and rows: ``assets/rdrive_grid.jsx``) and the "Load more" sentinel; and the pieces the
Trash's rows share with them (a thumbnail, a kind's icon)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import soft_button
from rdrive_app.ui.components.timeline import TileGrid
from rdrive_app.ui.state.folder import FolderState, ItemRow
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.viewer import ViewerState


def kind_icon(item: ObjectVar[ItemRow], size: int | None = None) -> rx.Component:
    """A film for a video, a picture for a photo, a sheet for any other file."""
    sized = {} if size is None else {"size": size}
    return rx.match(
        item.kind,
        ("video", rx.icon("film", **sized)),
        ("file", rx.icon("file", **sized)),
        rx.icon("image", **sized),
    )


FIRST_SCREEN = 48  # tiles a large screen shows before any scrolling


def thumbnail(
    item: ObjectVar[ItemRow], fallback: rx.Component, index: Any = None, **style: str
) -> rx.Component:
    """The item's thumbnail (cropped to ``style``'s box), or ``fallback`` while it has none.

    The first screen's thumbnails (``index`` below FIRST_SCREEN) load at once, at high
    priority; the rest lazily, as they come near. A lazy image waits for layout before it is
    even requested, which a folder opened by its URL felt (bench/first_paint.py)."""
    loading: Any = "lazy"
    priority: Any = "auto"
    if index is not None:
        first = index < FIRST_SCREEN
        loading, priority = rx.cond(first, "eager", "lazy"), rx.cond(first, "high", "auto")
    return rx.cond(
        item.thumb != "",
        rx.el.img(
            src=item.thumb,
            alt=item.name,
            loading=loading,
            custom_attrs={"fetchPriority": priority},  # not a prop Reflex knows of
            decoding="async",
            style={**style, "object_fit": "cover"},
        ),
        fallback,
    )


def grid(state: Any = FolderState, label: str = "Items", movable: bool = False) -> rx.Component:
    """``state``'s tiles (a folder's, a search's: both have ``items``, ``selected`` and
    ``toggle_select``), and the "Load more" sentinel while it has more. ``movable`` tiles can
    be dragged onto a folder of the page."""
    moves = {"on_move_to": OrganizeState.move_dropped} if movable else {}
    return rx.vstack(
        TileGrid.create(
            tiles=state.items,
            selected=state.selected,
            label=label,
            on_open=ViewerState.open_item,
            on_toggle=state.toggle_select,
            on_favorite=ViewerState.favorite_tile,
            on_select_many=OrganizeState.select_tiles,
            **moves,
        ),
        rx.cond(
            state.has_more,
            soft_button(
                "Load more",
                state.load_more,
                custom_attrs={"data-rdrive-load-more": "1"},
                loading=state.loading_more,
            ),
        ),
        width="100%",
        align="center",
        spacing="4",
    )
