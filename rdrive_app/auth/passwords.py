"""Password hashing with bcrypt.

bcrypt only reads the first 72 bytes of a password; longer ones are refused with a message
rather than silently truncated, so two different long passwords can never both work.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

import bcrypt

from rdrive_app.auth.password_quality import check_password_strength
from rdrive_app.core.errors import InvalidInput

MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8

# bcrypt releases the GIL, so a hash never blocks the event loop outright; but at 12 rounds each
# is ~0.3 s of pure CPU, and 20 sign-ins at once on a 2-vCPU host left the event loop ~1/20 of a
# core: /api/me p95 went from 6 ms to 450 ms (bench.load). So hashes run on their own few
# threads (at most cores - 1 at once: one core stays free for serving; further sign-ins wait
# their turn), and on Linux those threads run at the lowest CPU priority, so that whenever the
# event loop has work the scheduler gives it the core at once instead of sharing it (on the
# 2-core bench the cap does the work: the low priority measured within noise, 1.5x vs 1.6x).
# Sign-in throughput is bound by the CPU either way.
BCRYPT_SLOTS = max(1, (os.cpu_count() or 1) - 1)
HASHING_NICENESS = 19
T = TypeVar("T")


def _lower_priority() -> None:
    """Run this thread at the lowest priority (Linux nice values are per thread)."""
    if sys.platform.startswith("linux"):
        # Refused in some sandboxes: hashing then still works, just at par with serving.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


_hashing_threads = ThreadPoolExecutor(
    max_workers=BCRYPT_SLOTS, thread_name_prefix="bcrypt", initializer=_lower_priority
)


def _on_hashing_thread(fn: Callable[..., T], *args: object) -> T:
    """Run ``fn`` on a hashing thread and wait for it (the caller is itself off the loop)."""
    return _hashing_threads.submit(fn, *args).result()


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


def check_new_password(password: str, user_inputs: Iterable[str] = ()) -> bytes:
    """Rules for a password being set (not for one being tried): long enough, not too long,
    not easy to guess (``user_inputs``: the account's own words, such as its name)."""
    encoded = check_password_length(password)
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"a password must have at least {MIN_PASSWORD_CHARS} characters")
    check_password_strength(password, user_inputs)
    return encoded


def hash_password(password: str, rounds: int, user_inputs: Iterable[str] = ()) -> str:
    """A bcrypt hash of a new password (slow on purpose: call it off the event loop)."""
    encoded = check_new_password(password, user_inputs)
    hashed = _on_hashing_thread(bcrypt.hashpw, encoded, bcrypt.gensalt(rounds=rounds))
    return hashed.decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` matches; a too-long password simply does not match."""
    try:
        encoded = check_password_length(password)
    except InvalidInput:
        return False
    try:
        return _on_hashing_thread(bcrypt.checkpw, encoded, password_hash.encode("ascii"))
    except ValueError:
        return False


@lru_cache(maxsize=4)
def dummy_hash(rounds: int) -> str:
    """A hash to check unknown names against, so they cost as long as a wrong password."""
    secret = b"no such user, no such password"
    return _on_hashing_thread(bcrypt.hashpw, secret, bcrypt.gensalt(rounds=rounds)).decode()
