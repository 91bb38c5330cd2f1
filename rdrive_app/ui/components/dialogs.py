"""The rename and move dialogs and the Undo notice after a delete."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.state.folder import FolderRow
from rdrive_app.ui.state.organize import OrganizeState


def rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Rename"),
            rx.form(
                rx.vstack(
                    rx.el.label("New name", html_for="rename-input"),
                    rx.input(
                        id="rename-input",
                        name="name",
                        width="100%",
                        required=True,
                        default_value=OrganizeState.rename_value,
                        key=OrganizeState.rename_target,
                    ),
                    rx.cond(
                        OrganizeState.rename_error != "",
                        rx.text(
                            OrganizeState.rename_error, color_scheme="red", size="2", role="alert"
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button("Save", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=OrganizeState.submit_rename,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=OrganizeState.rename_open,
        on_open_change=OrganizeState.set_rename_open,
    )


def _picker_row(folder: ObjectVar[FolderRow]) -> rx.Component:
    return rx.button(
        rx.icon("folder", size=16),
        folder.name,
        variant="ghost",
        justify="start",
        width="100%",
        on_click=OrganizeState.picker_enter(folder.path),
        aria_label=f"Open folder {folder.name}",
    )


def move_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Move to…"),
            rx.vstack(
                rx.hstack(
                    rx.icon_button(
                        rx.icon("arrow-up", size=16),
                        variant="soft",
                        size="1",
                        aria_label="Up one folder",
                        on_click=OrganizeState.picker_up,
                        disabled=OrganizeState.picker_path == "/",
                    ),
                    rx.code(OrganizeState.picker_path),
                    align="center",
                ),
                rx.scroll_area(
                    rx.vstack(
                        rx.foreach(OrganizeState.picker_folders, _picker_row),
                        rx.cond(
                            OrganizeState.picker_folders.length() == 0,
                            rx.text("No subfolders here.", size="2", color_scheme="gray"),
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    max_height="300px",
                    type="auto",
                ),
                rx.cond(
                    OrganizeState.move_error != "",
                    rx.text(OrganizeState.move_error, color_scheme="red", size="2", role="alert"),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Move here", on_click=OrganizeState.move_here),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="440px",
        ),
        open=OrganizeState.move_open,
        on_open_change=OrganizeState.set_move_open,
    )


def undo_notice() -> rx.Component:
    return rx.cond(
        OrganizeState.undo_message != "",
        rx.callout.root(
            rx.hstack(
                rx.callout.text(OrganizeState.undo_message),
                rx.button("Undo", size="1", on_click=OrganizeState.undo_delete),
                rx.icon_button(
                    rx.icon("x", size=14),
                    size="1",
                    variant="ghost",
                    aria_label="Dismiss",
                    on_click=OrganizeState.dismiss_undo,
                ),
                align="center",
            ),
            role="status",
            width="100%",
        ),
    )
