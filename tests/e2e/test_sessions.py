"""In a real browser: the Settings page lists where the account is signed in, and ending the
other browser's session sends that browser to sign-in on its next action."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningApp, shot

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def _signed_in(browser: Browser, app: RunningApp, **context: object) -> Page:
    page = browser.new_context(base_url=app.site, **context).new_page()
    page.goto("/signin")
    page.get_by_label("Username").fill(app.username)
    page.get_by_label("Password").fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_end_the_other_browsers_session_from_the_list(
    browser: Browser, app_server: RunningApp
) -> None:
    laptop = _signed_in(browser, app_server, viewport={"width": 1280, "height": 860})
    phone = _signed_in(
        browser, app_server, user_agent=PHONE, viewport={"width": 390, "height": 844}
    )
    laptop.get_by_role("link", name="Settings").click()
    sessions = laptop.get_by_role("region", name="Sessions")
    expect(sessions.get_by_text("This device")).to_be_visible()
    end = sessions.get_by_role("button", name="End session on Mobile Safari on iOS")
    expect(end.first).to_be_visible()
    shot(laptop, "sessions-two-browsers")
    end.first.click()
    expect(end).to_have_count(0)

    phone.get_by_role("link", name="Settings").click()  # its next action
    expect(phone).to_have_url(re.compile(r"/signin"))
    expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
    shot(phone, "sessions-ended-browser-at-sign-in")

    laptop.reload()  # this browser is still signed in
    sessions = laptop.get_by_role("region", name="Sessions")
    expect(sessions.get_by_text("This device")).to_be_visible()
    expect(laptop.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    laptop.context.close()
    phone.context.close()
