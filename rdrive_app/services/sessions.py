"""Sessions you can see and end: each sign-in is a credential record the token names.

A token is valid only while its session record exists (checked on every API route and every
Reflex handler, through ``AccountService.user_for_token``), so ending a session ends that one
token at once, and the others keep working. The record keeps the device's name (from its
User-Agent), its address, and when it was made and last used; the last use is written at most
once a minute, so a busy page costs one write a minute, not one a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rdrive_app.auth.user_agents import device_name
from rdrive_app.core.credentials import Credential, CredentialKind
from rdrive_app.core.domain import User, new_id, utcnow
from rdrive_app.core.errors import NotAuthenticated, NotFound
from rdrive_app.storage.protocols import Catalog

TOUCH_EVERY = timedelta(minutes=1)
ENDED = "this session has ended; sign in again"
SESSION = CredentialKind.SESSION


@dataclass(frozen=True, slots=True)
class SessionView:
    """One session as its owner sees it in the list."""

    id: str
    device: str
    address: str
    created_at: datetime
    last_used_at: datetime
    current: bool


class Sessions:
    """Starts, checks, lists and ends the sessions of an account."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def start(self, user: User, address: str, user_agent: str | None, lifetime_s: int) -> str:
        """Record a new session of ``user`` and return its id (for the token to name). The
        account's expired sessions go as it does (listing removes them), so they never pile up
        for a user who never opens Settings."""
        self._catalog.list_credentials(user.account_id, SESSION)
        now = utcnow()
        session = Credential(
            id=new_id(),
            account_id=user.account_id,
            kind=SESSION,
            data={"device": device_name(user_agent), "address": address},
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(seconds=lifetime_s),
        )
        return self._catalog.add_credential(session).id

    def check(self, user: User, session_id: str) -> None:
        """NotAuthenticated unless ``session_id`` is a live session of ``user``; notes its use."""
        found = self._catalog.get_credential(session_id)
        if found is None or found.kind is not SESSION or found.account_id != user.account_id:
            raise NotAuthenticated(ENDED)
        now = utcnow()
        if now - found.last_used_at >= TOUCH_EVERY:
            self._catalog.touch_credential(session_id, now)

    def list(self, user: User, current_id: str) -> list[SessionView]:
        """The account's sessions, this one first, then the most recently used."""
        views = [
            SessionView(
                id=c.id,
                device=c.data.get("device", ""),
                address=c.data.get("address", ""),
                created_at=c.created_at,
                last_used_at=c.last_used_at,
                current=c.id == current_id,
            )
            for c in self._catalog.list_credentials(user.account_id, SESSION)
        ]
        return sorted(views, key=lambda v: (v.current, v.last_used_at), reverse=True)

    def end(self, user: User, session_id: str) -> None:
        """End one session of ``user`` (this one included); NotFound for any other id."""
        found = self._catalog.get_credential(session_id) if isinstance(session_id, str) else None
        if found is None or found.kind is not SESSION or found.account_id != user.account_id:
            raise NotFound("no such session")
        self._catalog.remove_credential(session_id)

    def end_all(self, user: User, *, keep: str | None = None) -> int:
        """End every session of ``user`` but ``keep``; how many ended."""
        ended = 0
        for c in self._catalog.list_credentials(user.account_id, SESSION):
            if c.id != keep and self._catalog.remove_credential(c.id):
                ended += 1
        return ended
