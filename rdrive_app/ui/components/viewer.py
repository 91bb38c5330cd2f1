"""The full-screen viewer: preview image or video, ← →, Esc, Download, and the info panel."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import (
    gray_button,
    icon_button,
    labelled_button,
    shrinking,
)
from rdrive_app.ui.components.dialogs import delete_button, move_button, rename_button
from rdrive_app.ui.state.viewer import InfoRow, ViewerState


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


def _media() -> rx.Component:
    return rx.cond(
        ViewerState.open_kind == "video",
        rx.el.video(
            rx.el.source(src=ViewerState.video_src),
            id="rdrive-video",
            controls=True,
            preload="metadata",
            poster=ViewerState.poster,
            aria_label=ViewerState.open_name,
            style={"max_width": "100%", "max_height": "100%", "background": "black"},
            key=ViewerState.open_id,
        ),
        rx.cond(
            ViewerState.image_src != "",
            rx.el.img(
                src=ViewerState.image_src,
                alt=ViewerState.open_name,
                style={"max_width": "100%", "max_height": "100%", "object_fit": "contain"},
            ),
            rx.vstack(
                rx.icon("image", size=64),
                rx.text(ViewerState.open_status),
                align="center",
                color="var(--gray-9)",
            ),
        ),
    )


def viewer() -> rx.Component:
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
                            rx.dialog.close(gray_button("Close", on_click=ViewerState.close)),
                            wrap="wrap",
                        ),
                        rx.hstack(rename_button(), move_button(), delete_button(), wrap="wrap"),
                        rx.separator(size="4"),
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
