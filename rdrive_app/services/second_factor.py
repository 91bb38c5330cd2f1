"""Two-factor codes for an account: enrol, confirm, check at sign-in, turn off, reset.

The authenticator's secret is a TOTP credential (``auth/totp.py``), pending until a first code
from the phone confirms it; confirming makes ten recovery codes (``auth/recovery_codes.py``),
each a credential of its own that is removed when used. Every accepted code is written back
compare-and-set (the TOTP's last step, a recovery code's removal), so two requests racing with
one code let one through, never both.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from rdrive_app.auth.recovery_codes import (
    looks_like_recovery_code,
    new_recovery_codes,
    recovery_digest,
)
from rdrive_app.auth.totp import accepted_step, new_secret, otpauth_uri, qr_svg_data_uri
from rdrive_app.core.credentials import Credential, CredentialKind
from rdrive_app.core.domain import User, new_id
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.storage.protocols import Catalog

TOTP, RECOVERY = CredentialKind.TOTP, CredentialKind.RECOVERY
CONFIRMED = "yes"
METHODS = ["totp", "recovery_code"]
WRONG_CODE = "That code is not right. Use the newest code from your app, or a recovery code."


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """What the authenticator app needs: the secret (typed by hand) or its QR code."""

    secret: str
    otpauth_uri: str
    qr_code: str  # an SVG as a data: URI


@dataclass(frozen=True, slots=True)
class TwoFactorStatus:
    totp: bool
    recovery_codes_left: int


class SecondFactors:
    """The second factors of the accounts of one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def _totps(self, user: User) -> list[Credential]:
        return self._catalog.list_credentials(user.account_id, TOTP)

    def _confirmed(self, user: User) -> Credential | None:
        return next((c for c in self._totps(user) if c.data.get("confirmed") == CONFIRMED), None)

    def status(self, user: User) -> TwoFactorStatus:
        enrolled = self._confirmed(user) is not None
        left = len(self._catalog.list_credentials(user.account_id, RECOVERY)) if enrolled else 0
        return TwoFactorStatus(enrolled, left)

    def enrolled(self, user: User) -> bool:
        return self._confirmed(user) is not None

    def methods(self, user: User) -> list[str]:
        """How this account can finish a sign-in (for the login answer)."""
        return list(METHODS) if self.enrolled(user) else []

    def start_totp(self, user: User) -> TotpEnrolment:
        """A new secret, pending until ``confirm_totp``; an earlier pending one is dropped.
        Conflict when codes are on already (turn them off first)."""
        if self._confirmed(user) is not None:
            raise Conflict("two-factor codes are on already; turn them off first")
        for pending in self._totps(user):
            self._catalog.remove_credential(pending.id)
        secret = new_secret()
        uri = otpauth_uri(secret, user.name)
        self._catalog.add_credential(
            Credential(
                id=new_id(),
                account_id=user.account_id,
                kind=TOTP,
                data={"secret": secret, "confirmed": "", "last_step": "0"},
            )
        )
        return TotpEnrolment(secret, uri, qr_svg_data_uri(uri))

    def confirm_totp(self, user: User, code: object) -> list[str]:
        """Turn codes on with a first code from the app; the recovery codes, shown once."""
        if self._confirmed(user) is not None:
            raise Conflict("two-factor codes are on already")
        pending = next(iter(self._totps(user)), None)
        if pending is None:
            raise NotFound("start setting up two-factor codes first")
        step = accepted_step(pending.data["secret"], code, 0)
        if step is None:
            raise InvalidInput(
                "that code is not right; type the six digits your app shows now "
                "(and check that the phone's clock is set automatically)"
            )
        data = {**pending.data, "confirmed": CONFIRMED, "last_step": str(step)}
        if not self._catalog.replace_credential_data(pending.id, data, pending.data):
            raise Conflict("two-factor codes were changed meanwhile; start again")
        return self.new_recovery_codes(user)

    def new_recovery_codes(self, user: User) -> list[str]:
        """Ten fresh recovery codes; the earlier ones stop working."""
        for old in self._catalog.list_credentials(user.account_id, RECOVERY):
            self._catalog.remove_credential(old.id)
        codes = new_recovery_codes()
        for code in codes:
            self._catalog.add_credential(
                Credential(
                    id=new_id(),
                    account_id=user.account_id,
                    kind=RECOVERY,
                    data={"digest": recovery_digest(user.account_id, code)},
                )
            )
        return codes

    def verify(self, user: User, code: object) -> bool:
        """Whether ``code`` (a TOTP code or a recovery code) is right, used up if it is."""
        totp = self._confirmed(user)
        if totp is None or not isinstance(code, str):
            return False
        if looks_like_recovery_code(code):
            return self._use_recovery_code(user, code)
        step = accepted_step(totp.data["secret"], code, int(totp.data.get("last_step") or 0))
        if step is None:
            return False
        data = {**totp.data, "last_step": str(step)}
        return self._catalog.replace_credential_data(totp.id, data, totp.data)

    def _use_recovery_code(self, user: User, code: str) -> bool:
        digest = recovery_digest(user.account_id, code)
        for stored in self._catalog.list_credentials(user.account_id, RECOVERY):
            if hmac.compare_digest(stored.data.get("digest", ""), digest):
                return self._catalog.remove_credential(stored.id)
        return False

    def turn_off(self, user: User) -> int:
        """Remove the account's codes and recovery codes (after a check, or by the CLI for
        someone who lost their phone); how many records went."""
        removed = 0
        for kind in (TOTP, RECOVERY):
            for c in self._catalog.list_credentials(user.account_id, kind):
                removed += self._catalog.remove_credential(c.id)
        return removed
