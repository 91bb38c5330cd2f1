"""The folder page: breadcrumb, subfolders, the grid, uploads, the viewer and the dialogs."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.albums import add_to_album_dialog
from rdrive_app.ui.components.controls import (
    card_grid,
    card_link,
    gray_button,
    icon_button,
    name_dialog,
    select_menu,
    soft_button,
    wrapping_row,
)
from rdrive_app.ui.components.dialogs import (
    move_dialog,
    rename_dialog,
    selection_bar,
    undo_notice,
)
from rdrive_app.ui.components.grid import grid
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.components.uploads import upload_button, upload_panel
from rdrive_app.ui.components.viewer import viewer
from rdrive_app.ui.state.folder import FolderRow, FolderState
from rdrive_app.ui.state.organize import OrganizeState


def breadcrumb() -> rx.Component:
    return rx.el.nav(
        wrapping_row(
            rx.foreach(
                FolderState.breadcrumbs,
                lambda crumb, i: rx.hstack(
                    rx.cond(i > 0, rx.icon("chevron-right", size=14, color="var(--gray-9)")),
                    rx.link(
                        crumb.name,
                        href=crumb.href,
                        size="4",
                        weight="medium",
                        custom_attrs={"data-rdrive-drop-folder": crumb.path},  # tiles move here
                    ),
                    align="center",
                    spacing="1",
                ),
            ),
            spacing="1",
        ),
        aria_label="Breadcrumb",
    )


def new_folder_dialog() -> rx.Component:
    return name_dialog(
        "New folder", "Folder name", "new-folder-name", "Create",
        error=FolderState.new_folder_error, on_submit=FolderState.create_folder,
        is_open=FolderState.new_folder_open, on_open_change=FolderState.set_new_folder_open,
        max_width="420px", trigger=soft_button("New folder", icon="folder-plus"), auto_focus=True,
    )  # fmt: skip


def folder_tile(folder: ObjectVar[FolderRow]) -> rx.Component:
    """A subfolder's card; tiles dragged onto it move into it (assets/rdrive_grid.jsx)."""
    body = rx.hstack(
        rx.icon("folder", size=22, color="var(--accent-9)"),
        rx.text(folder.name, weight="medium", truncate=True),
        align="center",
        spacing="2",
    )
    return rx.box(
        card_link(body, folder.href, folder.name),
        custom_attrs={"data-rdrive-drop-folder": folder.path},
        min_width="0",
    )


def folder_menu() -> rx.Component:
    """Actions on the open folder itself (not on the root)."""
    return rx.cond(
        FolderState.folder != "/",
        rx.dropdown_menu.root(
            rx.dropdown_menu.trigger(
                icon_button("ellipsis", "Folder actions", icon_size=16, variant="soft"),
            ),
            rx.dropdown_menu.content(
                rx.dropdown_menu.item("Rename folder", on_click=OrganizeState.start_rename_folder),
                rx.dropdown_menu.item("Move folder", on_click=OrganizeState.start_move_folder),
                rx.dropdown_menu.item(
                    "Delete folder", color_scheme="red", on_click=OrganizeState.delete_folder
                ),
                rx.dropdown_menu.item(
                    "Download folder as ZIP", on_click=OrganizeState.download_folder
                ),
            ),
        ),
    )


def toolbar() -> rx.Component:
    return wrapping_row(
        select_menu(
            "Show",
            {"all": "All", "image": "Photos", "video": "Videos", "file": "Other files"},
            value=FolderState.kind,
            on_change=FolderState.set_kind,
        ),
        select_menu(
            "Sort by",
            {"name": "Name", "taken": "Date taken", "uploaded": "Date uploaded"},
            value=FolderState.sort,
            on_change=FolderState.set_sort,
        ),
        gray_button("Select all", on_click=FolderState.select_all),
        spacing="2",
        width="100%",
    )


def library_page() -> rx.Component:
    return page_frame(
        rx.el.span(custom_attrs={"data-rdrive-folder-page": "1"}, hidden=True),
        selection_bar(FolderState),
        rx.vstack(
            wrapping_row(
                breadcrumb(),
                folder_menu(),
                rx.spacer(),
                upload_button(),
                new_folder_dialog(),
                width="100%",
                spacing="3",
            ),
            rx.cond(
                FolderState.missing,
                rx.callout(
                    "This folder does not exist.", icon="circle-alert", color_scheme="amber"
                ),
                rx.vstack(
                    card_grid(FolderState.subfolders, folder_tile, "160px", gap="0.75em"),
                    toolbar(),
                    rx.cond(
                        (FolderState.items.length() == 0) & (FolderState.subfolders.length() == 0),
                        rx.center(
                            rx.vstack(
                                rx.icon("image-up", size=40, color="var(--gray-8)"),
                                rx.text(
                                    "This folder is empty. Drop photos and videos here, "
                                    "press Upload, or create a folder.",
                                    color_scheme="gray",
                                    align="center",
                                ),
                                align="center",
                            ),
                            padding="3em",
                            width="100%",
                            border="2px dashed var(--gray-a6)",
                            border_radius="var(--radius-4)",
                        ),
                    ),
                    grid(FolderState, "Items in this folder", movable=True),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        upload_panel(),
        undo_notice(),
        viewer(),
        rename_dialog(),
        move_dialog(),
        add_to_album_dialog(),
        current="Folders",
    )
