"""The grid of tiles: a thumbnail (or a type icon with the status), the name, a video badge,
the selection's tick and the favourite's heart."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import corner_badge, soft_button
from rdrive_app.ui.state.folder import FolderState, ItemRow, TileRow
from rdrive_app.ui.state.viewer import ViewerState

TILE_MIN = "150px"


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


def _type_icon(item: ObjectVar[TileRow]) -> rx.Component:
    return rx.vstack(
        kind_icon(item, size=36),
        rx.text(
            item.status_label,
            size="1",
            color_scheme="gray",
            align="center",
            style={"overflow_wrap": "anywhere"},
        ),
        align="center",
        justify="center",
        height="100%",
        width="100%",
        padding="0.5em",
        color="var(--gray-10)",
    )


def heart(item: ObjectVar[TileRow]) -> rx.Component:
    """The tile's heart: pressed for a favourite; shown on hover or focus, or when pressed
    (assets/rdrive_tiles.css). The timeline's tiles have the same (assets/rdrive_timeline.jsx)."""
    return rx.el.button(
        rx.icon("heart", size=16, color="white", fill=rx.cond(item.favorite, "white", "none")),
        type="button",
        class_name="rdrive-heart",
        aria_label=f"Favourite {item.name}",
        aria_pressed=rx.cond(item.favorite, "true", "false"),
        on_click=ViewerState.favorite_tile(item.id, ~item.favorite),
        style={
            "all": "unset",
            "position": "absolute",
            "top": "6px",
            "right": "6px",
            "width": "28px",
            "height": "28px",
            "display": "flex",
            "align_items": "center",
            "justify_content": "center",
            "cursor": "pointer",
            "border_radius": "50%",
            "background": "rgba(0, 0, 0, 0.35)",
        },
    )


def tile(item: ObjectVar[TileRow], state: Any = FolderState, index: Any = None) -> rx.Component:
    """One tile of ``state``'s grid (a folder's, a search's: both have ``selected`` and
    ``toggle_select``); ``index`` is its place in the grid."""
    selected = state.selected.contains(item.id)
    return rx.box(
        rx.el.button(
            thumbnail(item, _type_icon(item), index, width="100%", height="100%", display="block"),
            rx.cond(
                item.kind == "video",
                corner_badge(rx.icon("play", size=12), item.duration, bottom="6px", right="6px"),
            ),
            rx.cond(item.live, corner_badge("Live", bottom="6px", right="6px")),
            type="button",
            aria_label=item.name,
            title=item.name,
            on_click=ViewerState.open_item(item.id),
            style={
                "all": "unset",
                "cursor": "pointer",
                "display": "block",
                "width": "100%",
                "aspect_ratio": "1 / 1",
                "background": "var(--gray-a3)",
                "position": "relative",
                "border_radius": "var(--radius-3)",
                "overflow": "hidden",
            },
        ),
        rx.el.input(
            type="checkbox",
            checked=selected,
            aria_label=f"Select {item.name}",
            on_click=lambda e: state.toggle_select(item.id, e["shift_key"]),
            read_only=True,
            style={
                "position": "absolute",
                "top": "8px",
                "left": "8px",
                "width": "20px",
                "height": "20px",
                "cursor": "pointer",
                "accent_color": "var(--accent-9)",
            },
        ),
        rx.cond(item.kind != "file", heart(item)),  # a plain file is never a favourite
        rx.text(item.name, size="1", truncate=True, margin_top="4px", title=item.name),
        class_name="rdrive-tile",
        position="relative",
        outline=rx.cond(selected, "3px solid var(--accent-9)", "none"),
        border_radius="var(--radius-3)",
        min_width="0",
    )


def grid(state: Any = FolderState) -> rx.Component:
    """``state``'s tiles, and the "Load more" sentinel while it has more."""
    return rx.vstack(
        rx.grid(
            rx.foreach(state.items, lambda item, index: tile(item, state, index)),
            columns=f"repeat(auto-fill, minmax({TILE_MIN}, 1fr))",
            gap="0.75em",
            width="100%",
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
