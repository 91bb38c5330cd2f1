"""The sign-in page: a name, a password and one button."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rdrive_app.ui.state.signin import SignInState


def _field(label: str, field_id: str, **props: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"font_weight": "500", "font_size": "14px"}),
        rx.input(id=field_id, name=field_id, size="3", width="100%", required=True, **props),
        spacing="1",
        width="100%",
    )


def signin_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.icon("images", size=28), rx.heading("rDrive", size="7"), align="center"
                    ),
                    rx.text("Your private photos and videos.", color_scheme="gray", size="2"),
                    rx.cond(
                        SignInState.notice != "",
                        rx.text(SignInState.notice, size="2", color_scheme="gray"),
                    ),
                    _field("Username", "username", auto_complete="username", auto_focus=True),
                    _field(
                        "Password", "password", type="password", auto_complete="current-password"
                    ),
                    rx.cond(
                        SignInState.error != "",
                        rx.callout(
                            SignInState.error,
                            icon="triangle-alert",
                            color_scheme="red",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    rx.button(
                        "Sign in", type="submit", size="3", width="100%", loading=SignInState.busy
                    ),
                    spacing="4",
                    width="100%",
                ),
                on_submit=SignInState.sign_in,
                reset_on_submit=False,
            ),
            width="min(92vw, 380px)",
            size="4",
        ),
        min_height="100vh",
        background="var(--gray-a2)",
    )
