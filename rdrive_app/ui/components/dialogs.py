"""The rename and move dialogs, the actions on a selection (Download ZIP, Add to album, Move,
Rename, Delete) and the Undo notice."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.albums import add_to_album_button
from rdrive_app.ui.components.controls import (
    choice_list,
    choice_row,
    dialog_buttons,
    dialog_frame,
    error_line,
    form_dialog,
    gray_button,
    icon_button,
    labelled_button,
    soft_button,
    wrapping_row,
)
from rdrive_app.ui.components.tags import tag_selection_buttons
from rdrive_app.ui.state.edits import EditState
from rdrive_app.ui.state.folder import FolderRow
from rdrive_app.ui.state.organize import OrganizeState


def rename_button() -> rx.Component:
    """Rename the open item or the one selected tile."""
    return soft_button("Rename", OrganizeState.start_rename_selected)


def move_button() -> rx.Component:
    """Move the open item or the selected tiles (opens the move dialog)."""
    return soft_button("Move", OrganizeState.start_move_selected)


def delete_button() -> rx.Component:
    """Move the open item or the selected tiles to the trash."""
    return soft_button("Delete", OrganizeState.delete_selected, color_scheme="red")


def selection_actions(count: Any, on_clear: Any, *extra: rx.Component) -> rx.Component:
    """What the selected tiles of a grid (a folder's, the timeline's, an album's) can have
    done to them; ``extra`` are the page's own."""
    return rx.cond(
        count > 0,
        wrapping_row(
            rx.text(count.to_string() + " selected", size="2"),
            labelled_button(
                "Download ZIP", icon="archive", on_click=OrganizeState.download_selected
            ),
            add_to_album_button(),
            *extra,
            tag_selection_buttons(),
            move_button(),
            rx.cond(count == 1, rename_button()),
            soft_button("Shift dates", EditState.start_shift),
            delete_button(),
            rx.button("Clear selection", variant="ghost", on_click=on_clear),
            form_dialog(
                "Shift dates",
                "Shift by (hours, or hours:minutes)",
                "shift-input",
                EditState,
                "shift",
                placeholder="-3 or +1:30",
            ),
        ),
    )


def rename_dialog() -> rx.Component:
    return form_dialog("Rename", "New name", "rename-input", OrganizeState, "rename")


def _picker_row(folder: ObjectVar[FolderRow]) -> rx.Component:
    return choice_row(
        "folder",
        folder.name,
        OrganizeState.picker_enter(folder.path),
        f"Open folder {folder.name}",
    )


def move_dialog() -> rx.Component:
    return dialog_frame(
        "Move to…",
        rx.vstack(
            rx.hstack(
                icon_button(
                    "arrow-up",
                    "Up one folder",
                    OrganizeState.picker_up,
                    icon_size=16,
                    variant="soft",
                    size="1",
                    disabled=OrganizeState.picker_path == "/",
                ),
                rx.code(OrganizeState.picker_path),
                align="center",
            ),
            choice_list(OrganizeState.picker_folders, _picker_row, "No subfolders here."),
            error_line(OrganizeState.move_error),
            dialog_buttons(
                rx.dialog.close(gray_button("Cancel")),
                rx.button("Move here", on_click=OrganizeState.move_here),
            ),
            spacing="3",
        ),
        is_open=OrganizeState.move_open,
        on_open_change=OrganizeState.set_move_open,
    )


def undo_notice() -> rx.Component:
    return rx.cond(
        OrganizeState.undo_message != "",
        rx.callout.root(
            rx.hstack(
                rx.callout.text(OrganizeState.undo_message),
                rx.button("Undo", size="1", on_click=OrganizeState.undo_delete),
                icon_button(
                    "x",
                    "Dismiss",
                    OrganizeState.dismiss_undo,
                    icon_size=14,
                    size="1",
                    variant="ghost",
                ),
                align="center",
            ),
            role="status",
            width="100%",
        ),
    )
