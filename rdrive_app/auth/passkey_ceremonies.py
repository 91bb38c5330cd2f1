"""Passkeys (WebAuthn) with duo-labs' py_webauthn: the options a browser needs, and the checks of
what it answers. Nothing here stores anything (services/passkeys.py does).

A ceremony's challenge travels in a short-lived signed token (``ceremony token``) rather than in
a server-side record, so starting a sign-in costs no write and a stranger cannot fill a table by
asking; each challenge is marked used when its answer is accepted, so an answer cannot be
replayed. Passkeys are made discoverable (the sign-in needs no name) and with user verification
(a PIN or a fingerprint on the device), which is why a passkey alone is enough to sign in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import jwt
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from rdrive_app.core.errors import InvalidInput, NotAuthenticated

ALGORITHM = "HS256"
LIFETIME_S = 300
REGISTER, SIGN_IN = "passkey-register", "passkey-sign-in"
RP_NAME = "rDrive"
NOT_ACCEPTED = "the passkey's answer was not accepted; try again"
EXPIRED = "that took too long; try the passkey again"


@dataclass(frozen=True, slots=True)
class Ceremony:
    """What the browser needs for one ceremony: its token (sent back with the answer) and the
    WebAuthn options as JSON (``navigator.credentials.create``/``get`` after decoding)."""

    token: str
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CeremonyClaims:
    purpose: str
    challenge: bytes
    account_id: str  # "" for a sign-in that starts without a name


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """Who the passkeys are for (from the settings): the rp id and the accepted origins."""

    rp_id: str
    origins: list[str]


def _key(secret: str, purpose: str) -> str:
    return hmac.new(secret.encode(), f"rdrive {purpose}".encode(), hashlib.sha256).hexdigest()


def _token(purpose: str, challenge: bytes, account_id: str, secret: str) -> str:
    now = int(time.time())
    claims = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "aid": account_id,
        "iat": now,
        "exp": now + LIFETIME_S,
    }
    return jwt.encode(claims, _key(secret, purpose), algorithm=ALGORITHM)


def read_ceremony(token: object, purpose: str, secret: str) -> CeremonyClaims:
    """The claims of a genuine, unexpired ceremony token of ``purpose``; NotAuthenticated else."""
    if not isinstance(token, str) or not token:
        raise NotAuthenticated(NOT_ACCEPTED)
    try:
        claims = jwt.decode(
            token,
            _key(secret, purpose),
            algorithms=[ALGORITHM],
            options={"require": ["purpose", "challenge", "aid", "iat", "exp"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated(EXPIRED) from None
    except jwt.PyJWTError:
        raise NotAuthenticated(NOT_ACCEPTED) from None
    if claims.get("purpose") != purpose or not isinstance(claims.get("aid"), str):
        raise NotAuthenticated(NOT_ACCEPTED)
    try:
        challenge = base64url_to_bytes(str(claims["challenge"]))
    except ValueError:
        raise NotAuthenticated(NOT_ACCEPTED) from None
    return CeremonyClaims(purpose, challenge, claims["aid"])


def challenge_key(challenge: bytes) -> str:
    """The id under which a used challenge is remembered (so its answer is accepted once)."""
    return "ceremony-" + hashlib.sha256(challenge).hexdigest()[:32]


def registration(
    rp: RelyingParty, account_id: str, name: str, existing: list[bytes], secret: str
) -> Ceremony:
    """Options to make a passkey for this account (not one its authenticator already has)."""
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=RP_NAME,
        user_id=account_id.encode(),
        user_name=name,
        user_display_name=name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in existing],
    )
    token = _token(REGISTER, options.challenge, account_id, secret)
    return Ceremony(token, json.loads(options_to_json(options)))


@dataclass(frozen=True, slots=True)
class NewPasskey:
    credential_id: bytes
    public_key: bytes
    sign_count: int


def verify_registration(rp: RelyingParty, claims: CeremonyClaims, credential: object) -> NewPasskey:
    """Check the browser's answer to ``registration``; InvalidInput when it does not hold."""
    refusal = InvalidInput("the new passkey could not be checked; try again")
    verified = _checked(verify_registration_response, rp, claims, credential, refusal)
    return NewPasskey(verified.credential_id, verified.credential_public_key, verified.sign_count)


def authentication(
    rp: RelyingParty, account_id: str, allowed: list[bytes], secret: str
) -> Ceremony:
    """Options to sign in with a passkey: any of this site's (``account_id`` ""), or, as a
    second factor, one of ``allowed`` of that account."""
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        allow_credentials=[PublicKeyCredentialDescriptor(id=c) for c in allowed],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    token = _token(SIGN_IN, options.challenge, account_id, secret)
    return Ceremony(token, json.loads(options_to_json(options)))


@dataclass(frozen=True, slots=True)
class Assertion:
    """What a sign-in answer says before it is checked: which passkey, and whose."""

    credential_id: bytes
    user_handle: bytes | None


def read_assertion(credential: object) -> Assertion:
    data = _credential(credential)
    try:
        raw_id = base64url_to_bytes(str(data["rawId"]))
        handle = (data.get("response") or {}).get("userHandle")
        return Assertion(raw_id, base64url_to_bytes(str(handle)) if handle else None)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise NotAuthenticated(NOT_ACCEPTED) from None


def verify_authentication(
    rp: RelyingParty,
    claims: CeremonyClaims,
    credential: object,
    public_key: bytes,
    sign_count: int,
) -> int:
    """Check a sign-in answer against the stored passkey; its new signature counter."""
    verified = _checked(
        verify_authentication_response,
        rp,
        claims,
        credential,
        NotAuthenticated(NOT_ACCEPTED),
        credential_public_key=public_key,
        credential_current_sign_count=sign_count,
    )
    return verified.new_sign_count


def _checked(
    verify: Any,
    rp: RelyingParty,
    claims: CeremonyClaims,
    credential: object,
    refusal: Exception,
    **more: Any,
) -> Any:
    """``verify`` (py_webauthn's) of an answer to this ceremony, user verification required;
    ``refusal`` raised when the answer does not hold."""
    try:
        return verify(
            credential=_credential(credential),
            expected_challenge=claims.challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origins,
            require_user_verification=True,
            **more,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise refusal from None


def _credential(credential: object) -> dict[str, Any]:
    """The browser's PublicKeyCredential as JSON (a dict, or its text)."""
    if isinstance(credential, str) and len(credential) < 64_000:
        try:
            credential = json.loads(credential)
        except ValueError:
            raise InvalidInput("a passkey answer must be JSON") from None
    if not isinstance(credential, dict):
        raise InvalidInput("a passkey answer must be a JSON object")
    return credential
