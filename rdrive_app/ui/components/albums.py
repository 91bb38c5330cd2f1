"""Albums' pieces: a card, the dialogs that create, fill, rename and delete an album."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import (
    card_link,
    choice_list,
    choice_row,
    dialog_buttons,
    dialog_frame,
    gray_button,
    name_dialog,
    name_form,
    soft_button,
)
from rdrive_app.ui.state.albums import AlbumCard, AlbumState

COVER_BOX = {"width": "100%", "aspect_ratio": "4 / 3", "display": "block"}


def album_card(album: ObjectVar[AlbumCard]) -> rx.Component:
    """The album's cover (or an empty frame), its name and how many items it shows."""
    cover = rx.cond(
        album.cover != "",
        rx.el.img(
            src=album.cover,
            alt="",
            loading="lazy",
            style={**COVER_BOX, "object_fit": "cover", "border_radius": "6px"},
        ),
        rx.center(
            rx.icon("images", size=36, color="var(--gray-8)"),
            style={**COVER_BOX, "background": "var(--gray-a3)"},
        ),
    )
    body = rx.vstack(
        cover,
        rx.text(album.name, weight="medium", truncate=True, width="100%"),
        rx.text(album.count, size="1", color_scheme="gray"),
        spacing="1",
    )
    return card_link(body, album.href, album.name)


def _open(which: str) -> Any:
    """What a dialog's open/close follows: this dialog is the one open."""
    return {"is_open": AlbumState.dialog == which, "on_open_change": AlbumState.dialog_changed}


def new_album_dialog() -> rx.Component:
    dialog = name_dialog(
        "New album", "Album name", "new-album-name", "Create", error=AlbumState.error,
        on_submit=AlbumState.create_album, auto_focus=True, **_open("new"),
    )  # fmt: skip
    return rx.fragment(soft_button("New album", AlbumState.open_dialog("new"), icon="plus"), dialog)


def _choice(album: ObjectVar[AlbumCard]) -> rx.Component:
    count = rx.text(album.count, size="1", color_scheme="gray", margin_left="auto")
    return choice_row(
        "images",
        album.name,
        AlbumState.add_to(album.id),
        f"Add to {album.name}",
        count,
    )


def add_to_album_dialog() -> rx.Component:
    """The albums to add the selection (or the open item) to, and a new one by name."""
    new = name_form(
        "New album…", "add-new-album-name", "Create and add", error=AlbumState.error,
        on_submit=AlbumState.add_to_new, key=(AlbumState.dialog == "add").to_string(),
    )  # fmt: skip
    choices = choice_list(AlbumState.albums, _choice, "No albums yet: name a new one.")
    body = rx.vstack(choices, rx.separator(size="4"), new, spacing="3")
    return dialog_frame("Add to album", body, **_open("add"))


def add_to_album_button() -> rx.Component:
    return soft_button("Add to album", AlbumState.start_add_selected)


def rename_album_dialog() -> rx.Component:
    dialog = name_dialog(
        "Rename album", "New name", "rename-album-input", "Save", error=AlbumState.error,
        on_submit=AlbumState.rename_album, default_value=AlbumState.album_name,
        key=AlbumState.album_name, **_open("rename"),
    )  # fmt: skip
    return rx.fragment(soft_button("Rename album", AlbumState.open_dialog("rename")), dialog)


def delete_album_dialog() -> rx.Component:
    """Deleting forgets the album only: the confirmation says so."""
    return rx.fragment(
        soft_button("Delete album", AlbumState.open_dialog("delete"), color_scheme="red"),
        _delete_dialog(),
    )


def _delete_dialog() -> rx.Component:
    return dialog_frame(
        "Delete album",
        rx.vstack(
            rx.text(
                "Delete the album “" + AlbumState.album_name + "”? Only the album goes: "
                "its photos and videos stay in their folders and on the timeline.",
                size="2",
            ),
            dialog_buttons(
                rx.dialog.close(gray_button("Cancel")),
                rx.button("Delete album", color_scheme="red", on_click=AlbumState.delete_album),
            ),
            spacing="3",
        ),
        **_open("delete"),
    )


def album_selection_actions(count: Any) -> rx.Component:
    """What the album page adds to a selection's actions."""
    return rx.fragment(
        soft_button("Remove from album", AlbumState.remove_selected),
        rx.cond(count == 1, soft_button("Set as cover", AlbumState.set_cover)),
    )
