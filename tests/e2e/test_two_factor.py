"""In a real browser: set up two-factor codes by reading the secret off the Settings page and
computing codes here, sign out and back in with a code (one extra step on the same page), then
with a recovery code, then with a passkey instead of a code (Chromium's virtual authenticator),
and turn the codes off.

Uses an account of its own (carol), so the other browser tests sign in with a password alone.
"""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.e2e.authenticator import virtual_authenticator
from tests.e2e.conftest import RunningApp, shot

CAROL, CAROL_PASSWORD = "carol", "carol's e2e passphrase"


def _fill_password(page: Page) -> None:
    page.goto("/signin")
    page.get_by_label("Username").fill(CAROL)
    page.get_by_label("Password").fill(CAROL_PASSWORD)


def _password_step(page: Page) -> None:
    _fill_password(page)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_set_up_codes_sign_in_with_a_code_and_a_recovery_code(
    browser: Browser, app_server: RunningApp
) -> None:
    made = app_server.rdrive("users", "add", CAROL, "--password-stdin", stdin=CAROL_PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    page = browser.new_context(base_url=app_server.site).new_page()
    authenticator = virtual_authenticator(page)
    _password_step(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    section = page.get_by_role("region", name="Two-factor codes")
    section.get_by_role("button", name="Set up two-factor codes").click()
    expect(section.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = section.get_by_label("Secret").inner_text().strip()
    assert len(secret) == 32, secret
    shot(page, "two-factor-setup")
    totp = pyotp.TOTP(secret)
    section.get_by_label("Code from the app").fill(totp.now())
    section.get_by_role("button", name="Turn on").click()
    codes_list = section.get_by_role("list", name="Recovery codes")
    expect(codes_list.get_by_role("listitem")).to_have_count(10)
    recovery = [c.strip() for c in codes_list.get_by_role("listitem").all_inner_texts()]
    shot(page, "two-factor-recovery-codes")
    section.get_by_role("button", name="I have saved them").click()
    expect(section.get_by_text("10 recovery codes left.")).to_be_visible()
    expect(codes_list).to_have_count(0)

    # Sign out and back in: the password, then a code, on the same page (no page load in
    # between: the address changes only once, to the library, as without codes).
    _sign_out(page)
    _fill_password(page)
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    code_field = page.get_by_label("Two-factor code")
    expect(code_field).to_be_visible()
    asked = time.perf_counter()
    assert loads == [], loads  # the code is asked for on the same page
    shot(page, "two-factor-code-step")
    code_field.fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    # A code of the next step: the one used to turn codes on cannot be used again.
    code_field.fill(totp.at(time.time() + 30))
    verify = time.perf_counter()
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    done = time.perf_counter()
    print(
        f"FIGURE two-factor sign-in: password to code field {asked - started:.2f} s, "
        f"code to library {done - verify:.2f} s, navigations: {loads}"
    )
    assert loads == [f"{app_server.site}/"], loads  # one: to the library, as without codes

    # A recovery code works once, typed in capitals.
    _sign_out(page)
    _password_step(page)
    page.get_by_label("Two-factor code").fill(recovery[0].upper())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _sign_out(page)
    _password_step(page)
    page.get_by_label("Two-factor code").fill(recovery[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Two-factor code").fill(recovery[1])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # A passkey instead of a code, after the password.
    page.get_by_role("link", name="Settings").click()
    passkeys = page.get_by_role("region", name="Passkeys")
    passkeys.get_by_label("Passkey name").fill("phone")
    passkeys.get_by_role("button", name="Add a passkey").click()
    expect(passkeys.get_by_role("button", name="Remove passkey phone")).to_be_visible()
    assert len(authenticator.credentials()) == 1  # made on the virtual authenticator
    _sign_out(page)
    _password_step(page)
    expect(page.get_by_label("Two-factor code")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Turned off with a recovery code: the password alone signs in again.
    page.get_by_role("link", name="Settings").click()
    section = page.get_by_role("region", name="Two-factor codes")
    expect(section.get_by_text("8 recovery codes left.")).to_be_visible()
    section.get_by_label("Code to turn two-factor codes off").fill(recovery[2])
    section.get_by_role("button", name="Turn off two-factor codes").click()
    expect(section.get_by_role("button", name="Set up two-factor codes")).to_be_visible()
    _sign_out(page)
    _password_step(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.context.close()
