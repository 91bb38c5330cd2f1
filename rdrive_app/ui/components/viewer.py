"""The full-screen viewer: preview image or video, ← →, Esc, Download, and the info panel."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.albums import add_to_album_button
from rdrive_app.ui.components.controls import (
    corner_badge,
    form_dialog,
    gray_button,
    icon_button,
    labelled_button,
    shrinking,
    soft_button,
    toggle_button,
)
from rdrive_app.ui.components.dialogs import delete_button, move_button, rename_button
from rdrive_app.ui.components.tags import describe_panel
from rdrive_app.ui.state.edits import EditState
from rdrive_app.ui.state.viewer import InfoRow, VideoSource, ViewerState


def _info_row(row: ObjectVar[InfoRow]) -> rx.Component:
    return rx.box(
        rx.text(row.label, size="1", color_scheme="gray"),
        rx.cond(
            row.href != "",
            rx.link(
                row.value,
                " ↗",
                href=row.href,
                is_external=True,
                size="2",
                aria_label="Show on map",
            ),
            rx.text(row.value, size="2", style={"overflow_wrap": "anywhere"}),
        ),
    )


def _source(source: ObjectVar[VideoSource]) -> rx.Component:
    return rx.el.source(src=source.src, type=source.type)


_FILL = {"max_width": "100%", "max_height": "100%"}


def _video() -> rx.Component:
    """The player (its sources in preference order) and, while it cannot play yet, why."""
    return rx.vstack(
        rx.el.video(
            rx.foreach(ViewerState.sources, _source),
            id="rdrive-video",
            controls=True,
            preload="metadata",
            plays_inline=True,
            poster=ViewerState.poster,
            aria_label=ViewerState.open_name,
            style={**_FILL, "background": "black", "min_height": "0"},
            key=ViewerState.player_files,
        ),
        rx.cond(
            ViewerState.playback_note != "",
            rx.text(ViewerState.playback_note, size="2", role="status", aria_live="polite"),
        ),
        align="center",
        max_height="100%",
        max_width="100%",
    )


def _live_photo() -> rx.Component:
    """The still, with its motion over it: played on hover and on press-and-hold
    (assets/rdrive_live.js), unless the Live toggle is off."""
    return rx.box(
        rx.el.img(
            src=ViewerState.image_src,
            alt=ViewerState.open_name,
            draggable=False,
            style={**_FILL, "object_fit": "contain", "display": "block", "user_select": "none"},
        ),
        rx.el.video(
            rx.el.source(src=ViewerState.motion_src, type=ViewerState.motion_type),
            muted=True,
            plays_inline=True,
            preload="auto",
            aria_label="Live Photo motion",
            custom_attrs={"data-rdrive-motion": "1"},
            style={
                "position": "absolute",
                "inset": "0",
                "width": "100%",
                "height": "100%",
                "object_fit": "contain",
                "opacity": "0",
                "pointer_events": "none",
                "transition": "opacity 0.15s",
            },
            key=ViewerState.open_id,
        ),
        corner_badge("Live", top="8px", left="8px"),
        custom_attrs={"data-rdrive-live": rx.cond(ViewerState.live_on, "on", "off")},
        position="relative",
        max_width="100%",
        max_height="100%",
        style={"touch_action": "manipulation", "-webkit-touch-callout": "none"},
    )


def _media() -> rx.Component:
    return rx.cond(
        ViewerState.open_kind == "video",
        _video(),
        rx.cond(
            ViewerState.image_src != "",
            rx.cond(
                ViewerState.motion_src != "",
                _live_photo(),
                rx.el.img(
                    src=ViewerState.image_src,
                    alt=ViewerState.open_name,
                    style={**_FILL, "object_fit": "contain"},
                ),
            ),
            rx.vstack(
                rx.cond(
                    ViewerState.open_kind == "file",
                    rx.icon("file", size=64),
                    rx.icon("image", size=64),
                ),
                rx.text(ViewerState.open_status),
                align="center",
                color="var(--gray-9)",
            ),
        ),
    )


def _live_toggle() -> rx.Component:
    return rx.cond(
        ViewerState.motion_src != "",
        toggle_button(
            rx.icon("circle-dot", size=16),
            "Live",
            ViewerState.live_on,
            color_scheme="gray",
            on_click=ViewerState.toggle_live,
        ),
    )


_DATE = {"type": "datetime-local", "step": "1"}  # seconds too: what EditState fills in


def _edit_buttons() -> rx.Component:
    """Turn a photo a quarter right; set the date taken (and its dialog)."""
    return rx.hstack(
        rx.cond(
            ViewerState.open_kind == "image",
            labelled_button(
                "Rotate", icon="rotate-cw", variant="soft", on_click=EditState.turn_right
            ),
        ),
        soft_button("Edit date", EditState.start_edit_date),
        form_dialog("Date taken", "Date and time taken", "date-input", EditState, "date", **_DATE),
        wrap="wrap",
    )


def _favourite_toggle() -> rx.Component:
    """The heart: pressed for a favourite (key F, assets/rdrive_keys.js)."""
    return toggle_button(
        rx.icon("heart", size=16, fill=rx.cond(ViewerState.favorite, "currentColor", "none")),
        "Favourite",
        ViewerState.favorite,
        color_scheme="tomato",
        aria_keyshortcuts="F",
        on_click=ViewerState.toggle_favorite,
    )


def viewer(*extra: rx.Component) -> rx.Component:
    """The viewer; ``extra`` are actions the page adds (an album's "Set as cover")."""
    nav: dict[str, Any] = {
        "variant": "soft",
        "color_scheme": "gray",
        "size": "3",
        "high_contrast": True,
    }
    return rx.dialog.root(
        rx.dialog.content(
            rx.el.div(
                rx.dialog.title(ViewerState.open_name, size="3", truncate=True, margin="0"),
                rx.dialog.description(
                    "Photo or video viewer",
                    class_name="sr-only",
                    style={
                        "position": "absolute",
                        "width": "1px",
                        "height": "1px",
                        "overflow": "hidden",
                        "clip": "rect(0 0 0 0)",
                    },
                ),
                rx.flex(
                    shrinking(
                        icon_button("chevron-left", "Previous", ViewerState.show_previous, **nav),
                        shrinking(_media(), stack=rx.center, height="100%"),
                        icon_button("chevron-right", "Next", ViewerState.show_next, **nav),
                        stack=rx.flex,
                        align="center",
                        gap="2",
                        height="100%",
                    ),
                    rx.vstack(
                        rx.hstack(
                            labelled_button(
                                "Download",
                                icon="download",
                                on_click=ViewerState.download_open,
                                disabled=~ViewerState.can_download,
                            ),
                            rx.cond(ViewerState.open_kind != "file", _favourite_toggle()),
                            _live_toggle(),
                            rx.dialog.close(gray_button("Close", on_click=ViewerState.close)),
                            wrap="wrap",
                        ),
                        rx.hstack(
                            rx.cond(ViewerState.open_kind != "file", add_to_album_button()),
                            *extra,
                            rename_button(),
                            move_button(),
                            delete_button(),
                            wrap="wrap",
                        ),
                        # A plain file has no date taken, caption or tags (never in search).
                        rx.cond(ViewerState.open_kind != "file", _edit_buttons()),
                        rx.separator(size="4"),
                        rx.cond(ViewerState.open_kind != "file", describe_panel()),
                        rx.foreach(ViewerState.info, _info_row),
                        width=["100%", "100%", "280px"],
                        flex_shrink="0",
                        spacing="3",
                        aria_label="Info",
                        role="complementary",
                    ),
                    direction=rx.breakpoints(initial="column", md="row"),
                    gap="4",
                    height="calc(100% - 40px)",
                ),
                custom_attrs={"data-rdrive-viewer": "1"},
                style={"height": "100%", "outline": "none"},
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
                "padding": "16px",
                "overflow": "auto",
                "background": "var(--color-background)",
                "animation": "none",
            },
        ),
        open=ViewerState.is_open,
        on_open_change=ViewerState.set_open,
    )
