"""The search page (the results of the words and filters its URL names, as a folder-like grid)
and the Tags page (every tag with its count; a tag opens its search)."""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.components.albums import add_to_album_dialog
from rdrive_app.ui.components.controls import card_grid, gray_button, wrapping_row
from rdrive_app.ui.components.dialogs import (
    move_dialog,
    rename_dialog,
    selection_bar,
    undo_notice,
)
from rdrive_app.ui.components.grid import grid
from rdrive_app.ui.components.layout import list_page, page_frame
from rdrive_app.ui.components.search import filters
from rdrive_app.ui.components.tags import tag_card
from rdrive_app.ui.components.viewer import viewer
from rdrive_app.ui.state.search import SearchState
from rdrive_app.ui.state.tags import TagsState


def _outcome() -> rx.Component:
    """The service's refusal, or how many results (or none) for what was searched."""
    return rx.cond(
        SearchState.error != "",
        rx.callout(SearchState.error, icon="circle-alert", color_scheme="red", role="alert"),
        rx.cond(
            SearchState.loaded,
            rx.text(SearchState.summary, size="2", color_scheme="gray", role="status"),
        ),
    )


def search_page() -> rx.Component:
    return page_frame(
        selection_bar(SearchState),
        rx.vstack(
            wrapping_row(
                rx.heading(
                    rx.cond(SearchState.tag != "", "Tag: " + SearchState.tag, "Search"), size="6"
                ),
                width="100%",
                spacing="4",
            ),
            wrapping_row(
                _outcome(),
                rx.spacer(),
                filters(),
                rx.cond(
                    SearchState.items.length() > 0,
                    gray_button("Select all", on_click=SearchState.select_all),
                ),
                width="100%",
                spacing="3",
            ),
            grid(SearchState, "Results"),
            spacing="4",
            width="100%",
        ),
        *_overlays(),
    )


def _overlays() -> list[rx.Component]:
    """The viewer over the results and the dialogs the selection's actions open."""
    return [undo_notice(), viewer(), rename_dialog(), move_dialog(), add_to_album_dialog()]


NO_TAGS = rx.callout(
    "No tags yet. Add one in a photo's info panel, or select photos and press “Add tag”.",
    icon="tags",
    width="100%",
)


def tags_page() -> rx.Component:
    empty = rx.cond(TagsState.loaded, NO_TAGS)
    return list_page(
        "Tags", card_grid(TagsState.tags, tag_card, "200px", gap="0.75em", empty=empty)
    )
