"""What hangs off an account besides its password: sessions, second factors and app
passwords. One record shape for all of them (a kind, an owner, a few text fields
and three times), so each backend stores them with one set of primitives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from rdrive_app.core.domain import utcnow


class CredentialKind(StrEnum):
    SESSION = "session"  # one signed-in browser or client; a token names it
    TOTP = "totp"  # an authenticator app's secret (pending until a first code confirms it)
    RECOVERY = "recovery"  # one single-use recovery code, as a digest
    PASSKEY = "passkey"  # a WebAuthn credential: its id, public key and signature counter
    CEREMONY = "ceremony"  # a passkey challenge whose answer was accepted (refused again)
    APP_PASSWORD = "app_password"  # noqa: S105 (a kind: a named, scoped password for WebDAV)


class Scope(StrEnum):
    """What an app password may do: ``read`` (GET and HEAD only) or ``write`` (change too)."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class Credential:
    """One credential of one account. ``data`` holds the kind's own fields (a session: its
    device and address), all text; ``expires_at`` None means until removed."""

    id: str
    account_id: str
    kind: CredentialKind
    data: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    created_at: datetime = field(default_factory=utcnow)
    last_used_at: datetime = field(default_factory=utcnow)
    expires_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now
