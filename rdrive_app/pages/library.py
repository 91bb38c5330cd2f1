"""The folder page: breadcrumb, subfolders, and the folder actions."""

from __future__ import annotations

import reflex as rx

from rdrive_app.components.layout import page_frame
from rdrive_app.state.library import LibraryState


def breadcrumb() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.foreach(
                LibraryState.breadcrumbs,
                lambda crumb, i: rx.hstack(
                    rx.cond(i > 0, rx.icon("chevron-right", size=14, color="var(--gray-9)")),
                    rx.link(crumb["name"], href=crumb["href"], size="4", weight="medium"),
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
                    rx.input(id="new-folder-name", name="name", auto_focus=True, width="100%",
                             required=True),
                    rx.cond(
                        LibraryState.new_folder_error != "",
                        rx.text(LibraryState.new_folder_error, color_scheme="red", size="2",
                                role="alert"),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                                  type="button")),
                        rx.button("Create", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=LibraryState.create_folder,
                reset_on_submit=True,
            ),
            max_width="420px",
        ),
        open=LibraryState.new_folder_open,
        on_open_change=LibraryState.set_new_folder_open,
    )


def folder_tile(folder: dict) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("folder", size=22, color="var(--accent-9)"),
                rx.text(folder["name"], weight="medium", trim="both", truncate=True),
                align="center",
                spacing="2",
            ),
            width="100%",
        ),
        href=folder["href"],
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        aria_label=folder["name"],
    )


def library_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.hstack(
                breadcrumb(),
                rx.spacer(),
                new_folder_dialog(),
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.cond(
                LibraryState.missing,
                rx.callout("This folder does not exist.", icon="circle-alert",
                           color_scheme="amber"),
                rx.cond(
                    LibraryState.subfolders.length() > 0,
                    rx.grid(
                        rx.foreach(LibraryState.subfolders, folder_tile),
                        columns="repeat(auto-fill, minmax(180px, 1fr))",
                        gap="0.75em",
                        width="100%",
                    ),
                    rx.text("This folder is empty. Create a folder to start.",
                            color_scheme="gray"),
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
