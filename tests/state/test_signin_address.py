"""The web page's sign-in counts the same address as the API, and remembers its device.

Reflex hands a handler the WebSocket connection's data: the peer in ``router.session.client_ip``
and the upgrade request's headers in ``router.headers``. Behind CloudFront the peer is
CloudFront's; the address that counts is the ``CloudFront-Viewer-Address`` header, and only
when the setting says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import reflex as rx
from reflex.istate.data import RouterData

from rdrive_app.core.settings import get_settings
from rdrive_app.services import wiring
from rdrive_app.services.wiring import Services
from rdrive_app.ui.state.session import SessionState
from rdrive_app.ui.state.signin import SignInState
from tests.handler_calls import call_handler

PASSWORD = "alice password"
CLOUDFRONT_PEER = "10.40.3.9"  # a VPC origin ENI of CloudFront's


def _services(monkeypatch: pytest.MonkeyPatch, tmp_path, proxy: str) -> Iterator[Services]:
    monkeypatch.setenv("RDRIVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RDRIVE_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("RDRIVE_JWT_SECRET", "t" * 48)
    monkeypatch.setenv("RDRIVE_TRUSTED_PROXY", proxy)
    get_settings.cache_clear()
    wiring.get_services.cache_clear()
    services = wiring.get_services()
    services.accounts.add_user("alice", PASSWORD)
    yield services
    services.processing.shutdown()
    get_settings.cache_clear()
    wiring.get_services.cache_clear()


@pytest.fixture
def behind_cloudfront(monkeypatch, tmp_path) -> Iterator[Services]:
    yield from _services(monkeypatch, tmp_path, "cloudfront")


@pytest.fixture
def direct(monkeypatch, tmp_path) -> Iterator[Services]:
    yield from _services(monkeypatch, tmp_path, "none")


def sign_in_page(viewer: str | None, device: str = "") -> SignInState:
    """The sign-in page's state on a WebSocket from CloudFront, for a viewer at ``viewer``."""
    root = rx.State(_reflex_internal_init=True)
    headers = {"origin": "https://drive.example", "host": "backend"}
    if viewer is not None:
        headers["cloudfront-viewer-address"] = viewer
    root.router = RouterData.from_router_data(
        {"pathname": "/signin", "asPath": "/signin", "query": {}, "headers": headers,
         "ip": CLOUDFRONT_PEER}
    )  # fmt: skip
    state = root.get_substate(SignInState.get_full_name().split(".")[1:])
    state.device_token = device
    return state


def attempt(state: SignInState, password: str) -> SignInState:
    call_handler(
        SignInState.event_handlers["sign_in"].fn,
        state,
        {"username": "alice", "password": password},
    )
    return state


def test_behind_cloudfront_the_viewer_address_counts(behind_cloudfront: Services) -> None:
    assert sign_in_page("203.0.113.5:51234")._client_address() == "203.0.113.5"
    assert sign_in_page("2001:db8::1:443")._client_address() == "2001:db8::1"
    assert sign_in_page("[2001:db8::2]:443")._client_address() == "2001:db8::2"
    for malformed in ("203.0.113.5", "nonsense:80", "203.0.113.5:1, 198.51.100.1:2", None):
        assert sign_in_page(malformed)._client_address() == CLOUDFRONT_PEER, malformed

    for _ in range(5):
        assert attempt(sign_in_page("203.0.113.5:1000"), "wrong").error
    held = attempt(sign_in_page("203.0.113.5:1001"), PASSWORD)
    assert "Too many failed sign-ins" in held.error and not held._token
    elsewhere = attempt(sign_in_page("198.51.100.20:2000"), PASSWORD)
    assert elsewhere._token and not elsewhere.error


def test_without_the_setting_only_the_peer_counts(direct: Services) -> None:
    assert sign_in_page("203.0.113.5:51234")._client_address() == CLOUDFRONT_PEER
    for i in range(5):
        attempt(sign_in_page(f"203.0.113.{i}:1000"), "wrong")
    assert "Too many" in attempt(sign_in_page("198.51.100.20:2000"), PASSWORD).error


def test_the_page_keeps_its_device_token_past_sign_out_and_uses_it(
    behind_cloudfront: Services,
) -> None:
    page = attempt(sign_in_page("198.51.100.7:1000"), PASSWORD)
    device = page.device_token
    assert device.startswith("d1.") and page._token
    session = page.parent_state
    assert isinstance(session, SessionState)
    call_handler(SessionState.event_handlers["sign_out"].fn, session)
    assert page._token == "" and page.device_token == device

    for i in range(100):  # a distributed guess fills alice's per-name ceiling
        attempt(sign_in_page(f"2001:db8:{i:x}::1:443"), "wrong")
    assert "Too many" in attempt(sign_in_page("192.0.2.1:1000"), PASSWORD).error
    again = attempt(sign_in_page("192.0.2.2:1000", device=device), PASSWORD)
    assert again._token and not again.error
