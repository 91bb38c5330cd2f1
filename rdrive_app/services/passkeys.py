"""Passkeys of an account: made from Settings (named, listed with their last use, removable) and
used to sign in, alone or as the second step after a password.

Each is a PASSKEY credential holding the WebAuthn credential id, its public key and signature
counter (``auth/passkey_ceremonies.py`` runs the ceremonies). A ceremony's challenge is marked
used by a short-lived CEREMONY credential when its answer is accepted: add_credential refuses a
second mark with the same id, so one answer signs in once, even two requests racing with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from rdrive_app.auth import passkey_ceremonies as P
from rdrive_app.core.credentials import Credential, CredentialKind
from rdrive_app.core.domain import User, new_id, utcnow, validate_name
from rdrive_app.core.errors import Conflict, LimitReached, NotAuthenticated, NotFound
from rdrive_app.core.settings import Settings
from rdrive_app.services.sessions import TOUCH_EVERY
from rdrive_app.storage.protocols import Catalog

PASSKEY, CEREMONY = CredentialKind.PASSKEY, CredentialKind.CEREMONY
_ACCOUNT_ID = re.compile(r"[0-9a-f]{32}")  # core.domain.new_id's shape: the user handle given
MAX_PASSKEYS = 20


@dataclass(frozen=True, slots=True)
class PasskeyView:
    """One passkey as its owner sees it in the list."""

    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


def _view(c: Credential) -> PasskeyView:
    used = c.last_used_at if c.data.get("used") == "yes" else None
    return PasskeyView(c.id, c.data["name"], c.created_at, used)


class Passkeys:
    """The passkeys of the accounts of one catalog."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self._catalog = catalog
        self._rp = P.RelyingParty(
            settings.resolved_passkey_rp_id(), settings.resolved_passkey_origins()
        )

    def _passkeys(self, account_id: str) -> list[Credential]:
        return self._catalog.list_credentials(account_id, PASSKEY)

    def list(self, user: User) -> list[PasskeyView]:
        return [_view(c) for c in self._passkeys(user.account_id)]

    def has_any(self, user: User) -> bool:
        return bool(self._passkeys(user.account_id))

    def start_registration(self, user: User, secret: str) -> P.Ceremony:
        existing = self._passkeys(user.account_id)
        if len(existing) >= MAX_PASSKEYS:
            raise LimitReached(f"an account can have at most {MAX_PASSKEYS} passkeys")
        ids = [base64url_to_bytes(c.data["credential_id"]) for c in existing]
        return P.registration(self._rp, user.account_id, user.name, ids, secret)

    def finish_registration(
        self, user: User, token: object, credential: object, name: object, secret: str
    ) -> PasskeyView:
        label = validate_name(name)
        claims = P.read_ceremony(token, P.REGISTER, secret)
        if claims.account_id != user.account_id:
            raise NotAuthenticated(P.NOT_ACCEPTED)
        made = P.verify_registration(self._rp, claims, credential)
        self._mark_used(claims.challenge, user.account_id)
        wanted = bytes_to_base64url(made.credential_id)
        if any(c.data["credential_id"] == wanted for c in self._passkeys(user.account_id)):
            raise Conflict("this passkey is in the list already")
        passkey = Credential(
            id=new_id(),
            account_id=user.account_id,
            kind=PASSKEY,
            data={
                "name": label,
                "user": user.name,
                "credential_id": wanted,
                "public_key": bytes_to_base64url(made.public_key),
                "sign_count": str(made.sign_count),
                "used": "",
            },
        )
        return _view(self._catalog.add_credential(passkey))

    def remove(self, user: User, passkey_id: object) -> None:
        found = self._catalog.get_credential(passkey_id) if isinstance(passkey_id, str) else None
        if found is None or found.kind is not PASSKEY or found.account_id != user.account_id:
            raise NotFound("no such passkey")
        self._catalog.remove_credential(found.id)

    def start_sign_in(self, secret: str, user: User | None = None) -> P.Ceremony:
        """Options for a passkey sign-in: any passkey of this site, or (``user``: the second
        step after a password) one of that account's."""
        if user is None:
            return P.authentication(self._rp, "", [], secret)
        ids = [base64url_to_bytes(c.data["credential_id"]) for c in self._passkeys(user.account_id)]
        return P.authentication(self._rp, user.account_id, ids, secret)

    def finish_sign_in(self, token: object, credential: object, secret: str) -> tuple[str, str]:
        """Check a sign-in answer: (the account's name, its id) whose passkey it was."""
        claims = P.read_ceremony(token, P.SIGN_IN, secret)
        assertion = P.read_assertion(credential)
        account_id = claims.account_id or (assertion.user_handle or b"").decode(errors="replace")
        if not _ACCOUNT_ID.fullmatch(account_id):  # a handle this site never gave out
            raise NotAuthenticated("this passkey is not one of this site's accounts")
        wanted = bytes_to_base64url(assertion.credential_id)
        found = next(
            (c for c in self._passkeys(account_id) if c.data["credential_id"] == wanted), None
        )
        if found is None:
            raise NotAuthenticated("this passkey is not one of this site's accounts")
        public_key = base64url_to_bytes(found.data["public_key"])
        count = P.verify_authentication(
            self._rp, claims, credential, public_key, int(found.data["sign_count"])
        )
        self._mark_used(claims.challenge, account_id)
        self._note_use(found, count)
        return found.data["user"], account_id

    def _mark_used(self, challenge: bytes, account_id: str) -> None:
        """Remember ``challenge`` for as long as its ceremony token lives; Conflict → refused."""
        now = utcnow()
        mark = Credential(
            id=P.challenge_key(challenge),
            account_id=account_id,
            kind=CEREMONY,
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(seconds=P.LIFETIME_S + 60),
        )
        try:
            self._catalog.add_credential(mark)
        except Conflict:
            raise NotAuthenticated("this passkey answer was used already") from None

    def _note_use(self, found: Credential, sign_count: int) -> None:
        now = utcnow()
        data = {**found.data, "sign_count": str(sign_count), "used": "yes"}
        if data != dict(found.data):
            self._catalog.replace_credential_data(found.id, data, found.data)
        if now - found.last_used_at >= TOUCH_EVERY or found.data.get("used") != "yes":
            self._catalog.touch_credential(found.id, now)
