"""Device tokens: OWASP's "device cookies", so the real user is never locked out by strangers.

A successful sign-in hands the browser a device token (the API as an HttpOnly cookie, the web
page in its local storage); the next sign-in from that device sends it back. A sign-in that
carries a genuine device token of the account it names is held only by the failures of that
device, never by the per-name ceiling a distributed guesser can fill (``auth/throttle.py``).
A device token proves only that this device once knew the password: the password is still
checked every time, and a token of one account says nothing about another.

The token is ``d1.<account id>.<device id>.<expiry>.<mac>``: HMAC-SHA256 under a key derived
from the JWT key, so a device token is never a session token, nor the other way round, and
nothing needs storing. Tokens of an account removed and made again name the old account id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

VERSION = "d1"
MAX_TOKEN_CHARS = 200
_KEY_LABEL = b"rdrive device token v1"


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _KEY_LABEL, hashlib.sha256).digest()


def _mac(payload: str, secret: str) -> str:
    digest = hmac.new(_key(secret), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_device_id() -> str:
    return secrets.token_urlsafe(16)


def issue_device_token(account_id: str, device_id: str, secret: str, lifetime_s: int) -> str:
    """A device token for ``device_id`` of ``account_id``, valid for ``lifetime_s`` seconds."""
    payload = f"{VERSION}.{account_id}.{device_id}.{int(time.time()) + lifetime_s}"
    return f"{payload}.{_mac(payload, secret)}"


def device_of(token: object, account_id: str, secret: str) -> str | None:
    """The device id of a genuine, unexpired device token of ``account_id``; None for anything
    else (absent, forged, expired, another account's): such a sign-in is simply not trusted."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    payload, mac = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(mac.encode(), _mac(payload, secret).encode()):
        return None
    _, token_account, device_id, expires = parts[:4]
    if token_account != account_id or not device_id or not expires.isdigit():
        return None
    if int(expires) <= time.time():
        return None
    return device_id
