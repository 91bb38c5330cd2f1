"""The frame around every signed-in page: a top bar with the search box, the user and "Sign
out"; the navigation (a rail on a wide screen, a bottom bar on a phone); then the page."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rdrive_app.ui.components.controls import icon_button, wrapping_row
from rdrive_app.ui.components.navigation import bottom_bar, rail
from rdrive_app.ui.components.search import search_box
from rdrive_app.ui.routes import PHOTOS_ROUTE
from rdrive_app.ui.state.session import SessionState

TOP_BAR_HEIGHT = "56px"  # sticky bars under it (a page's selection bar) start here


_TOP_BAR = {
    "padding": "0 1em",
    "height": TOP_BAR_HEIGHT,
    "border_bottom": "1px solid var(--gray-a5)",
    "width": "100%",
    "position": "sticky",
    "top": "0",
    "background_color": "var(--color-background)",
    "z_index": "10",
}


_SIGN_OUT: dict[str, Any] = {"variant": "soft", "color_scheme": "gray", "title": "Sign out"}


def top_bar() -> rx.Component:
    """The page's banner landmark."""
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.icon("images", size=22),
                    # not a heading: each page's own title is its one level-one heading
                    rx.text("rDrive", size="5", weight="bold", class_name="rdrive-wide-only"),
                    align="center",
                ),
                href=PHOTOS_ROUTE,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
                aria_label="rDrive",
            ),
            search_box(),
            rx.spacer(),
            rx.text(
                SessionState.username, size="2", color_scheme="gray", class_name="rdrive-wide-only"
            ),
            icon_button("log-out", "Sign out", SessionState.sign_out, **_SIGN_OUT),
            align="center",
            spacing="3",
            height="100%",
        ),
        style=_TOP_BAR,
    )


def page_frame(*children: rx.Component, current: Any = "") -> rx.Component:
    """A signed-in page; ``current`` is the navigation label of where it is (a str, or a Var
    when one page serves two places: Photos and Favourites)."""
    return rx.box(
        top_bar(),
        rail(current),
        rx.el.main(
            rx.box(*children, padding="1em", max_width="1400px", margin_x="auto"),
            class_name="rdrive-main",
        ),
        bottom_bar(current),
        width="100%",
        min_height="100vh",
    )


def list_page(title: str, body: rx.Component, *actions: rx.Component) -> rx.Component:
    """A page of the navigation that lists things (Albums, Places, Tags): its heading, with
    ``actions`` at the right, over ``body``."""
    return page_frame(
        rx.vstack(
            wrapping_row(
                rx.heading(title, size="6"), rx.spacer(), *actions, width="100%", spacing="4"
            ),
            body,
            spacing="4",
            width="100%",
        ),
        current=title,
    )
