"""App passwords' own shape: ``rdap-<id>-<secret>``, so one is told from a session token at a
glance and found by its id in one read, never by trying each stored one.

The secret is 160 random bits, kept only as a SHA-256 digest salted with the account's id: a
random secret that long needs no slow hash to be out of reach of guessing (and a WebDAV client
sends it with every request, which a bcrypt check each time could not keep up with).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

PREFIX = "rdap"
_SHAPE = re.compile(r"rdap-([0-9a-f]{32})-([a-z2-7]{32})")


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()


def app_password_text(credential_id: str, secret: str) -> str:
    """What the person copies into their client."""
    return f"{PREFIX}-{credential_id}-{secret}"


def parse_app_password(text: object) -> tuple[str, str] | None:
    """(id, secret) of something shaped like an app password, else None."""
    if not isinstance(text, str):
        return None
    match = _SHAPE.fullmatch(text.strip())
    return (match.group(1), match.group(2)) if match else None


def secret_digest(account_id: str, secret: str) -> str:
    return hashlib.sha256(f"{account_id}:{secret}".encode()).hexdigest()
