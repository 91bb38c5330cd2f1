"""In a real browser with Chromium's virtual authenticator (the DevTools protocol's WebAuthn
domain): add a passkey in Settings, sign out, sign in with the passkey alone (no name, no
password), see its last use, remove it, and see the removed passkey refused."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.authenticator import virtual_authenticator
from tests.e2e.conftest import RunningApp, shot


def test_add_a_passkey_sign_in_with_it_and_remove_it(
    browser: Browser, app_server: RunningApp
) -> None:
    page = browser.new_context(base_url=app_server.site).new_page()
    authenticator = virtual_authenticator(page)

    page.goto("/signin")
    page.get_by_label("Username").fill(app_server.username)
    page.get_by_label("Password").fill(app_server.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Settings").click()
    section = page.get_by_role("region", name="Passkeys")
    section.get_by_label("Passkey name").fill("laptop")
    section.get_by_role("button", name="Add a passkey").click()
    remove = section.get_by_role("button", name="Remove passkey laptop")
    expect(remove).to_be_visible()
    expect(section.get_by_text("never used")).to_be_visible()
    stored = authenticator.credentials()
    assert len(stored) == 1 and stored[0]["isResidentCredential"]
    shot(page, "passkey-added")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text(app_server.username, exact=True)).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    section = page.get_by_role("region", name="Passkeys")
    expect(section.get_by_text("last used just now")).to_be_visible()
    section.get_by_role("button", name="Remove passkey laptop").click()
    expect(section.get_by_role("button", name="Remove passkey laptop")).to_have_count(0)

    # The device still has it; rDrive no longer takes it.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("not one of this site's accounts")
    shot(page, "passkey-removed-refused")
    page.context.close()
