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


# Under the page's top bar (its height, which a layout may set), over the grid it scrolls.
SELECTION_BAR = {
    "position": "sticky",
    "top": "var(--rdrive-top-bar, 56px)",
    "z_index": "6",
    "width": "100%",
    "background_color": "var(--color-background)",
    "border_bottom": "1px solid var(--gray-a5)",
    "padding_y": "0.4em",
}


def _action(label: str, icon: str, on_click: Any, **props: Any) -> rx.Component:
    """One of the bar's actions: an icon and its name (on a phone the icon alone, named)."""
    return rx.button(
        rx.icon(icon, size=18),
        rx.el.span(label, class_name="rdrive-bar-label"),
        aria_label=label,
        title=label,
        variant="soft",
        class_name="rdrive-bar-action",
        on_click=on_click,
        **props,
    )


def selection_bar(grid: Any, *extra: rx.Component) -> rx.Component:
    """The bar a selection brings up, the same over every grid (a folder's, a search's, the
    timeline's, an album's): how many are selected and what can be done to them; ``grid`` is
    the state shown (``selected_count``, ``clear_selection``), ``extra`` the page's own."""
    count = grid.selected_count
    main = rx.hstack(
        rx.text(count.to_string() + " selected", weight="medium", white_space="nowrap"),
        rx.spacer(),
        _action("Download", "download", OrganizeState.download_selected),
        _action("Add to album", "book-image", AlbumState.start_add_selected),
        _action("Move", "folder-input", OrganizeState.start_move_selected),
        _action("Favourite", "heart", OrganizeState.favorite_selected),
        _action("Delete", "trash-2", OrganizeState.delete_selected, color_scheme="red"),
        _action("Clear", "x", grid.clear_selection, color_scheme="gray"),
        align="center",
        spacing="2",
        wrap="wrap",  # a phone's width: the count above, the actions under it
        width="100%",
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
    )
    return rx.cond(
        count > 0,
        rx.vstack(
            main,
            more,
            role="toolbar",
            aria_label="Selection",
            spacing="2",
            style=SELECTION_BAR,
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
