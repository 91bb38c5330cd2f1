"""Two-factor codes at the level of their steps: a clock a step off either way is fine, two
steps is not, and a code is never accepted for a step at or before the last one accepted."""

from __future__ import annotations

import pyotp

from rdrive_app.auth.recovery_codes import (
    looks_like_recovery_code,
    new_recovery_codes,
    recovery_digest,
)
from rdrive_app.auth.totp import accepted_step, new_secret, normalise_code, otpauth_uri

NOW = 1_800_000_015.0  # 15 s into a step
STEP = int(NOW // 30)


def test_a_step_either_side_is_accepted_and_two_are_not():
    secret = new_secret()
    totp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        assert accepted_step(secret, totp.at(NOW + 30 * offset), 0, NOW) == STEP + offset
    for offset in (-2, 2):
        assert accepted_step(secret, totp.at(NOW + 30 * offset), 0, NOW) is None


def test_no_replay_at_or_before_the_last_accepted_step():
    secret = new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    assert accepted_step(secret, code, STEP - 1, NOW) == STEP
    assert accepted_step(secret, code, STEP, NOW) is None
    assert accepted_step(secret, pyotp.TOTP(secret).at(NOW - 30), STEP, NOW) is None


def test_what_a_person_types():
    secret = new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    assert accepted_step(secret, f"{code[:3]} {code[3:]}", 0, NOW) == STEP
    for junk in ("", "12345", "1234567", "abcdef", None, 123456, "１２３４５６"):
        assert accepted_step(secret, junk, 0, NOW) is None
    assert normalise_code(" 12-34 56 ") == "123456"


def test_the_uri_an_app_reads():
    secret = new_secret()
    assert len(secret) == 32
    uri = otpauth_uri(secret, "alice")
    assert uri.startswith("otpauth://totp/rDrive:alice?") and f"secret={secret}" in uri


def test_recovery_codes():
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(c) == 14 and c.count("-") == 2 and looks_like_recovery_code(c) for c in codes)
    assert recovery_digest("a1", codes[0]) == recovery_digest(
        "a1", codes[0].upper().replace("-", " ")
    )
    assert recovery_digest("a1", codes[0]) != recovery_digest("a2", codes[0])
    assert not looks_like_recovery_code("123456")
