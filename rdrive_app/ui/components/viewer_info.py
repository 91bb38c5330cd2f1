"""The viewer's info panel (key I): name, date, camera, lens, the place in words with its map
link, size, albums, the description and tags, and the rarer actions (Edit date, Rename, Move,
the page's own). Beside the picture on a wide screen, a sheet over its lower part on a phone."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import form_dialog, icon_button, soft_button
from rdrive_app.ui.components.dialogs import move_button, rename_button
from rdrive_app.ui.components.tags import describe_panel
from rdrive_app.ui.state.edits import EditState
from rdrive_app.ui.state.viewer import InfoRow, ViewerState

PANEL_WIDTH = "360px"
_HIDE: dict[str, Any] = {
    "variant": "ghost",
    "color_scheme": "gray",
    "size": "3",
    "style": {"min_width": "44px", "min_height": "44px"},
}
_DATE = {"type": "datetime-local", "step": "1"}  # seconds too: what EditState fills in


def _info_row(row: ObjectVar[InfoRow]) -> rx.Component:
    return rx.box(
        rx.text(row.label, size="1", color_scheme="gray"),
        rx.cond(row.value != "", rx.text(row.value, size="2", style={"overflow_wrap": "anywhere"})),
        rx.cond(
            row.href != "",
            rx.link(
                rx.icon("map-pin", size=14),
                "Show on map",
                href=row.href,
                is_external=True,
                size="2",
                style={"display": "inline-flex", "gap": "4px", "align_items": "center"},
            ),
        ),
        width="100%",
    )


def _actions(*extra: rx.Component) -> rx.Component:
    """Edit date (and its dialog), Rename, Move and the page's own actions."""
    return rx.hstack(
        rx.cond(
            ViewerState.open_kind != "file",
            rx.fragment(
                soft_button("Edit date", EditState.start_edit_date, icon="calendar"),
                form_dialog(
                    "Date taken", "Date and time taken", "date-input", EditState, "date", **_DATE
                ),
            ),
        ),
        rename_button(),
        move_button(),
        *extra,
        wrap="wrap",
        spacing="2",
    )


def info_panel(*extra: rx.Component) -> rx.Component:
    """The panel, shown while ``ViewerState.info_open``."""
    return rx.cond(
        ViewerState.info_open,
        rx.vstack(
            rx.hstack(
                rx.heading("Info", size="4", as_="h2"),
                icon_button("x", "Hide info", ViewerState.toggle_info, **_HIDE),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.foreach(ViewerState.info, _info_row),
            rx.cond(ViewerState.open_kind != "file", describe_panel()),
            _actions(*extra),
            role="complementary",
            aria_label="Info",
            spacing="3",
            padding="16px",
            padding_bottom="calc(16px + env(safe-area-inset-bottom))",
            overflow_y="auto",
            background="var(--gray-2)",
            position="absolute",
            z_index="3",
            style={
                "right": "0",
                "bottom": "0",
                "top": rx.breakpoints(initial="auto", md="0"),
                "left": rx.breakpoints(initial="0", md="auto"),
                "width": rx.breakpoints(initial="100%", md=PANEL_WIDTH),
                "max_height": rx.breakpoints(initial="62dvh", md="none"),
                "border_radius": rx.breakpoints(initial="16px 16px 0 0", md="0"),
                "box_shadow": "0 -8px 24px rgba(0, 0, 0, 0.5)",
            },
        ),
    )
