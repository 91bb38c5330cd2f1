"""The app-passwords section of Settings: what they are for, a form to make one, the new
password shown once, and the list with a Revoke button each."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import error_line
from rdrive_app.ui.components.settings_parts import (
    named_form,
    remove_button,
    settings_list,
    settings_row,
    settings_section,
    shown_once,
    small_field,
)
from rdrive_app.ui.state.app_passwords import AppPasswordRow, AppPasswordsState


def _row(row: ObjectVar[AppPasswordRow]) -> rx.Component:
    return settings_row(
        "key-round",
        row.name,
        rx.badge(row.access, color_scheme="gray", high_contrast=True),
        row.detail,
        remove_button("Revoke", AppPasswordsState.revoke(row.id), f"Revoke {row.name}"),
    )


def _new_password() -> rx.Component:
    return shown_once(
        rx.text(
            "Copy the password for “",
            AppPasswordsState.new_name,
            "” now: it is not shown again. Use it with your username in the WebDAV "
            "client or script.",
            size="2",
            weight="medium",
        ),
        rx.code(
            AppPasswordsState.new_password,
            custom_attrs={"aria-label": "New app password"},
            style={"word_break": "break-all", "font_size": "14px"},
        ),
        "Done",
        AppPasswordsState.hide_new_password,
    )


def _create_form() -> rx.Component:
    return named_form(
        "App password name",
        "app-password-name",
        "rclone on the laptop",
        small_field(
            "Access",
            "app-password-scope",
            rx.el.select(
                rx.el.option("Read only", value="read"),
                rx.el.option("Read and write", value="write"),
                id="app-password-scope",
                name="scope",
                default_value="read",
                style={"height": "32px", "padding": "0 0.5em"},
            ),
        ),
        submit=rx.button("Create app password", type="submit"),
        on_submit=AppPasswordsState.create,
    )


def app_passwords_section() -> rx.Component:
    return settings_section(
        "App passwords",
        rx.text(
            "For WebDAV, rclone and scripts, which cannot take a two-factor code: each has its "
            "own password, read-only or read-write, that you can revoke alone. They never open "
            "this page or the web app.",
            size="2",
            color_scheme="gray",
        ),
        error_line(AppPasswordsState.error),
        rx.cond(AppPasswordsState.new_password != "", _new_password(), _create_form()),
        settings_list(AppPasswordsState.rows, _row),
    )
