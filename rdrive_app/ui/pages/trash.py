"""The Trash page: deleted items with "Restore" and "Delete forever"."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.state.trash import TrashRow, TrashState


def _row(item: ObjectVar[TrashRow]) -> rx.Component:
    """One trashed item: its buttons are named by their action and described by the file."""
    return rx.card(
        rx.hstack(
            rx.box(
                rx.cond(
                    item.thumb != "",
                    rx.el.img(
                        src=item.thumb,
                        alt=item.name,
                        loading="lazy",
                        style={
                            "width": "64px",
                            "height": "64px",
                            "object_fit": "cover",
                            "border_radius": "var(--radius-2)",
                        },
                    ),
                    rx.center(
                        rx.cond(item.kind == "video", rx.icon("film"), rx.icon("image")),
                        width="64px",
                        height="64px",
                        background="var(--gray-a3)",
                        border_radius="var(--radius-2)",
                    ),
                ),
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text(item.name, weight="medium", truncate=True, id=f"trash-{item.id}"),
                rx.text(
                    f"From {item.folder} · deleted {item.deleted}",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.button(
                "Restore",
                variant="soft",
                on_click=TrashState.restore(item.id),
                custom_attrs={"aria-describedby": f"trash-{item.id}"},
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button(
                        "Delete forever",
                        color_scheme="red",
                        variant="soft",
                        custom_attrs={"aria-describedby": f"trash-{item.id}"},
                    ),
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Delete forever?"),
                    rx.alert_dialog.description(
                        f"“{item.name}” and its files will be gone for good."
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Cancel", variant="soft", color_scheme="gray")
                        ),
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
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        width="100%",
        role="listitem",
        aria_label=item.name,
    )


def trash_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.hstack(
                rx.link("Library", href="/", size="4"),
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
            rx.cond(
                TrashState.trashed.length() > 0,
                rx.vstack(
                    rx.foreach(TrashState.trashed, _row),
                    width="100%",
                    spacing="2",
                    role="list",
                    aria_label="Trash",
                ),
                rx.text("The trash is empty.", color_scheme="gray"),
            ),
            rx.cond(
                TrashState.trash_cursor != "",
                rx.button("Load more", variant="soft", on_click=TrashState.load_more_trash),
            ),
            spacing="4",
            width="100%",
        )
    )
