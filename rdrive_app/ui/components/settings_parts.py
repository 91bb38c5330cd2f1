"""What the sections of Settings share: a titled section, a plain list of rows, and the green
box that shows a secret once (recovery codes, a new app password)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar

from rdrive_app.ui.components.controls import gray_button, listing

_LIST_STYLE = {"list_style": "none", "padding": "0", "margin": "0.5em 0 0 0"}


def settings_section(
    title: str, *children: rx.Component, label: str | None = None, top: Any = None
) -> rx.Component:
    """A section named ``label`` (default: its title) for assistive technology; ``top``
    replaces the plain heading (a heading with a button beside it)."""
    heading = top if top is not None else rx.heading(title, size="4", as_="h2")
    return rx.el.section(
        heading, *children, custom_attrs={"aria-label": label or title}, width="100%"
    )


def settings_list(rows: ArrayVar, render: Any) -> rx.Component:
    """A list without bullets, one row per item, each drawn by ``render``."""
    return listing(rows, render, container=rx.el.ul, style=_LIST_STYLE)


def shown_once(intro: rx.Component, secret: rx.Component, done: str, on_done: Any) -> rx.Component:
    """A secret shown this once, and the button that puts it away."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(intro, secret, rx.button(done, on_click=on_done), spacing="2"),
        color_scheme="green",
    )


def settings_row(
    icon: str, title: Any, badge: rx.Component, detail: Any, button: rx.Component
) -> rx.Component:
    """One row of a Settings list: an icon, a bold title with a badge, a grey line of detail,
    and the row's one button at the end."""
    return rx.el.li(
        rx.hstack(
            rx.icon(icon, size=20),
            rx.vstack(
                rx.hstack(
                    rx.text(title, weight="bold", size="2"), badge, align="center", spacing="2"
                ),
                rx.text(detail, size="1", color_scheme="gray"),
                spacing="1",
                style={"flex": "1 1 12em", "min_width": "0"},
            ),
            button,
            align="center",
            width="100%",
            wrap="wrap",  # a phone's width: the button goes under the text, never past the edge
        ),
        style={"padding": "0.6em 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def small_field(label: str, field_id: str, control: rx.Component) -> rx.Component:
    """A control with its small label above it (``field_id`` ties the two together)."""
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"font_size": "13px"}), control, spacing="1"
    )


def remove_button(label: str, on_click: Any, name: Any) -> rx.Component:
    """A row's "Remove" or "Revoke" button, named ``name`` for assistive technology."""
    return gray_button(label, icon="trash-2", on_click=on_click, aria_label=name)


def named_form(
    label: str,
    field_id: str,
    placeholder: str,
    *more: rx.Component,
    submit: rx.Component,
    on_submit: Any,
) -> rx.Component:
    """A one-line form: a name field (``label``), maybe ``more`` fields, the submit button."""
    field = rx.input(
        id=field_id,
        name="name",
        placeholder=placeholder,
        required=True,
        max_length=100,
        width="16em",
    )
    return rx.form(
        rx.hstack(small_field(label, field_id, field), *more, submit, align="end", wrap="wrap"),
        on_submit=on_submit,
        reset_on_submit=True,
    )
