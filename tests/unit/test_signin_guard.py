"""The pieces of the sign-in throttle without storage: the client address rule, device tokens
and the guard's counters, on a clock the test moves."""

from __future__ import annotations

import logging
import time

import pytest

from rdrive_app.auth.client_address import client_address, parse_viewer_address
from rdrive_app.auth.devices import device_of, issue_device_token
from rdrive_app.auth.throttle import Attempt, SignInGuard, address_key
from rdrive_app.auth.tokens import issue_token
from rdrive_app.core.domain import User
from rdrive_app.core.errors import TooManyAttempts
from rdrive_app.core.settings import Settings, TrustedProxy

SECRET = "s" * 48
CF = TrustedProxy.CLOUDFRONT


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("198.51.100.10:46532", "198.51.100.10"),
        ("2001:db8:cafe::17:46532", "2001:db8:cafe::17"),  # CloudFront's IPv6 form: unbracketed
        ("[2001:db8:cafe::17]:443", "2001:db8:cafe::17"),
        ("2001:0DB8:0:0::1:443", "2001:db8::1"),  # canonical text
        ("::ffff:198.51.100.10:443", "198.51.100.10"),
        (" 198.51.100.10:1 ", "198.51.100.10"),
        ("198.51.100.10", None),  # no port
        ("198.51.100.10:", None),
        ("198.51.100.10:99999", None),
        ("198.51.100.10:８０", None),  # non-ASCII digits
        ("fe80::1%eth0:443", None),
        ("not-an-ip:443", None),
        ("198.51.100.1:1, 198.51.100.2:2", None),  # a header sent twice, joined
        ("", None),
        ("1" * 100 + ":1", None),
    ],
)
def test_viewer_address_values(value: str, address: str | None) -> None:
    assert parse_viewer_address(value) == address


def test_no_header_counts_unless_the_proxy_is_trusted() -> None:
    sent = [("cloudfront-viewer-address", "203.0.113.1:80"), ("x-forwarded-for", "203.0.113.2")]
    assert client_address("10.0.0.1", sent, TrustedProxy.NONE) == "10.0.0.1"
    assert client_address("10.0.0.1", sent, CF) == "203.0.113.1"
    assert client_address("10.0.0.1", [("CloudFront-Viewer-Address", "203.0.113.1:80")], CF) == (
        "203.0.113.1"
    )
    assert client_address("10.0.0.1", [("x-forwarded-for", "203.0.113.2")], CF) == "10.0.0.1"
    assert client_address(None, [], TrustedProxy.NONE) == "unknown"


def test_a_bad_or_repeated_header_falls_back_to_the_peer_and_is_logged(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="rdrive_app.auth.client_address")
    twice = [("cloudfront-viewer-address", "203.0.113.1:80")] * 2
    assert client_address("10.0.0.1", twice, CF) == "10.0.0.1"
    bad = [("cloudfront-viewer-address", "999.1.1.1:80\r\nforged log line")]
    assert client_address("10.0.0.1", bad, CF) == "10.0.0.1"
    assert client_address("10.0.0.1", [], CF) == "10.0.0.1"
    assert len(caplog.records) == 3
    assert "\n" not in caplog.records[1].getMessage()  # the value is logged quoted (repr)


def test_device_tokens_belong_to_one_account_and_expire() -> None:
    token = issue_device_token("acct-1", "dev-1", SECRET, 60)
    assert device_of(token, "acct-1", SECRET) == "dev-1"
    assert device_of(token, "acct-2", SECRET) is None  # another account, or the name re-made
    assert device_of(token, "acct-1", "o" * 48) is None
    assert device_of(token[:-1] + ("A" if token[-1] != "A" else "B"), "acct-1", SECRET) is None
    assert device_of(issue_device_token("acct-1", "dev-1", SECRET, -1), "acct-1", SECRET) is None
    forged = token.replace("dev-1", "dev-2")
    assert device_of(forged, "acct-1", SECRET) is None
    user = User("alice", "h", account_id="acct-1")
    assert device_of(issue_token(user, SECRET, 60, "s1"), "acct-1", SECRET) is None
    for junk in (None, "", 7, "d1." * 100, "d1.a.b.c"):
        assert device_of(junk, "acct-1", SECRET) is None


def test_ipv6_counts_by_its_64() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("198.51.100.1") == "198.51.100.1"
    assert address_key("unknown") == "unknown"


def _guard(now: list[float]) -> SignInGuard:
    return SignInGuard(Settings(), clock=lambda: now[0])


def test_the_name_ceiling_holds_untrusted_devices_for_an_hour_at_most() -> None:
    now = [0.0]
    guard = _guard(now)
    for i in range(100):
        attempt = Attempt("alice", f"198.51.100.{i}")
        guard.check(attempt)
        guard.failed(attempt)
        now[0] += 1
    with pytest.raises(TooManyAttempts) as held:
        guard.check(Attempt("alice", "192.0.2.1"))
    assert held.value.retry_after == 3600 - 100
    guard.check(Attempt("alice", "192.0.2.1", device="dev-1"))  # a known device goes ahead
    guard.check(Attempt("bob", "192.0.2.1"))  # other names are not held
    guard.succeeded(Attempt("alice", "192.0.2.1", device="dev-1"))
    with pytest.raises(TooManyAttempts):  # a success does not clear the ceiling
        guard.check(Attempt("alice", "192.0.2.1"))
    now[0] = 3600.5
    guard.check(Attempt("alice", "192.0.2.1"))  # the oldest failure has left the window


def test_a_success_clears_only_its_own_name_and_address() -> None:
    now = [0.0]
    guard = _guard(now)
    attempt = Attempt("alice", "198.51.100.1")
    for _ in range(4):
        guard.failed(attempt)
    guard.succeeded(attempt)
    for _ in range(5):
        guard.check(attempt)
        guard.failed(attempt)
    with pytest.raises(TooManyAttempts):
        guard.check(attempt)
    assert len(guard.per_address) == 1 and len(guard.per_name) == 1


def test_counters_forget_keys_whose_window_has_passed() -> None:
    now = [time.monotonic()]
    guard = _guard(now)
    for i in range(3000):  # a guesser spraying made-up names
        guard.failed(Attempt(f"name{i}", f"198.51.{i // 250}.{i % 250}"))
        now[0] += 2
    # Only the last hour's names (1800 of them at one failure every 2 s) are still kept.
    assert len(guard.per_name) <= 1800 + 1024
