"""The Albums page (a card per album, "New album") and one album's page.

An album's page is the timeline's grid over the album's items (``TimelineState.album_id``), so
selecting, the viewer (← → across the album), download, move and delete work as on Photos; it
adds the album's own actions: Download ZIP, Rename, Delete album, Remove from album, Set as cover.
"""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.components.albums import (
    add_to_album_dialog,
    album_card,
    album_selection_actions,
    delete_album_dialog,
    new_album_dialog,
    rename_album_dialog,
)
from rdrive_app.ui.components.controls import card_grid, labelled_button, nav_link, wrapping_row
from rdrive_app.ui.components.dialogs import (
    move_dialog,
    rename_dialog,
    selection_bar,
    undo_notice,
)
from rdrive_app.ui.components.layout import list_page, page_frame
from rdrive_app.ui.components.viewer import viewer
from rdrive_app.ui.pages.photos import timeline_grid
from rdrive_app.ui.routes import ALBUMS_ROUTE
from rdrive_app.ui.state.albums import AlbumState
from rdrive_app.ui.state.timeline import TimelineState

NO_ALBUMS = rx.cond(
    AlbumState.loaded,
    rx.callout(
        "No albums yet. Create one here, or select photos anywhere and press “Add to album”.",
        icon="book-image",
        width="100%",
    ),
)


def albums_page() -> rx.Component:
    albums = card_grid(AlbumState.albums, album_card, "200px", gap="1em", empty=NO_ALBUMS)
    return list_page("Albums", albums, new_album_dialog())


def _album_header() -> rx.Component:
    return wrapping_row(
        rx.vstack(
            nav_link("All albums", ALBUMS_ROUTE, "arrow-left"),
            rx.heading(AlbumState.album_name, size="6"),
            rx.text(AlbumState.album_count, size="2", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        labelled_button(
            "Download album as ZIP", icon="archive", on_click=AlbumState.download_album
        ),
        rename_album_dialog(),
        delete_album_dialog(),
        width="100%",
        spacing="3",
    )


def album_page() -> rx.Component:
    count = TimelineState.selected_count
    return page_frame(
        rx.el.span(custom_attrs={"data-rdrive-album-page": "1"}, hidden=True),
        selection_bar(TimelineState, album_selection_actions(count)),
        rx.cond(
            AlbumState.missing,
            rx.vstack(
                nav_link("All albums", ALBUMS_ROUTE, "arrow-left"),
                rx.callout("This album does not exist.", icon="circle-alert", color_scheme="amber"),
            ),
            rx.vstack(
                _album_header(),
                rx.cond(
                    TimelineState.empty,
                    rx.callout(
                        "This album is empty: select photos anywhere and press “Add to album”.",
                        icon="images",
                        width="100%",
                    ),
                ),
                rx.box(timeline_grid(), width="100%"),
                spacing="3",
                width="100%",
            ),
        ),
        undo_notice(),
        viewer(labelled_button("Set as cover", icon="image", on_click=AlbumState.set_cover)),
        rename_dialog(),
        move_dialog(),
        add_to_album_dialog(),
        current="Albums",
    )
