"""Recovery codes: the way in for someone whose phone is lost. Ten, each used once.

Each is 60 random bits (twelve base32 letters and digits, shown as three groups of four) and
is kept only as a SHA-256 digest salted with the account's id: unlike a password, a random
code of that length needs no slow hash to be out of reach of guessing.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from rdrive_app.auth.totp import normalise_code

COUNT = 10
CODE_BYTES = 8  # 64 bits drawn, 60 kept (12 base32 characters)
CODE_CHARS = 12
GROUP = 4


def new_recovery_codes(count: int = COUNT) -> list[str]:
    """``count`` fresh codes as a person reads them: ``abcd-efgh-2345``."""
    codes = []
    for _ in range(count):
        raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")
        text = raw[:CODE_CHARS].lower()
        codes.append("-".join(text[i : i + GROUP] for i in range(0, CODE_CHARS, GROUP)))
    return codes


def recovery_digest(account_id: str, code: object) -> str:
    """The stored form of ``code`` for this account (spaces, dashes and case do not count)."""
    typed = normalise_code(code)
    return hashlib.sha256(f"{account_id}:{typed}".encode()).hexdigest()


def looks_like_recovery_code(code: object) -> bool:
    """Whether ``code`` has a recovery code's shape (so a six-digit code is not looked up)."""
    typed = normalise_code(code)
    return len(typed) == CODE_CHARS and typed.isalnum() and typed.isascii()
