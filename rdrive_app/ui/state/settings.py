"""The Settings page (``ui/pages/settings.py``): where this account is signed in, and ending
any of those sessions or all but this one."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx

from rdrive_app.core.domain import utcnow
from rdrive_app.core.errors import RDriveError
from rdrive_app.services.sessions import SessionView
from rdrive_app.ui.state.session import SessionState, protected, services


@dataclasses.dataclass(frozen=True)
class SessionRow:
    """One session in the list, as the page shows it."""

    id: str = ""
    device: str = ""
    current: bool = False
    detail: str = ""  # "192.0.2.7 · signed in 3 h ago · active now"


def ago(when: datetime, now: datetime) -> str:
    """ "just now", "5 min ago", "3 h ago", "4 days ago", then the date."""
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 90:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    if seconds < 14 * 86400:
        days = seconds // 86400
        return f"{days} day{'s' if days > 1 else ''} ago"
    return f"{when:%d %b %Y}"


def session_row(view: SessionView, now: datetime) -> SessionRow:
    active = "now" if view.current else ago(view.last_used_at, now)
    detail = f"{view.address} · signed in {ago(view.created_at, now)} · active {active}"
    return SessionRow(view.id, view.device, view.current, detail)


class SettingsState(SessionState):
    """The sessions shown on the Settings page."""

    sessions: rx.Field[list[SessionRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")

    @protected
    async def load_settings(self) -> None:
        """on_load of /settings: this account's sessions, this one first."""
        await self._reload()

    async def _reload(self) -> None:
        accounts = services().accounts
        try:
            signed_in = await asyncio.to_thread(accounts.signed_in, self._token)
            views = await asyncio.to_thread(
                accounts.sessions.list, signed_in.user, signed_in.session_id
            )
        except RDriveError as exc:
            self.error = exc.detail
            return
        now = utcnow()
        self.sessions = [session_row(v, now) for v in views]
        self.error = ""

    @protected
    async def end_session(self, session_id: Any) -> Any:
        """End one session; ending this one signs this page out."""
        if not isinstance(session_id, str) or not session_id:
            self.error = "no such session"
            return None
        accounts = services().accounts
        try:
            signed_in = await asyncio.to_thread(accounts.signed_in, self._token)
            await asyncio.to_thread(accounts.sessions.end, signed_in.user, session_id)
        except RDriveError as exc:
            self.error = exc.detail
            return None
        if session_id == signed_in.session_id:
            return SessionState.sign_out
        await self._reload()
        return None

    @protected
    async def end_other_sessions(self) -> None:
        """End every session of this account but this one."""
        accounts = services().accounts
        try:
            signed_in = await asyncio.to_thread(accounts.signed_in, self._token)
            await asyncio.to_thread(
                lambda: accounts.sessions.end_all(signed_in.user, keep=signed_in.session_id)
            )
        except RDriveError as exc:
            self.error = exc.detail
            return
        await self._reload()
