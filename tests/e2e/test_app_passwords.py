"""In a real browser: make a read-only app password in Settings, copy it off the page, use it
from a script (the HTTP API), see it refused on the sign-in page, and revoke it."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningApp, shot


def test_make_use_and_revoke_an_app_password(page: Page, app_server: RunningApp) -> None:
    page.goto("/signin")
    page.get_by_label("Username").fill(app_server.username)
    page.get_by_label("Password").fill(app_server.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Settings").click()
    section = page.get_by_role("region", name="App passwords")
    section.get_by_label("App password name").fill("backup script")
    section.get_by_label("Access").select_option("Read only")
    section.get_by_role("button", name="Create app password").click()
    password = section.get_by_label("New app password").inner_text().strip()
    assert password.startswith("rdap-"), password
    shot(page, "app-password-made")
    section.get_by_role("button", name="Done").click()
    expect(section.get_by_label("New app password")).to_have_count(0)
    expect(section.get_by_text("never used")).to_be_visible()

    script = {"Authorization": f"Bearer {password}"}
    assert httpx.get(f"{app_server.api}/api/folders", headers=script).status_code == 200
    refused = httpx.post(f"{app_server.api}/api/folders", json={"path": "/x"}, headers=script)
    assert refused.status_code == 403, refused.text
    page.reload()
    section = page.get_by_role("region", name="App passwords")
    expect(section.get_by_text("last used just now")).to_be_visible()

    # Not a way into the web app: as a password on the sign-in page it is simply wrong.
    other = page.context.browser.new_context(base_url=app_server.site).new_page()
    other.goto("/signin")
    other.get_by_label("Username").fill(app_server.username)
    other.get_by_label("Password").fill(password)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("alert")).to_contain_text("Wrong username or password")
    other.context.close()

    section.get_by_role("button", name="Revoke backup script").click()
    expect(section.get_by_role("button", name="Revoke backup script")).to_have_count(0)
    assert httpx.get(f"{app_server.api}/api/folders", headers=script).status_code == 401
