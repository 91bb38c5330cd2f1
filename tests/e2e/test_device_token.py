"""In a real browser: the sign-in page keeps this device's token past sign-out and sends it,
so a name whose sign-ins are held (here: 5 failures from this address) still lets its own
device in, while a browser that never signed in waits.

Uses an account of its own (bob), so the other browser tests' account is never held.
"""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningApp, shot

BOB, BOB_PASSWORD = "bob", "bob e2e password"


def _sign_in(page: Page, password: str) -> None:
    page.goto("/signin")
    page.get_by_label("Username").fill(BOB)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_own_device_gets_in_while_the_name_is_held(
    browser: Browser, app_server: RunningApp
) -> None:
    made = app_server.rdrive("users", "add", BOB, "--password-stdin", stdin=BOB_PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    own = browser.new_context(base_url=app_server.site).new_page()
    _sign_in(own, BOB_PASSWORD)
    expect(own.get_by_role("button", name="Sign out")).to_be_visible()
    device = own.evaluate("localStorage.getItem('rdrive_device')")
    assert isinstance(device, str) and device.startswith("d1.")
    own.get_by_role("button", name="Sign out").click()
    expect(own.get_by_role("button", name="Sign in")).to_be_visible()
    assert own.evaluate("localStorage.getItem('rdrive_device')") == device

    for _ in range(5):  # someone at this address guesses bob's password
        wrong = httpx.post(
            f"{app_server.api}/api/auth/login", json={"username": BOB, "password": "guess"}
        )
        assert wrong.status_code == 401

    stranger = browser.new_context(base_url=app_server.site).new_page()
    _sign_in(stranger, BOB_PASSWORD)
    expect(stranger.get_by_text("Too many failed sign-ins")).to_be_visible()
    shot(stranger, "device-token-stranger-held")

    _sign_in(own, BOB_PASSWORD)
    expect(own.get_by_role("button", name="Sign out")).to_be_visible()
    shot(own, "device-token-own-device-in")
    own.context.close()
    stranger.context.close()
