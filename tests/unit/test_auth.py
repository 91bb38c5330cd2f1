"""Passwords, tokens and throttling, without any storage."""

import time

import jwt
import pytest

from rdrive_app.auth.passwords import hash_password, verify_password
from rdrive_app.auth.throttle import LoginThrottle
from rdrive_app.auth.tokens import decode_token, issue_token
from rdrive_app.core.domain import User
from rdrive_app.core.errors import InvalidInput, NotAuthenticated, TooManyAttempts

SECRET = "s" * 40


def test_password_round_trip_and_wrong_password():
    hashed = hash_password("correct horse", rounds=4)
    assert hashed.startswith("$2b$04$")
    assert verify_password("correct horse", hashed)
    assert not verify_password("correct hors", hashed)


def test_password_over_72_bytes_is_refused_not_truncated():
    long = ("blue lagoon marmalade kites " * 3)[:72]
    with pytest.raises(InvalidInput, match="72 bytes"):
        hash_password(long + "b", rounds=4)
    hashed = hash_password(long, rounds=4)
    assert not verify_password(long + "b", hashed)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password123", "very common"),
        ("zxcvbnm,./", "rows of keys"),
        ("aaaaaaaaaaaa", "Repeats"),
        ("iloveyou2024", "common"),
        ("alice alice 1", ""),  # the account's own name
        ("rdrive2024", "another word"),
    ],
)
def test_an_easy_password_is_refused_with_a_reason(password, why):
    with pytest.raises(InvalidInput, match="too easy to guess") as refused:
        hash_password(password, rounds=4, user_inputs=["alice"])
    assert why in refused.value.detail


def test_a_passphrase_is_accepted():
    for password in ("correct horse battery", "seven orange kites", "Tr0ub4dor&3 staple"):
        assert verify_password(password, hash_password(password, rounds=4, user_inputs=["alice"]))


def test_short_password_is_refused():
    with pytest.raises(InvalidInput, match="at least"):
        hash_password("short", rounds=4)


def test_token_round_trip():
    alice = User("alice", "hash", token_version=3)
    claims = decode_token(issue_token(alice, SECRET, 60, "s1"), SECRET)
    assert (claims.username, claims.account_id, claims.version) == ("alice", alice.account_id, 3)
    assert claims.session_id == "s1"
    assert claims.expires_at - claims.issued_at == 60


def _forge(claims: dict, key: str = SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


BAD_TOKEN_LABELS = [
    "empty",
    "none",
    "garbage",
    "three parts",
    "expired",
    "other key",
    "HS512",
    "no iat",
    "no sub",
    "no version",
    "version as text",
    "no account id",
    "account id not text",
    "alg none",
]


@pytest.mark.parametrize(
    "token",
    [
        "",
        None,
        "garbage",
        "a.b.c",
        _forge({"sub": "alice", "aid": "a1", "ver": 1, "iat": 0, "exp": 1}),  # expired
        _forge(
            {"sub": "alice", "aid": "a1", "ver": 1, "iat": int(time.time()), "exp": 2**33},
            key="x" * 40,
        ),
        _forge(
            {"sub": "alice", "aid": "a1", "ver": 1, "iat": int(time.time()), "exp": 2**33},
            alg="HS512",
        ),
        _forge({"sub": "alice", "aid": "a1", "ver": 1, "exp": 2**33}),  # no iat
        _forge({"aid": "a1", "ver": 1, "iat": int(time.time()), "exp": 2**33}),  # no sub
        _forge({"sub": "alice", "aid": "a1", "iat": int(time.time()), "exp": 2**33}),  # no version
        _forge({"sub": "alice", "aid": "a1", "ver": "1", "iat": int(time.time()), "exp": 2**33}),
        _forge({"sub": "alice", "ver": 1, "iat": int(time.time()), "exp": 2**33}),
        _forge({"sub": "alice", "aid": 7, "ver": 1, "iat": int(time.time()), "exp": 2**33}),
        jwt.encode(
            {"sub": "alice", "aid": "a1", "ver": 1, "iat": int(time.time()), "exp": 2**33},
            None,
            algorithm="none",
        ),
    ],
    ids=BAD_TOKEN_LABELS,
)
def test_bad_tokens_are_refused(token):
    with pytest.raises(NotAuthenticated):
        decode_token(token, SECRET)


def test_throttle_locks_after_max_failures_and_tells_when():
    now = [1000.0]
    throttle = LoginThrottle(max_failures=5, window_s=900, clock=lambda: now[0])
    for _ in range(5):
        throttle.check("name:bob")
        throttle.record_failure("name:bob")
    with pytest.raises(TooManyAttempts) as err:
        throttle.check("name:bob", "addr:1.2.3.4")
    assert 890 <= err.value.retry_after <= 900
    throttle.check("name:alice")
    now[0] += 901
    throttle.check("name:bob")
