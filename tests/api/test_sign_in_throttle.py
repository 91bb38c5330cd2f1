"""The sign-in throttle behind CloudFront, over the real API app on both backends.

Addresses are simulated as CloudFront sends them: the peer is always the same (the proxy) and
the viewer's address is in ``CloudFront-Viewer-Address``. The attack is 200 failed sign-ins
from 50 addresses (half IPv4, half IPv6 in separate /64s) against both names.

What a real user with no device token gets during such an attack is a decision: the per-name
ceiling (100 failures an hour) holds every sign-in of that name that carries no device token,
from any address, so they wait (the 429 says how long). Telling them apart from the attacker
by address alone is exactly what a distributed guess defeats; their own device, which signed
in before, is what sets them apart, and it gets in at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import httpx
import pytest
from fastapi.testclient import TestClient

from rdrive_app.api import create_api
from rdrive_app.core.settings import Settings, TrustedProxy
from rdrive_app.services.wiring import Services, build_services
from tests.api.conftest import PASSWORD, StorageAwareClient, settings_for

BOB_PASSWORD = "bob's own password"
ATTACKERS = [f"203.0.113.{i}" for i in range(1, 26)] + [f"2001:db8:{i:x}::7" for i in range(25)]
FAILURES_PER_NAME_AND_ADDRESS = 2  # 50 addresses x 2 names x 2 = 200 failures


def _deployment(base: Settings, proxy: TrustedProxy) -> Services:
    settings = settings_for(base).model_copy(update={"trusted_proxy": proxy})
    services = build_services(settings)
    services.accounts.add_user("alice", PASSWORD)
    services.accounts.add_user("bob", BOB_PASSWORD)
    return services


@pytest.fixture
def behind_cloudfront(storage_settings: Settings, storage: object) -> Iterator[TestClient]:
    services = _deployment(storage_settings, TrustedProxy.CLOUDFRONT)
    with StorageAwareClient(create_api(services)) as client:
        yield client
    services.processing.shutdown(wait=False)


@pytest.fixture
def direct(tmp_path) -> Iterator[TestClient]:
    services = _deployment(Settings(data_dir=tmp_path / "data"), TrustedProxy.NONE)
    with TestClient(create_api(services)) as client:
        yield client


def login(
    client: TestClient,
    name: str,
    password: str,
    viewer: str | None = None,
    device: str | None = None,
) -> httpx.Response:
    """One sign-in from ``viewer`` (as CloudFront reports it), with this device's cookie if
    any; the client keeps no cookies between calls (each call is its own device)."""
    client.cookies.clear()
    headers = {}
    if viewer is not None:
        headers["CloudFront-Viewer-Address"] = f"{viewer}:{40000 + len(viewer)}"
    if device is not None:
        headers["Cookie"] = f"rdrive_device={device}"
    response = client.post(
        "/api/auth/login", json={"username": name, "password": password}, headers=headers
    )
    client.cookies.clear()
    return response


def device_cookie(response: httpx.Response) -> SimpleCookie:
    cookie = SimpleCookie()
    cookie.load(response.headers["set-cookie"])
    return cookie


def test_a_distributed_guess_holds_the_attackers_but_not_the_users_own_device(
    behind_cloudfront: TestClient,
) -> None:
    client = behind_cloudfront
    earlier = login(client, "alice", PASSWORD, viewer="198.51.100.7")
    assert earlier.status_code == 200, earlier.text
    cookie = device_cookie(earlier)["rdrive_device"]
    assert cookie["httponly"] and cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/api/auth" and int(cookie["max-age"]) > 0
    alices_device = cookie.value

    answers = [
        login(client, name, "a wrong guess", viewer=address).status_code
        for address in ATTACKERS
        for name in ("alice", "bob")
        for _ in range(FAILURES_PER_NAME_AND_ADDRESS)
    ]
    assert len(answers) == 200 and set(answers) == {401}

    for address in ATTACKERS:  # even the right password is not checked from there now
        for name, password in (("alice", PASSWORD), ("bob", BOB_PASSWORD)):
            held = login(client, name, password, viewer=address)
            assert held.status_code == 429, (address, name, held.text)
            assert 0 < int(held.headers["Retry-After"]) <= 3600

    at_once = login(client, "alice", PASSWORD, viewer="192.0.2.200", device=alices_device)
    assert at_once.status_code == 200, at_once.text
    assert (
        client.get(
            "/api/me", headers={"Authorization": f"Bearer {at_once.json()['access_token']}"}
        ).json()["username"]
        == "alice"
    )

    # Bob has no device token: from an address the attacker never used he waits too.
    new_device = login(client, "bob", BOB_PASSWORD, viewer="192.0.2.201")
    assert new_device.status_code == 429
    assert 0 < int(new_device.headers["Retry-After"]) <= 3600


def test_one_address_is_held_per_name_and_across_names(behind_cloudfront: TestClient) -> None:
    client = behind_cloudfront
    for _ in range(5):
        assert login(client, "alice", "wrong", viewer="203.0.113.9").status_code == 401
    held = login(client, "alice", PASSWORD, viewer="203.0.113.9")
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    assert login(client, "alice", PASSWORD, viewer="203.0.113.10").status_code == 200
    # The same address may still try other names, up to 10 failures in all.
    for i in range(5):
        assert login(client, f"nobody{i}", "wrong", viewer="203.0.113.9").status_code == 401
    sprayed = login(client, "bob", BOB_PASSWORD, viewer="203.0.113.9")
    assert sprayed.status_code == 429 and int(sprayed.headers["Retry-After"]) > 0
    # An IPv6 host counts by its /64: another address in it is the same guesser.
    for i in range(10):
        login(client, f"nobody{i}", "wrong", viewer=f"2001:db8:1:2::{i + 1}")
    assert login(client, "bob", BOB_PASSWORD, viewer="2001:db8:1:2::ffff").status_code == 429
    assert login(client, "bob", BOB_PASSWORD, viewer="2001:db8:1:3::1").status_code == 200


def test_a_device_token_is_held_only_by_its_own_failures(behind_cloudfront: TestClient) -> None:
    client = behind_cloudfront
    alices_device = device_cookie(login(client, "alice", PASSWORD, viewer="198.51.100.7"))[
        "rdrive_device"
    ].value
    for _ in range(5):
        answer = login(client, "alice", "wrong", viewer="198.51.100.7", device=alices_device)
        assert answer.status_code == 401
    held = login(client, "alice", PASSWORD, viewer="198.51.100.8", device=alices_device)
    assert held.status_code == 429
    # Alice's token is no device token of bob's, and a forged one is none at all.
    for device in (alices_device, alices_device[:-2] + "xx"):
        assert login(client, "bob", BOB_PASSWORD, viewer="198.51.100.9", device=device).is_success


def test_without_the_setting_a_client_sent_viewer_address_is_ignored(direct: TestClient) -> None:
    for i in range(5):  # five "addresses" by header: one peer, so one guesser
        assert login(direct, "alice", "wrong", viewer=f"203.0.113.{i}").status_code == 401
    held = login(direct, "alice", PASSWORD, viewer="203.0.113.99")
    assert held.status_code == 429
    assert int(held.headers["Retry-After"]) > 0
