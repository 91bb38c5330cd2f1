"""The full-screen viewer: preview image or video, ← →, Esc, Download, and the info panel."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.state.organize import OrganizeState
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
    nav = {"variant": "soft", "color_scheme": "gray", "size": "3", "high_contrast": True}
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
                    rx.flex(
                        rx.icon_button(
                            rx.icon("chevron-left"),
                            aria_label="Previous",
                            on_click=ViewerState.show_previous,
                            **nav,
                        ),
                        rx.center(_media(), flex="1", min_width="0", height="100%"),
                        rx.icon_button(
                            rx.icon("chevron-right"),
                            aria_label="Next",
                            on_click=ViewerState.show_next,
                            **nav,
                        ),
                        align="center",
                        gap="2",
                        flex="1",
                        min_width="0",
                        height="100%",
                    ),
                    rx.vstack(
                        rx.hstack(
                            rx.button(
                                rx.icon("download", size=16),
                                "Download",
                                on_click=ViewerState.download_open,
                                disabled=~ViewerState.can_download,
                            ),
                            rx.dialog.close(
                                rx.button(
                                    "Close",
                                    variant="soft",
                                    color_scheme="gray",
                                    on_click=ViewerState.close,
                                )
                            ),
                            wrap="wrap",
                        ),
                        rx.hstack(
                            rx.button(
                                "Rename",
                                variant="soft",
                                on_click=OrganizeState.start_rename_selected,
                            ),
                            rx.button(
                                "Move", variant="soft", on_click=OrganizeState.start_move_selected
                            ),
                            rx.button(
                                "Delete",
                                variant="soft",
                                color_scheme="red",
                                on_click=OrganizeState.delete_selected,
                            ),
                            wrap="wrap",
                        ),
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
