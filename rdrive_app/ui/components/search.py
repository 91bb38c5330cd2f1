"""The search box in every signed-in page's top bar, and the search page's filter buttons."""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.components.controls import toggle_button, wrapping_row
from rdrive_app.ui.state.search import SearchState

KIND_LABELS = {"all": "All", "image": "Photos", "video": "Videos"}


def search_box() -> rx.Component:
    """A search field (role searchbox, named "Search"); Enter goes to ``/search?q=…``. On the
    search page it starts from the words searched."""
    return rx.form(
        rx.el.input(
            type="search",
            name="q",
            aria_label="Search",
            placeholder="Search photos, tags, places, cameras…",
            default_value=SearchState.query,
            key=SearchState.query,
            auto_complete="off",
            enter_key_hint="search",
            style={
                "width": "100%",
                "height": "32px",
                "padding": "0 10px",
                "border": "1px solid var(--gray-a7)",
                "border_radius": "var(--radius-2)",
                "background": "var(--color-surface)",
                "color": "var(--gray-12)",
                "font_size": "14px",
            },
        ),
        on_submit=SearchState.submit_search,
        reset_on_submit=False,
        role="search",
        # grows up to 420 px, and on a phone takes a line of its own (the top bar wraps)
        style={"flex": "1 1 180px", "max_width": "420px", "min_width": "0"},
    )


def filters() -> rx.Component:
    """Kind (all, photos, videos) and favourites only: pressed buttons say what is on."""
    kinds = [
        toggle_button(
            rx.fragment(),
            label,
            SearchState.kind == kind,
            size="1",
            on_click=SearchState.set_kind(kind),
        )
        for kind, label in KIND_LABELS.items()
    ]
    return wrapping_row(
        rx.hstack(*kinds, spacing="1", role="group", aria_label="Kind"),
        toggle_button(
            rx.icon("heart", size=14),
            "Favourites only",
            SearchState.favorite,
            size="1",
            color_scheme="tomato",
            on_click=SearchState.set_favorite(~SearchState.favorite),
        ),
        spacing="3",
    )
