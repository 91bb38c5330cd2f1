"""App passwords: for the clients that cannot do a second factor or a browser sign-in (WebDAV,
rclone, scripts, ``rdrive import --url``).

Each is named, random, shown once, kept as a digest (``auth/app_password_tokens.py``) and
scoped: ``read`` may only read (GET and HEAD), ``write`` may change the library too. They open
the library's routes only: never the web UI, never the sign-in routes, never the account's
settings (sessions, two-factor codes, app passwords themselves), so a leaked app password cannot
lock its owner out or make itself another. Last use is noted at most once a minute.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from rdrive_app.auth.app_password_tokens import (
    app_password_text,
    new_secret,
    parse_app_password,
    secret_digest,
)
from rdrive_app.core.credentials import Credential, CredentialKind, Scope
from rdrive_app.core.domain import User, new_id, utcnow, validate_name
from rdrive_app.core.errors import (
    InvalidInput,
    LimitReached,
    NotAllowed,
    NotAuthenticated,
    NotFound,
)
from rdrive_app.services.sessions import TOUCH_EVERY
from rdrive_app.storage.protocols import Catalog

APP_PASSWORD = CredentialKind.APP_PASSWORD
MAX_APP_PASSWORDS = 20
REVOKED = "this app password is not valid (revoked, or mistyped); make a new one in Settings"


@dataclass(frozen=True, slots=True)
class AppPasswordView:
    """One app password as its owner sees it in the list (never the password)."""

    id: str
    name: str
    scope: Scope
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewAppPassword:
    """A new app password: ``password`` is shown this once."""

    id: str
    name: str
    scope: Scope
    password: str


@dataclass(frozen=True, slots=True)
class AppPasswordUse:
    """Who an app password belongs to, and what it may do."""

    user: User
    credential_id: str
    scope: Scope


def parse_scope(scope: object) -> Scope:
    if not isinstance(scope, str) or scope not in set(Scope):
        raise InvalidInput("scope must be 'read' or 'write'")
    return Scope(scope)


def _view(c: Credential) -> AppPasswordView:
    used = c.data.get("used") == "yes"
    return AppPasswordView(
        c.id, c.data["name"], Scope(c.data["scope"]), c.created_at, c.last_used_at if used else None
    )


class AppPasswords:
    """Makes, lists, revokes and checks the app passwords of the accounts of one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    @staticmethod
    def looks_like(text: object) -> bool:
        """Whether ``text`` has an app password's shape (a bearer token or a Basic password)."""
        return parse_app_password(text) is not None

    def create(self, user: User, name: object, scope: object) -> NewAppPassword:
        label, allowed = validate_name(name), parse_scope(scope)
        existing = self._catalog.list_credentials(user.account_id, APP_PASSWORD)
        if len(existing) >= MAX_APP_PASSWORDS:
            raise LimitReached(
                f"an account can have at most {MAX_APP_PASSWORDS} app passwords; revoke one first"
            )
        credential_id, secret = new_id(), new_secret()
        self._catalog.add_credential(
            Credential(
                id=credential_id,
                account_id=user.account_id,
                kind=APP_PASSWORD,
                data={
                    "user": user.name,
                    "name": label,
                    "scope": str(allowed),
                    "digest": secret_digest(user.account_id, secret),
                    "used": "",
                },
            )
        )
        return NewAppPassword(
            credential_id, label, allowed, app_password_text(credential_id, secret)
        )

    def list(self, user: User) -> list[AppPasswordView]:
        """Newest first."""
        return [_view(c) for c in self._catalog.list_credentials(user.account_id, APP_PASSWORD)]

    def revoke(self, user: User, credential_id: object) -> None:
        found = self._own(user, credential_id)
        if found is None:
            raise NotFound("no such app password")
        self._catalog.remove_credential(found.id)

    def _own(self, user: User, credential_id: object) -> Credential | None:
        if not isinstance(credential_id, str):
            return None
        found = self._catalog.get_credential(credential_id)
        if found is None or found.kind is not APP_PASSWORD or found.account_id != user.account_id:
            return None
        return found

    def check(self, text: object, *, writes: bool, username: str | None = None) -> AppPasswordUse:
        """The account an app password belongs to, when it is genuine and allows this request
        (``writes``: it changes something); ``username``, when the client sent one (Basic
        auth), must be that account's. NotAuthenticated or NotAllowed otherwise."""
        parsed = parse_app_password(text)
        found = self._catalog.get_credential(parsed[0]) if parsed else None
        if parsed is None or found is None or found.kind is not APP_PASSWORD:
            raise NotAuthenticated(REVOKED)
        digest = secret_digest(found.account_id, parsed[1])
        if not hmac.compare_digest(found.data.get("digest", ""), digest):
            raise NotAuthenticated(REVOKED)
        # An account removed and made again under its name has another id: not its password.
        user = self._catalog.get_user(found.data.get("user", ""))
        if user is None or user.account_id != found.account_id:
            raise NotAuthenticated(REVOKED)
        if username is not None and username.casefold() != user.name.casefold():
            raise NotAuthenticated(REVOKED)
        scope = Scope(found.data["scope"])
        if writes and scope is not Scope.WRITE:
            raise NotAllowed("this app password is read-only; make one that may write in Settings")
        self._note_use(found)
        return AppPasswordUse(user, found.id, scope)

    def _note_use(self, found: Credential) -> None:
        now = utcnow()
        if found.data.get("used") != "yes":
            self._catalog.replace_credential_data(
                found.id, {**found.data, "used": "yes"}, found.data
            )
            self._catalog.touch_credential(found.id, now)
        elif now - found.last_used_at >= TOUCH_EVERY:
            self._catalog.touch_credential(found.id, now)
