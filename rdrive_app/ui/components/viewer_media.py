"""The viewer's picture: the photo (or video, or Live Photo) as large as the screen allows,
the stage the gestures act on (assets/rdrive_gestures.js: zoom, pan, swipe) and the
neighbours' previews decoded ahead (assets/rdrive_preload.js)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import corner_badge
from rdrive_app.ui.state.viewer import VideoSource, ViewerState

# Fills the stage; object-fit keeps the whole picture in view. The gestures script scales
# this box from its top left corner (transform-origin) when zooming.
_FIT = {
    "width": "100%",
    "height": "100%",
    "object_fit": "contain",
    "display": "block",
    "user_select": "none",
    "-webkit-user-drag": "none",
}
# Why a video cannot play yet, under the top bar (a status role: announced as it changes).
_NOTE = {"position": "absolute", "left": "0", "right": "0", "top": "72px", "text_align": "center"}
_ZOOMABLE = {**_FIT, "transform_origin": "0 0", "will_change": "transform"}


def _source(source: ObjectVar[VideoSource]) -> rx.Component:
    return rx.el.source(src=source.src, type=source.type)


def _picture_src() -> rx.Var:
    """The preview, or once zoomed the image at the original's resolution."""
    return rx.cond(ViewerState.full_src != "", ViewerState.full_src, ViewerState.image_src)


def _picture(**style: str) -> rx.Component:
    return rx.el.img(
        src=_picture_src(),
        alt=ViewerState.open_name,
        draggable=False,
        custom_attrs={"data-rdrive-picture": "1"},
        style={**_FIT, **style},
    )


def _video() -> rx.Component:
    """The player as large as the screen allows (its sources in preference order) and, while
    it cannot play yet, why."""
    return rx.box(
        rx.el.video(
            rx.foreach(ViewerState.sources, _source),
            id="rdrive-video",
            controls=True,
            preload="metadata",
            plays_inline=True,
            poster=ViewerState.poster,
            aria_label=ViewerState.open_name,
            style={"width": "100%", "height": "100%", "object_fit": "contain"},
            key=ViewerState.player_files,
        ),
        rx.cond(
            ViewerState.playback_note != "",
            rx.text(ViewerState.playback_note, size="2", role="status", style=_NOTE),
        ),
        position="relative",
        width="100%",
        # On a phone the actions' bar lies along the bottom: the player's controls above it.
        height=rx.breakpoints(initial="calc(100% - 72px)", md="100%"),
    )


def _live_photo() -> rx.Component:
    """The still, with its motion over it: played on hover and on press-and-hold
    (assets/rdrive_live.js), unless the Live toggle is off."""
    return rx.box(
        _picture(),
        rx.el.video(
            rx.el.source(src=ViewerState.motion_src, type=ViewerState.motion_type),
            muted=True,
            plays_inline=True,
            preload="auto",
            aria_label="Live Photo motion",
            custom_attrs={"data-rdrive-motion": "1"},
            style={
                **_FIT,
                "position": "absolute",
                "inset": "0",
                "opacity": "0",
                "pointer_events": "none",
                "transition": "opacity 0.15s",
            },
            key=ViewerState.open_id,
        ),
        corner_badge("Live", top="72px", left="12px"),
        custom_attrs={
            "data-rdrive-live": rx.cond(ViewerState.live_on, "on", "off"),
            "data-rdrive-zoomable": "1",
        },
        position="relative",
        style={**_ZOOMABLE, "-webkit-touch-callout": "none"},
    )


def _missing() -> rx.Component:
    """No picture yet (still processing), or a plain file: its icon and what it is."""
    return rx.vstack(
        rx.cond(
            ViewerState.open_kind == "file", rx.icon("file", size=64), rx.icon("image", size=64)
        ),
        rx.text(ViewerState.open_status),
        style={"align_items": "center", "justify_content": "center", "height": "100%"},
        color="var(--gray-11)",
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
                rx.box(_picture(), custom_attrs={"data-rdrive-zoomable": "1"}, style=_ZOOMABLE),
            ),
            _missing(),
        ),
    )


def _ahead(which: str, src: rx.Var, name: rx.Var) -> rx.Component:
    """A neighbour's preview, fetched now and decoded by rdrive_preload.js (out of sight and
    out of the accessibility tree), so → shows it at once."""
    return rx.cond(
        src != "",
        rx.el.img(
            src=src,
            alt="",
            aria_hidden="true",
            custom_attrs={"data-rdrive-preload": which, "data-rdrive-name": name},
            style={
                "position": "absolute",
                "width": "1px",
                "height": "1px",
                "opacity": "0",
                "pointer_events": "none",
                "left": "0",
                "top": "0",
            },
        ),
    )


def stage() -> rx.Component:
    """Where the picture is: the gestures' surface. A double-click (or the first pinch) asks
    for the image at the original's resolution."""
    return rx.box(
        _media(),
        _ahead("prev", ViewerState.prev_src, ViewerState.prev_name),
        _ahead("next", ViewerState.next_src, ViewerState.next_name),
        custom_attrs={
            "data-rdrive-stage": "1",
            "data-rdrive-item": ViewerState.open_id,
            "data-rdrive-zoom-width": ViewerState.zoom_width.to_string(),
        },
        on_double_click=ViewerState.load_full,
        position="absolute",
        inset="0",
        overflow="hidden",
        style={"touch_action": "none", "overscroll_behavior": "contain"},
    )
