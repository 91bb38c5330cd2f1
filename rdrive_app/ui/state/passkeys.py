"""Passkeys on the Settings page: add one (the browser makes it: page command passkeyCreate,
answer through the passkey bridge), list them with their last use, remove one."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from rdrive_app.core.domain import utcnow, validate_name
from rdrive_app.core.errors import RDriveError
from rdrive_app.services.passkeys import PasskeyView
from rdrive_app.ui.state.session import SessionState, form_field, protected, services
from rdrive_app.ui.state.settings import ago
from rdrive_app.ui.state.upload_protocol import page_command

CANCELLED = "No passkey was made: it was cancelled, or the device said no."


@dataclasses.dataclass(frozen=True)
class PasskeyRow:
    id: str = ""
    name: str = ""
    detail: str = ""  # "made 3 days ago · last used 5 min ago"


def passkey_row(view: PasskeyView) -> PasskeyRow:
    now = utcnow()
    used = "never used" if view.last_used_at is None else f"last used {ago(view.last_used_at, now)}"
    return PasskeyRow(view.id, view.name, f"made {ago(view.created_at, now)} · {used}")


def browser_answer(value: Any) -> tuple[dict | None, str]:
    """(the credential, "") from what the passkey script wrote to the bridge, or (None, the
    browser's reason)."""
    try:
        message = json.loads(value) if isinstance(value, str) and len(value) < 64_000 else None
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return None, "the browser's answer was not understood"
    if message.get("ok") is True and isinstance(message.get("credential"), dict):
        return message["credential"], ""
    return None, str(message.get("error") or "no answer")[:200]


class PasskeysState(SessionState):
    """The passkeys section of Settings; the ceremony's token stays on the server."""

    rows: rx.Field[list[PasskeyRow]] = rx.field(default_factory=list)
    busy: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    _ceremony: rx.Field[str] = rx.field("")
    _pending_name: rx.Field[str] = rx.field("")

    @protected
    async def load_passkeys(self) -> None:
        """on_load of /settings."""
        self.busy, self.error, self._ceremony = False, "", ""
        await self._reload()

    async def _reload(self) -> None:
        self.rows, self.error = await self._listed(services().accounts.passkeys.list, passkey_row)

    @protected
    async def add_passkey(self, form_data: dict) -> EventSpec | None:
        """Ask the browser to make a passkey named as the form says."""
        try:
            name = validate_name(form_field(form_data, "name"))
        except RDriveError as exc:
            self.error = exc.detail
            return None
        ceremony, self.error = await self._as_user(services().accounts.start_passkey_registration)
        if ceremony is None:
            return None
        self._ceremony, self._pending_name, self.busy = ceremony.token, name, True
        return page_command("passkeyCreate", ceremony.options)

    @protected
    async def passkey_made(self, value: Any) -> None:
        """The browser's answer (the passkey bridge): keep the new passkey."""
        credential, why = browser_answer(value)
        token, name = self._ceremony, self._pending_name
        self.busy, self._ceremony = False, ""
        if credential is None:
            self.error = f"{CANCELLED} ({why})"
            return
        _, self.error = await self._as_user(
            services().accounts.finish_passkey_registration, token, credential, name
        )
        await self._reload()

    @protected
    async def remove(self, passkey_id: Any) -> None:
        _, self.error = await self._as_user(services().accounts.passkeys.remove, passkey_id)
        if not self.error:
            await self._reload()
