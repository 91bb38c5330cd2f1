"""The passkeys section of Settings, and the hidden bridge the passkey script answers through
(assets/rdrive_passkeys.js writes the browser's answer there)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components.controls import error_line, hidden_bridge
from rdrive_app.ui.components.settings_parts import (
    named_form,
    remove_button,
    settings_list,
    settings_row,
    settings_section,
)
from rdrive_app.ui.state.passkeys import PasskeyRow, PasskeysState

PASSKEY_BRIDGE_ID = "rdrive-passkey-bridge"  # assets/rdrive_passkeys.js BRIDGE_ID


def passkey_bridge(on_answer: Any) -> rx.Component:
    """The hidden input the passkey script writes its answer to; ``on_answer`` reads it."""
    return hidden_bridge(PASSKEY_BRIDGE_ID, on_answer)


def _row(row: ObjectVar[PasskeyRow]) -> rx.Component:
    return settings_row(
        "fingerprint",
        row.name,
        rx.badge("Passkey", color_scheme="gray", high_contrast=True),
        row.detail,
        remove_button("Remove", PasskeysState.remove(row.id), f"Remove passkey {row.name}"),
    )


def passkeys_section() -> rx.Component:
    return settings_section(
        "Passkeys",
        rx.text(
            "Sign in with your phone's or laptop's screen lock instead of a password and code. "
            "A passkey stays on your device; rDrive keeps only its public key.",
            size="2",
            color_scheme="gray",
        ),
        error_line(PasskeysState.error),
        named_form(
            "Passkey name",
            "passkey-name",
            "phone",
            submit=rx.button("Add a passkey", type="submit", loading=PasskeysState.busy),
            on_submit=PasskeysState.add_passkey,
        ),
        settings_list(PasskeysState.rows, _row),
        passkey_bridge(PasskeysState.passkey_made),
    )
