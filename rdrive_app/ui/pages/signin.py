"""The sign-in page: a name, a password and one button."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rdrive_app.ui.components.controls import soft_button
from rdrive_app.ui.components.passkeys import passkey_bridge
from rdrive_app.ui.state.signin import SignInState


def _field(label: str, field_id: str, **props: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"font_weight": "500", "font_size": "14px"}),
        rx.input(id=field_id, name=field_id, size="3", width="100%", required=True, **props),
        spacing="1",
        width="100%",
    )


def _step(*fields: rx.Component, button: str, on_submit: Any, **form: Any) -> rx.Component:
    """One step of signing in: its fields, the error if any, and its submit button."""
    return rx.form(
        rx.vstack(
            *fields,
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
            rx.button(button, type="submit", size="3", width="100%", loading=SignInState.busy),
            *form.pop("after", ()),
            spacing="4",
            width="100%",
        ),
        on_submit=on_submit,
        **form,
    )


def _passkey_button() -> rx.Component:
    """A passkey instead of the password (or, after it, instead of a code). Not named with
    "Sign in": that is the form's own button."""
    props = {"icon": "fingerprint", "type": "button", "size": "3", "width": "100%"}
    return soft_button("Use a passkey", SignInState.use_passkey, **props)


def _password_step() -> rx.Component:
    return _step(
        _field("Username", "username", auto_complete="username webauthn", auto_focus=True),
        _field("Password", "password", type="password", auto_complete="current-password"),
        button="Sign in",
        on_submit=SignInState.sign_in,
        reset_on_submit=False,
        after=[_passkey_button()],
    )


def _code_step() -> rx.Component:
    """The second factor: one field takes a six-digit code or a recovery code."""
    return _step(
        rx.text(
            "Enter the code from your authenticator app, or one of your recovery codes.",
            size="2",
        ),
        _field(
            "Two-factor code",
            "code",
            auto_complete="one-time-code",
            auto_focus=True,
            max_length=20,
        ),
        button="Verify",
        on_submit=SignInState.sign_in_with_code,
        reset_on_submit=True,
        after=[
            rx.cond(SignInState.passkey_allowed, _passkey_button()),
            rx.button(
                "Use another account",
                type="button",
                variant="ghost",
                size="2",
                on_click=SignInState.start_over,
            ),
        ],
    )


def signin_page() -> rx.Component:
    return rx.el.main(_signin_card())


def _signin_card() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("images", size=28), rx.heading("rDrive", size="7"), align="center"
                ),
                rx.text("Your private photos and videos.", color_scheme="gray", size="2"),
                rx.cond(
                    SignInState.notice != "",
                    rx.text(SignInState.notice, size="2", color_scheme="gray"),
                ),
                rx.cond(SignInState.second_step, _code_step(), _password_step()),
                passkey_bridge(SignInState.passkey_signed),
                spacing="4",
                width="100%",
            ),
            width="min(92vw, 380px)",
            size="4",
        ),
        min_height="100vh",
        background="var(--gray-a2)",
    )
