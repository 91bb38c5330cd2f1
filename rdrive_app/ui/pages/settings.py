"""The Settings page: where this account is signed in (with a way to end each session),
its two-factor codes, passkeys and app passwords, and how the app looks (light or dark)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.app_passwords import app_passwords_section
from rdrive_app.ui.components.appearance import appearance_section
from rdrive_app.ui.components.controls import gray_button
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.components.passkeys import passkeys_section
from rdrive_app.ui.components.settings_parts import settings_list, settings_row, settings_section
from rdrive_app.ui.components.two_factor import two_factor_section
from rdrive_app.ui.state.settings import SessionRow, SettingsState


def _session(row: ObjectVar[SessionRow]) -> rx.Component:
    return settings_row(
        "monitor-smartphone",
        row.device,
        rx.cond(row.current, rx.badge("This device", color_scheme="green", high_contrast=True)),
        row.detail,
        gray_button(
            "End session",
            icon="log-out",
            on_click=SettingsState.end_session(row.id),
            aria_label=rx.cond(row.current, "End this session", f"End session on {row.device}"),
        ),
    )


def settings_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading("Settings", size="6"),
            rx.cond(
                SettingsState.error != "",
                rx.callout(
                    SettingsState.error, icon="circle-alert", color_scheme="red", role="alert"
                ),
            ),
            settings_section(
                "Where you're signed in",
                settings_list(SettingsState.sessions, _session),
                label="Sessions",
                top=rx.hstack(
                    rx.heading("Where you're signed in", size="4", as_="h2"),
                    rx.spacer(),
                    rx.cond(
                        SettingsState.sessions.length() > 1,
                        gray_button(
                            "End all other sessions",
                            icon="shield-x",
                            on_click=SettingsState.end_other_sessions,
                        ),
                    ),
                    align="center",
                    width="100%",
                ),
            ),
            two_factor_section(),
            passkeys_section(),
            app_passwords_section(),
            appearance_section(),
            spacing="4",
            width="100%",
            max_width="760px",
        ),
        current="Settings",
    )
