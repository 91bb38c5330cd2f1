"""The rename and move dialogs, the selection bar every grid shows while tiles are selected
(Download, Add to album, Move, Favourite, Delete, Clear, and the rarer Add tag, Rename, Shift
dates) and the Undo notice after a move or a delete."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import (
    choice_list,
    choice_row,
    dialog_buttons,
    dialog_frame,
    error_line,
    form_dialog,
    gray_button,
    icon_button,
    soft_button,
    wrapping_row,
)
from rdrive_app.ui.components.tags import tag_selection_buttons
from rdrive_app.ui.state.albums import AlbumState
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


# Over the page's top bar while tiles are selected, as Google Photos' bar takes its app bar's
# place: always in view however far the grid scrolls, and it neither pushes the grid down as a
# selection starts (the tile just pressed stays put) nor covers the breadcrumb and the folders
# that tiles are dragged onto.
SELECTION_BAR = {
    "position": "fixed",
    "top": "0",
    "left": "0",
    "right": "0",
    "z_index": "15",  # over the top bar (10), under the upload panel and dialogs
    "min_height": "var(--rdrive-top-bar, 56px)",
    "padding": "0.4em 1em",
    "background_color": "var(--color-background)",
    "border_bottom": "1px solid var(--gray-a5)",
    "box_shadow": "var(--shadow-2)",
}


def _action(label: str, icon: str, on_click: Any, **props: Any) -> rx.Component:
    """One of the bar's actions, an icon named ``label`` (as Google Photos' bar has them)."""
    props.setdefault("variant", "soft")
    return icon_button(
        icon, label, on_click, icon_size=18, title=label, size="3",
        class_name="rdrive-bar-action", **props,
    )  # fmt: skip


def selection_bar(grid: Any, *extra: rx.Component) -> rx.Component:
    """The bar a selection brings up, the same over every grid (a folder's, a search's, the
    timeline's, an album's): how many are selected and what can be done to them; ``grid`` is
    the state shown (``selected_count``, ``clear_selection``), ``extra`` the page's own."""
    count = grid.selected_count
    actions = rx.hstack(
        _action("Download", "download", OrganizeState.download_selected),
        _action("Add to album", "book-image", AlbumState.start_add_selected),
        _action("Move", "folder-input", OrganizeState.start_move_selected),
        _action("Favourite", "heart", OrganizeState.favorite_selected),
        _action("Delete", "trash-2", OrganizeState.delete_selected, color_scheme="red"),
        spacing="2",
    )
    more = wrapping_row(
        *extra,
        tag_selection_buttons(),
        rx.cond(count == 1, rename_button()),
        soft_button("Shift dates", EditState.start_shift),
        form_dialog(
            "Shift dates",
            "Shift by (hours, or hours:minutes)",
            "shift-input",
            EditState,
            "shift",
            placeholder="-3 or +1:30",
        ),
        spacing="2",
        class_name="rdrive-bar-more",  # on a phone, under the main actions
    )
    bar = wrapping_row(
        _action("Clear", "x", grid.clear_selection, color_scheme="gray", variant="ghost"),
        rx.text(count.to_string() + " selected", weight="medium", white_space="nowrap"),
        rx.spacer(),
        more,
        actions,
        role="toolbar",
        aria_label="Selection",
        spacing="2",
        style=SELECTION_BAR,
    )
    return rx.cond(count > 0, bar)


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
    """What the last move or delete did, with Undo: at the foot of the screen, where it
    covers no tile's controls for long and is seen however far the grid has scrolled."""
    return rx.cond(
        OrganizeState.undo_message != "",
        rx.callout.root(
            rx.hstack(
                rx.callout.text(OrganizeState.undo_message),
                rx.button("Undo", size="1", on_click=OrganizeState.undo),
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
            key=OrganizeState.undo_stamp,  # a new notice is a new element: its own time
            on_mount=OrganizeState.expire_undo(OrganizeState.undo_stamp),
            variant="surface",
            position="fixed",
            bottom="calc(16px + var(--rdrive-bottom-bar, 0px))",
            left="50%",
            transform="translateX(-50%)",
            max_width="calc(100vw - 32px)",
            z_index="25",
            box_shadow="var(--shadow-4)",
        ),
    )
