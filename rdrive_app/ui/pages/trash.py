"""The Trash page: deleted items with "Restore" and "Delete forever"."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import (
    gray_button,
    listing,
    shrinking,
    soft_button,
    wrapping_row,
)
from rdrive_app.ui.components.grid import kind_icon, thumbnail
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.routes import FOLDER_ROUTE_PREFIX
from rdrive_app.ui.state.trash import TrashRow, TrashState

THUMB = "64px"


def _delete_forever(item: ObjectVar[TrashRow], described_by: dict[str, str]) -> rx.Component:
    """ "Delete forever", confirmed in an alert dialog."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            soft_button("Delete forever", color_scheme="red", custom_attrs=described_by),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete forever?"),
            rx.alert_dialog.description(f"“{item.name}” and its files will be gone for good."),
            rx.hstack(
                rx.alert_dialog.cancel(gray_button("Cancel")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete forever",
                        color_scheme="red",
                        on_click=TrashState.delete_forever(item.id),
                    ),
                ),
                justify="end",
                margin_top="1em",
            ),
        ),
    )


def _row(item: ObjectVar[TrashRow]) -> rx.Component:
    """One trashed item: its buttons are named by their action and described by the file."""
    described_by = {"aria-describedby": f"trash-{item.id}"}
    box = {"width": THUMB, "height": THUMB, "border_radius": "var(--radius-2)"}
    return rx.card(
        wrapping_row(
            rx.box(
                thumbnail(
                    item, rx.center(kind_icon(item), background="var(--gray-a3)", **box), **box
                ),
                flex_shrink="0",
            ),
            shrinking(
                rx.text(item.name, weight="medium", truncate=True, id=f"trash-{item.id}"),
                rx.text(
                    f"From {item.folder} · deleted {item.deleted}", size="1", color_scheme="gray"
                ),
                spacing="1",
            ),
            soft_button("Restore", TrashState.restore(item.id), custom_attrs=described_by),
            _delete_forever(item, described_by),
            width="100%",
        ),
        width="100%",
        role="listitem",
        aria_label=item.name,
    )


def trash_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.hstack(
                rx.link("Library", href=FOLDER_ROUTE_PREFIX, size="4"),
                rx.icon("chevron-right", size=14),
                rx.heading("Trash", size="5"),
                align="center",
            ),
            rx.text(
                "Items here are deleted for good after ",
                TrashState.retention_days.to_string(),
                " days.",
                size="2",
                color_scheme="gray",
            ),
            listing(
                TrashState.trashed,
                _row,
                empty=rx.text("The trash is empty.", color_scheme="gray"),
                width="100%",
                spacing="2",
                role="list",
                aria_label="Trash",
            ),
            rx.cond(
                TrashState.trash_cursor != "",
                soft_button("Load more", TrashState.load_more_trash),
            ),
            spacing="4",
            width="100%",
        ),
        current="Trash",
    )
