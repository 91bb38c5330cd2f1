"""The Settings page: where this account is signed in (with a way to end each session),
and its two-factor codes."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import gray_button, listing
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.components.two_factor import two_factor_section
from rdrive_app.ui.state.settings import SessionRow, SettingsState


def _session(row: ObjectVar[SessionRow]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.icon("monitor-smartphone", size=20),
            rx.vstack(
                rx.hstack(
                    rx.text(row.device, weight="bold", size="2"),
                    rx.cond(row.current, rx.badge("This device", color_scheme="green")),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    row.detail,
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.spacer(),
            gray_button(
                "End session",
                icon="log-out",
                on_click=SettingsState.end_session(row.id),
                aria_label=rx.cond(row.current, "End this session", f"End session on {row.device}"),
            ),
            align="center",
            width="100%",
        ),
        custom_attrs={"data-rdrive-session": row.id},
        style={"padding": "0.6em 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def settings_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading("Settings", size="6"),
            rx.cond(
                SettingsState.error != "",
                rx.callout(SettingsState.error, icon="circle-alert", color_scheme="red"),
            ),
            rx.el.section(
                rx.hstack(
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
                listing(
                    SettingsState.sessions,
                    _session,
                    container=rx.el.ul,
                    style={"list_style": "none", "padding": "0", "margin": "0.5em 0 0 0"},
                ),
                custom_attrs={"aria-label": "Sessions"},
                width="100%",
            ),
            two_factor_section(),
            spacing="4",
            width="100%",
            max_width="760px",
        ),
    )
