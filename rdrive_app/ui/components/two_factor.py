"""The two-factor section of Settings: off, setting up (QR code and secret), showing the
recovery codes once, or on (turn off, new recovery codes)."""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.components.controls import error_line, gray_button, labelled_button
from rdrive_app.ui.components.settings_parts import settings_section, shown_once, small_field
from rdrive_app.ui.state.two_factor import TwoFactorState


def _code_form(label: str, field_id: str, button: rx.Component, on_submit: object) -> rx.Component:
    """A labelled six-digit field and its one button."""
    return rx.form(
        rx.hstack(
            small_field(
                label,
                field_id,
                rx.input(
                    id=field_id,
                    name="code",
                    auto_complete="one-time-code",
                    required=True,
                    max_length=20,
                    width="12em",
                ),
            ),
            button,
            align="end",
            wrap="wrap",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
    )


def _off() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Off. With two-factor codes on, signing in takes your password and a code from an "
            "authenticator app on your phone, so a stolen password alone cannot open rDrive.",
            size="2",
        ),
        labelled_button(
            "Set up two-factor codes", icon="smartphone", on_click=TwoFactorState.start_setup
        ),
        spacing="2",
    )


def _setting_up() -> rx.Component:
    return rx.vstack(
        rx.text("Scan this QR code with your authenticator app.", size="2"),
        rx.image(
            src=TwoFactorState.qr_code,
            alt="QR code for your authenticator app",
            width="180px",
            height="180px",
            style={"background": "white", "padding": "6px", "border_radius": "6px"},
        ),
        rx.text("Or type this secret into the app:", size="2"),
        rx.code(
            TwoFactorState.secret,
            custom_attrs={"aria-label": "Secret"},
            style={"word_break": "break-all", "font_size": "14px"},
        ),
        _code_form(
            "Code from the app",
            "totp-confirm-code",
            rx.hstack(
                rx.button("Turn on", type="submit"),
                gray_button("Cancel", type="button", on_click=TwoFactorState.cancel_setup),
            ),
            TwoFactorState.confirm_setup,
        ),
        spacing="2",
    )


def _recovery_codes() -> rx.Component:
    return shown_once(
        rx.text(
            "Your recovery codes. Each opens rDrive once if your phone is lost. Keep them "
            "somewhere safe: they are not shown again.",
            size="2",
            weight="medium",
        ),
        rx.el.ul(
            rx.foreach(
                TwoFactorState.recovery_codes,
                lambda code: rx.el.li(rx.code(code, size="3")),
            ),
            custom_attrs={"aria-label": "Recovery codes"},
            class_name="rdrive-code-list",
        ),
        "I have saved them",
        TwoFactorState.hide_recovery_codes,
    )


def _on() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge("On", color_scheme="green", high_contrast=True),
            rx.text(
                TwoFactorState.recovery_left.to_string() + " recovery codes left.",
                size="2",
            ),
            align="center",
        ),
        _code_form(
            "Code to make new recovery codes",
            "totp-renew-code",
            gray_button("New recovery codes", type="submit", icon="refresh-cw"),
            TwoFactorState.renew_recovery_codes,
        ),
        _code_form(
            "Code to turn two-factor codes off",
            "totp-off-code",
            gray_button("Turn off two-factor codes", type="submit", icon="shield-off"),
            TwoFactorState.turn_off,
        ),
        spacing="3",
    )


def two_factor_section() -> rx.Component:
    return settings_section(
        "Two-factor codes",
        error_line(TwoFactorState.error),
        rx.box(
            rx.cond(
                TwoFactorState.recovery_codes.length() > 0,
                _recovery_codes(),
                rx.cond(
                    TwoFactorState.enabled,
                    _on(),
                    rx.cond(TwoFactorState.setting_up, _setting_up(), _off()),
                ),
            ),
            margin_top="0.5em",
        ),
    )
