"""Settings' Appearance: light, dark, or as the system says (the default). The choice is the
browser's (Reflex's colour mode, kept in its local storage), so it is made in the page without
a round trip, and a phone and a laptop can differ."""

from __future__ import annotations

import reflex as rx
from reflex.style import set_color_mode

from rdrive_app.ui.components.settings_parts import settings_section

MODES = {"system": "As the system", "light": "Light", "dark": "Dark"}


def _choice(mode: str, label: str) -> rx.Component:
    return rx.text(
        rx.flex(rx.radio_group.item(value=mode), label, gap="2", align="center"),
        as_="label",
        size="2",
        style={"min_height": "44px", "display": "flex", "align_items": "center"},
    )


def appearance_section() -> rx.Component:
    """A radio group named "Appearance"; the page follows it at once."""
    return settings_section(
        "Appearance",
        rx.radio_group.root(
            rx.flex(*(_choice(m, label) for m, label in MODES.items()), gap="4", wrap="wrap"),
            value=rx.color_mode,
            on_change=lambda mode: set_color_mode(mode),
            aria_label="Appearance",
        ),
    )
