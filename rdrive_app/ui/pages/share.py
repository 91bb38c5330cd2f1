"""The share page (``/share``): what a phone's "Share → rDrive" brought, the folder it goes to,
"Upload" and "Discard" (the state: ``ui/state/share.py``; the browser's side:
``assets/rdrive_share.js``). Built for a thumb at 375 px: the choice and both buttons come
before the previews, every control is at least 44 px tall."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import (
    choice_list,
    choice_row,
    corner_badge,
    hidden_bridge,
    icon_button,
    labelled_button,
)
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.components.uploads import upload_panel
from rdrive_app.ui.state.folder import FolderRow
from rdrive_app.ui.state.share import SHARE_BRIDGE_ID, SharedRow, ShareState

TOUCH = "44px"  # the smallest touch target (WCAG 2.5.5, Apple's and Google's guidelines)
_PREVIEW = {"width": "100%", "height": "100%", "object_fit": "cover", "display": "block"}
_FRAME = {
    "position": "relative",
    "aspect_ratio": "1",
    "overflow": "hidden",
    "border_radius": "var(--radius-3)",
    "background": "var(--gray-a3)",
}
_NOTHING = (
    "Nothing is waiting here. In your phone's gallery, choose photos or videos, "
    "press Share and pick rDrive."
)


def share_bridge() -> rx.Component:
    """The hidden input through which assets/rdrive_share.js lists the shared files."""
    return hidden_bridge(SHARE_BRIDGE_ID, ShareState.bridge)


def _preview(row: ObjectVar[SharedRow]) -> rx.Component:
    picture = rx.cond(
        row.preview == "",
        rx.center(rx.icon("file", size=32), height="100%", color="var(--gray-10)"),
        rx.cond(
            row.kind == "video",
            rx.el.video(src=row.preview, muted=True, preload="metadata", style=_PREVIEW),
            rx.el.img(src=row.preview, alt=row.name, decoding="async", style=_PREVIEW),
        ),
    )
    badge = corner_badge(rx.icon("film", size=12), "Video", bottom="6px", left="6px")
    video = rx.cond(row.kind == "video", badge)
    return rx.box(picture, video, style=_FRAME)


def _remove_button(row: ObjectVar[SharedRow]) -> rx.Component:
    return icon_button(
        "x", f"Remove {row.name}", ShareState.discard_one(row.id), icon_size=18, size="3",
        radius="full", color_scheme="gray", position="absolute", top="2px", right="2px",
        min_width=TOUCH, min_height=TOUCH,
    )  # fmt: skip


def _shared_tile(row: ObjectVar[SharedRow]) -> rx.Component:
    uploading = rx.badge("Uploading…", variant="solid", position="absolute", top="6px", left="6px")
    corner = rx.cond(row.sending, uploading, _remove_button(row))
    return rx.el.li(
        rx.box(_preview(row), corner, position="relative"),
        rx.text(row.name, size="1", truncate=True, weight="medium", margin_top="4px"),
        rx.text(row.size, size="1", color_scheme="gray"),
        custom_attrs={"data-rdrive-shared": row.id},
        min_width="0",
    )


def _crumb(crumb: ObjectVar[FolderRow]) -> rx.Component:
    return rx.button(
        crumb.name,
        variant="ghost",
        size="2",
        min_height=TOUCH,
        on_click=ShareState.enter_folder(crumb.path),
        aria_label=f"Go to {crumb.name}",
    )


def _folder_choice(folder: ObjectVar[FolderRow]) -> rx.Component:
    return rx.box(
        choice_row(
            "folder",
            folder.name,
            ShareState.enter_folder(folder.path),
            f"Open folder {folder.name}",
            rx.spacer(),
            rx.icon("chevron-right", size=16),
        ),
        min_height=TOUCH,
        display="flex",
        width="100%",
    )


def folder_picker() -> rx.Component:
    """Where the files go: the folder's path (each step a button back up) and its subfolders."""
    return rx.card(
        rx.vstack(
            rx.text("Upload to", weight="bold", size="2"),
            rx.hstack(
                rx.foreach(ShareState.target_crumbs, _crumb),
                wrap="wrap",
                spacing="3",
                align="center",
                custom_attrs={"aria-label": "Folder path"},
                role="group",
            ),
            rx.heading(
                rx.icon("folder-open", size=18),
                ShareState.target_name,
                size="4",
                as_="h2",
                display="flex",
                align_items="center",
                gap="0.4em",
                custom_attrs={"data-rdrive-share-target": ShareState.target},
            ),
            choice_list(ShareState.target_folders, _folder_choice, "No folders inside this one."),
            spacing="2",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label="Upload to",
    )


def _actions() -> rx.Component:
    big = {"size": "3", "min_height": TOUCH, "flex": "1"}
    return rx.hstack(
        labelled_button(
            "Upload",
            icon="upload",
            on_click=ShareState.upload,
            disabled=ShareState.waiting_count == 0,
            **big,
        ),
        labelled_button(
            "Discard",
            icon="trash-2",
            on_click=ShareState.discard,
            disabled=ShareState.waiting_count == 0,
            variant="soft",
            color_scheme="gray",
            **big,
        ),
        width="100%",
        spacing="3",
    )


def _waiting() -> rx.Component:
    return rx.vstack(
        rx.text(ShareState.summary, size="3", color_scheme="gray"),
        folder_picker(),
        _actions(),
        rx.el.ul(
            rx.foreach(ShareState.files, _shared_tile),
            style={
                "display": "grid",
                "grid_template_columns": "repeat(auto-fill, minmax(104px, 1fr))",
                "gap": "10px",
                "list_style": "none",
                "padding": "0",
                "margin": "0",
                "width": "100%",
            },
            custom_attrs={"aria-label": "Shared files"},
        ),
        spacing="4",
        width="100%",
    )


def _nothing_waiting() -> rx.Component:
    sent = rx.callout(
        rx.text(
            "Sent to ",
            rx.text.strong(ShareState.uploaded_name),
            ". ",
            rx.link("Open the folder", href=ShareState.uploaded_href),
        ),
        icon="circle-check",
        color_scheme="green",
        width="100%",
        role="status",
    )
    nothing = rx.cond(
        ShareState.listed,
        rx.callout(_NOTHING, icon="share-2", width="100%"),
        rx.hstack(rx.spinner(), rx.text("Looking for shared files…", color_scheme="gray")),
    )
    return rx.cond(ShareState.uploaded_to != "", sent, nothing)


def share_page() -> rx.Component:
    return page_frame(
        share_bridge(),
        rx.vstack(
            rx.heading("Share to rDrive", size="6", as_="h1"),
            rx.cond(ShareState.files.length() > 0, _waiting(), _nothing_waiting()),
            spacing="4",
            width="100%",
            max_width="720px",
            margin_x="auto",
        ),
        upload_panel(),
    )
