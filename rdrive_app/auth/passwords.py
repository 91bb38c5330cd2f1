"""Password hashing with bcrypt.

bcrypt only reads the first 72 bytes of a password; longer ones are refused with a message
rather than silently truncated, so two different long passwords can never both work.
"""

from __future__ import annotations

from functools import lru_cache

import bcrypt

from rdrive_app.errors import InvalidInput

MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8


def check_password_length(password: str) -> bytes:
    """The UTF-8 bytes of ``password``, or InvalidInput when bcrypt could not hash them whole."""
    if not isinstance(password, str) or not password:
        raise InvalidInput("a password cannot be empty")
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise InvalidInput(f"a password can be at most {MAX_PASSWORD_BYTES} bytes long")
    if "\x00" in password:
        raise InvalidInput("a password cannot contain NUL characters")
    return encoded


def check_new_password(password: str) -> bytes:
    """Rules for a password being set (not for one being tried): long enough, not too long."""
    encoded = check_password_length(password)
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"a password must have at least {MIN_PASSWORD_CHARS} characters")
    return encoded


def hash_password(password: str, rounds: int) -> str:
    """A bcrypt hash of a new password (slow on purpose: call it off the event loop)."""
    encoded = check_new_password(password)
    return bcrypt.hashpw(encoded, bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` matches; a too-long password simply does not match."""
    try:
        encoded = check_password_length(password)
    except InvalidInput:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except ValueError:
        return False


@lru_cache(maxsize=4)
def dummy_hash(rounds: int) -> str:
    """A hash to check unknown names against, so they cost as long as a wrong password."""
    return bcrypt.hashpw(b"no such user, no such password", bcrypt.gensalt(rounds=rounds)).decode()
