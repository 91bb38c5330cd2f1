"""The frame around every signed-in page: top bar with the search box, Tags, the user,
Settings and "Sign out"."""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.components.controls import gray_button, nav_link
from rdrive_app.ui.components.search import search_box
from rdrive_app.ui.routes import SETTINGS_ROUTE, TAGS_ROUTE
from rdrive_app.ui.state.session import SessionState


def top_bar() -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.hstack(rx.icon("images", size=22), rx.heading("rDrive", size="5"), align="center"),
            href="/",
            underline="none",
            color_scheme="gray",
            high_contrast=True,
        ),
        search_box(),
        nav_link("Tags", TAGS_ROUTE, "tags"),
        rx.spacer(),
        rx.text(SessionState.username, size="2", color_scheme="gray"),
        nav_link("Settings", SETTINGS_ROUTE, "settings"),
        gray_button("Sign out", icon="log-out", on_click=SessionState.sign_out),
        align="center",
        wrap="wrap",  # a phone's width: the bar's parts go on two lines, never past the edge
        padding_x="1em",
        padding_y="0.6em",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
        position="sticky",
        top="0",
        background_color="var(--color-background)",
        z_index="10",
    )


def page_frame(*children: rx.Component) -> rx.Component:
    return rx.box(
        top_bar(),
        rx.box(*children, padding="1em", max_width="1400px", margin_x="auto"),
        width="100%",
        min_height="100vh",
    )
