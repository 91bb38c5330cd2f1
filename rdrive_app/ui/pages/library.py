"""The folder page: breadcrumb, subfolders, the grid, uploads, the viewer and the dialogs."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.dialogs import move_dialog, rename_dialog, undo_notice
from rdrive_app.ui.components.grid import grid
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.components.uploads import upload_button, upload_panel
from rdrive_app.ui.components.viewer import viewer
from rdrive_app.ui.state.folder import FolderRow, FolderState
from rdrive_app.ui.state.organize import OrganizeState


def breadcrumb() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.foreach(
                FolderState.breadcrumbs,
                lambda crumb, i: rx.hstack(
                    rx.cond(i > 0, rx.icon("chevron-right", size=14, color="var(--gray-9)")),
                    rx.link(crumb.name, href=crumb.href, size="4", weight="medium"),
                    align="center",
                    spacing="1",
                ),
            ),
            align="center",
            spacing="1",
            wrap="wrap",
        ),
        aria_label="Breadcrumb",
    )


def new_folder_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("folder-plus", size=16), "New folder", variant="soft"),
        ),
        rx.dialog.content(
            rx.dialog.title("New folder"),
            rx.form(
                rx.vstack(
                    rx.el.label("Folder name", html_for="new-folder-name"),
                    rx.input(
                        id="new-folder-name",
                        name="name",
                        auto_focus=True,
                        width="100%",
                        required=True,
                    ),
                    rx.cond(
                        FolderState.new_folder_error != "",
                        rx.text(
                            FolderState.new_folder_error,
                            color_scheme="red",
                            size="2",
                            role="alert",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Create", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=FolderState.create_folder,
                reset_on_submit=False,
            ),
            max_width="420px",
        ),
        open=FolderState.new_folder_open,
        on_open_change=FolderState.set_new_folder_open,
    )


def folder_tile(folder: ObjectVar[FolderRow]) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("folder", size=22, color="var(--accent-9)"),
                rx.text(folder.name, weight="medium", truncate=True),
                align="center",
                spacing="2",
            ),
            width="100%",
        ),
        href=folder.href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        aria_label=folder.name,
        min_width="0",
    )


def folder_menu() -> rx.Component:
    """Actions on the open folder itself (not on the root)."""
    return rx.cond(
        FolderState.folder != "/",
        rx.dropdown_menu.root(
            rx.dropdown_menu.trigger(
                rx.icon_button(
                    rx.icon("ellipsis", size=16), variant="soft", aria_label="Folder actions"
                ),
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
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(aria_label="Show"),
            rx.select.content(
                rx.select.item("All", value="all"),
                rx.select.item("Photos", value="image"),
                rx.select.item("Videos", value="video"),
            ),
            value=FolderState.kind,
            on_change=FolderState.set_kind,
        ),
        rx.select.root(
            rx.select.trigger(aria_label="Sort by"),
            rx.select.content(
                rx.select.item("Name", value="name"),
                rx.select.item("Date taken", value="taken"),
                rx.select.item("Date uploaded", value="uploaded"),
            ),
            value=FolderState.sort,
            on_change=FolderState.set_sort,
        ),
        rx.button(
            "Select all", variant="soft", color_scheme="gray", on_click=FolderState.select_all
        ),
        rx.cond(
            FolderState.selected_count > 0,
            rx.hstack(
                rx.text(FolderState.selected_count.to_string() + " selected", size="2"),
                rx.button(
                    rx.icon("archive", size=16),
                    "Download ZIP",
                    on_click=FolderState.download_selected,
                ),
                rx.button("Move", variant="soft", on_click=OrganizeState.start_move_selected),
                rx.cond(
                    FolderState.selected_count == 1,
                    rx.button(
                        "Rename", variant="soft", on_click=OrganizeState.start_rename_selected
                    ),
                ),
                rx.button(
                    "Delete",
                    variant="soft",
                    color_scheme="red",
                    on_click=OrganizeState.delete_selected,
                ),
                rx.button("Clear selection", variant="ghost", on_click=FolderState.clear_selection),
                align="center",
                wrap="wrap",
            ),
        ),
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
    )


def library_page() -> rx.Component:
    return page_frame(
        rx.el.span(custom_attrs={"data-rdrive-folder-page": "1"}, hidden=True),
        rx.vstack(
            rx.hstack(
                breadcrumb(),
                folder_menu(),
                rx.spacer(),
                upload_button(),
                new_folder_dialog(),
                rx.link(
                    rx.hstack(rx.icon("trash-2", size=16), "Trash", align="center", spacing="1"),
                    href="/trash",
                    size="2",
                ),
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            undo_notice(),
            rx.cond(
                FolderState.missing,
                rx.callout(
                    "This folder does not exist.", icon="circle-alert", color_scheme="amber"
                ),
                rx.vstack(
                    rx.cond(
                        FolderState.subfolders.length() > 0,
                        rx.grid(
                            rx.foreach(FolderState.subfolders, folder_tile),
                            columns="repeat(auto-fill, minmax(160px, 1fr))",
                            gap="0.75em",
                            width="100%",
                        ),
                    ),
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
                    grid(),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        upload_panel(),
        viewer(),
        rename_dialog(),
        move_dialog(),
    )
