"""The viewer: a dark full-screen overlay over the grid (which keeps its place underneath),
the picture as large as the screen allows, a slim bar of controls that fades while the mouse
rests (on a phone the actions sit in a bar at the bottom, within a thumb's reach), ← → between
the grid's items, the info panel on I and the list of shortcuts on ?.

The picture and its gestures are ``viewer_media.py``, the info panel ``viewer_info.py``; the
keys are assets/rdrive_keys.js, zoom, pan and swipes assets/rdrive_gestures.js, the
neighbours decoded ahead assets/rdrive_preload.js.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rdrive_app.ui.components.controls import icon_button
from rdrive_app.ui.components.viewer_info import PANEL_WIDTH, info_panel
from rdrive_app.ui.components.viewer_media import stage
from rdrive_app.ui.state.albums import AlbumState
from rdrive_app.ui.state.edits import EditState
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.viewer import ViewerState

BACKGROUND = "#0b0b0c"  # near black, as every photo app's viewer
# Each control at least 44 px square: a thumb's target on a phone.
_TARGET = {"min_width": "44px", "min_height": "44px"}
_BAR_BUTTON: dict[str, Any] = {
    "variant": "ghost",
    "color_scheme": "gray",
    "high_contrast": True,
    "size": "3",
    "radius": "full",
    "style": _TARGET,
}
_FADES = {"transition": "opacity 0.25s"}  # the gestures script fades the bars while idle
_WIDE_ONLY = {"display": rx.breakpoints(initial="none", md="flex")}

SHORTCUTS = (
    ("← →", "Previous / next photo"),
    ("Esc", "Close"),
    ("I", "Show or hide the info"),
    ("F", "Favourite"),
    ("Del", "Move to the trash"),
    ("+ −", "Zoom in / out (or double-click, Ctrl + wheel)"),
    ("?", "This list"),
)


def _bar_button(icon: str, label: str, on_click: Any = None, **props: Any) -> rx.Component:
    return icon_button(icon, label, on_click, **{**_BAR_BUTTON, **props})


def _shortcuts() -> rx.Component:
    """? lists the keys (its trigger in the bar, on a wide screen only)."""
    rows = [
        rx.table.row(rx.table.cell(rx.code(key, variant="outline")), rx.table.cell(what))
        for key, what in SHORTCUTS
    ]
    return rx.dialog.root(
        rx.dialog.trigger(
            _bar_button("keyboard", "Keyboard shortcuts", aria_keyshortcuts="?"),
        ),
        rx.dialog.content(
            rx.dialog.title("Keyboard shortcuts"),
            rx.table.root(rx.table.body(*rows), size="1"),
            rx.hstack(
                rx.dialog.close(rx.button("Done", variant="soft", style=_TARGET)),
                justify="end",
                margin_top="12px",
            ),
            max_width="420px",
        ),
    )


def _favourite() -> rx.Component:
    """The heart: pressed for a favourite (key F, assets/rdrive_keys.js)."""
    return rx.icon_button(
        rx.icon("heart", fill=rx.cond(ViewerState.favorite, "currentColor", "none")),
        aria_label="Favourite",
        aria_pressed=ViewerState.favorite,
        aria_keyshortcuts="F",
        on_click=ViewerState.toggle_favorite,
        **{**_BAR_BUTTON, "color_scheme": rx.cond(ViewerState.favorite, "tomato", "gray")},
    )


def _live() -> rx.Component:
    """Live Photo motion on hover and press, or not."""
    return rx.cond(
        ViewerState.motion_src != "",
        rx.button(
            rx.icon("circle-dot", size=16),
            "Live",
            aria_pressed=ViewerState.live_on,
            on_click=ViewerState.toggle_live,
            type="button",
            **{**_BAR_BUTTON, "variant": rx.cond(ViewerState.live_on, "soft", "ghost")},
        ),
    )


def _actions() -> rx.Component:
    """The main actions: in the top bar on a wide screen, in a bottom bar on a phone."""
    media = ViewerState.open_kind != "file"
    return rx.hstack(
        _live(),
        rx.cond(
            ViewerState.open_kind == "image",
            _bar_button("rotate-cw", "Rotate", EditState.turn_right),
        ),
        rx.cond(media, _bar_button("plus", "Add to album", AlbumState.start_add_selected)),
        rx.cond(media, _favourite()),
        _bar_button(
            "download",
            "Download",
            ViewerState.download_open,
            disabled=~ViewerState.can_download,
        ),
        _bar_button("trash-2", "Delete", OrganizeState.delete_selected, aria_keyshortcuts="Delete"),
        spacing="1",
        align="center",
        justify=rx.breakpoints(initial="center", md="end"),
        style={
            "position": rx.breakpoints(initial="fixed", md="static"),
            "left": "0",
            "right": "0",
            "bottom": "0",
            "padding": rx.breakpoints(
                initial="8px 8px calc(8px + env(safe-area-inset-bottom))", md="0"
            ),
            "background": rx.breakpoints(
                initial="linear-gradient(to top, rgba(0,0,0,0.75), rgba(0,0,0,0))",
                md="none",
            ),
            "gap": rx.breakpoints(initial="4px", md="2px"),
        },
    )


def _top_bar() -> rx.Component:
    """Close, the name (the dialog's title), zoom and shortcuts, Info, then the actions."""
    return rx.hstack(
        rx.dialog.close(_bar_button("x", "Close", ViewerState.close)),
        rx.dialog.title(
            ViewerState.open_name, size="3", weight="medium", truncate=True, margin="0", flex="1"
        ),
        rx.dialog.description(
            "Photo or video viewer",
            style={
                "position": "absolute",
                "width": "1px",
                "height": "1px",
                "overflow": "hidden",
                "clip": "rect(0 0 0 0)",
            },
        ),
        rx.hstack(
            rx.cond(
                ViewerState.image_src != "",
                rx.fragment(
                    _bar_button("zoom-out", "Zoom out"),
                    _bar_button("zoom-in", "Zoom in", ViewerState.load_full),
                ),
            ),
            _shortcuts(),
            spacing="1",
            style=_WIDE_ONLY,
        ),
        _bar_button(
            "info",
            "Info",
            ViewerState.toggle_info,
            aria_pressed=ViewerState.info_open,
            aria_keyshortcuts="I",
        ),
        _actions(),
        custom_attrs={"data-rdrive-bar": "top"},
        align="center",
        spacing="2",
        style={
            **_FADES,
            "position": "absolute",
            "top": "0",
            "left": "0",
            "z_index": "2",
            "padding": "calc(8px + env(safe-area-inset-top)) 12px 8px",
            "right": _beside_info(),
            "background": "linear-gradient(to bottom, rgba(0,0,0,0.7), rgba(0,0,0,0))",
        },
    )


def _beside_info() -> Any:
    """How far the picture and its bar stop short of the right edge: on a wide screen the
    info panel stands beside them; on a phone it lies over the picture."""
    return rx.breakpoints(initial="0", md=rx.cond(ViewerState.info_open, PANEL_WIDTH, "0"))


def _step(icon: str, label: str, handler: Any, side: str) -> rx.Component:
    """Previous / Next at the picture's edges (on a phone a swipe steps; ← → everywhere)."""
    return rx.box(
        _bar_button(icon, label, handler, variant="soft", size="4"),
        custom_attrs={"data-rdrive-bar": "step"},
        position="absolute",
        top="50%",
        z_index="1",
        style={**_FADES, side: "12px", "transform": "translateY(-50%)", **_WIDE_ONLY},
    )


def viewer(*extra: rx.Component) -> rx.Component:
    """The viewer; ``extra`` are actions the page adds (an album's "Set as cover"), in the
    info panel."""
    picture = rx.box(
        stage(),
        _step("chevron-left", "Previous", ViewerState.show_previous, "left"),
        _step("chevron-right", "Next", ViewerState.show_next, "right"),
        position="absolute",
        top="0",
        left="0",
        bottom="0",
        style={"right": _beside_info()},
    )
    return rx.dialog.root(
        rx.dialog.content(
            # Radix Themes' dark tokens for what is inside, whatever the page's own mode.
            rx.el.div(
                _top_bar(),  # first: Close takes the focus when the viewer opens
                picture,
                info_panel(*extra),
                class_name="dark-theme",
                # The accent again, so its shades are taken from the dark tokens too.
                custom_attrs={"data-rdrive-viewer": "1", "data-accent-color": "indigo"},
                style={
                    "position": "absolute",
                    "inset": "0",
                    "outline": "none",
                    "color": "var(--gray-12)",
                    "color_scheme": "dark",
                },
            ),
            style={
                "position": "fixed",
                "inset": "0",
                "width": "100vw",
                "height": "100dvh",
                "max_width": "none",
                "max_height": "none",
                "margin": "0",
                "border_radius": "0",
                "padding": "0",
                "overflow": "hidden",
                "background": BACKGROUND,
                "color": "white",
                "box_shadow": "none",
                "animation": "none",
            },
        ),
        open=ViewerState.is_open,
        on_open_change=ViewerState.set_open,
    )
