"""The app under the stack's Content-Security-Policy, which has no 'unsafe-eval'.

Everything the state asks the page to do (start an upload, download a file, put the open item
in the URL, show a toast) must reach the page without ``eval``: Reflex runs ``rx.call_script``
and backend-sent ``rx.call_function``/``rx.toast`` through ``eval``, which this policy refuses.
The dev server's HTML documents get the stack's own header (from ``content_security_policy``),
widened only by what the dev setup needs and the deployment does not: the backend on another
port (deployed, it is the same origin) and the local store's signed URLs, served by that backend.
Any ``securitypolicyviolation`` or console error fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from infra.components.site import content_security_policy
from rdrive_app.services.uploads.parts import PART_FLOOR
from tests.e2e.conftest import CHROMIUM, shot
from tests.e2e.test_big_upload import fake_video
from tests.e2e.test_library import PHOTOS, new_folder, open_folder, sign_in

WATCH_CSP = """
document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def strict_policy(api: str) -> str:
    """The stack's CSP with the dev backend (another port here) as its media host and socket."""
    host = urlsplit(api).netloc
    policy = content_security_policy([api])
    assert "'unsafe-eval'" not in policy
    return policy.replace("connect-src 'self'", f"connect-src 'self' ws://{host}")


def _is_document(url: str, site: str) -> bool:
    if not url.startswith(site):
        return False
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." not in last and not urlsplit(url).path.startswith(("/@", "/node_modules"))


@pytest.fixture(scope="module")
def lan_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium that lets a fulfilled document reach localhost: Playwright's ``route.fulfill``
    leaves the document without an address, which Local Network Access checks then treat as
    public and keep from opening the backend's socket on localhost."""
    lan = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-features=LocalNetworkAccessChecks",
        ],
    )
    yield lan
    lan.close()


@pytest.fixture
def strict(lan_browser, app_server) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A page whose documents carry the strict policy, the policy's violations (across reloads)
    and the console's errors."""
    policy = strict_policy(app_server.api)
    context = lan_browser.new_context(
        base_url=app_server.site, viewport={"width": 1280, "height": 860}, accept_downloads=True
    )
    context.set_default_timeout(30_000)

    def with_policy(route: Route) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": policy}
        route.fulfill(response=response, headers=headers)

    context.route(lambda url: _is_document(url, app_server.site), with_policy)
    violations: list[str] = []
    context.expose_function("reportViolation", lambda text: violations.append(text))
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    yield page, violations, errors
    context.close()


def _refuse_first_put_of_part(page: Page, part: int) -> list[str]:
    """Storage answers the first PUT of ``part`` as it answers an expired URL (403); the list
    collects the URLs that part was sent to."""
    tried: list[str] = []

    def refuse_once(route: Route) -> None:
        query = parse_qs(urlsplit(route.request.url).query)
        if route.request.method != "PUT" or query.get("part") != [str(part)]:
            route.continue_()
            return
        tried.append(route.request.url)
        if len(tried) == 1:
            route.fulfill(status=403, json={"detail": "this URL has expired"})
        else:
            route.continue_()

    page.route("**/api/files/**", refuse_once)
    return tried


def test_upload_view_download_under_a_policy_without_unsafe_eval(strict, app_server, tmp_path):
    page, violations, errors = strict
    downloads: list[str] = []
    page.on("download", lambda d: downloads.append(d.suggested_filename))
    sign_in(page, app_server)
    assert page.evaluate("document.documentElement.classList.length > 0")  # inline theme ran
    new_folder(page, "Strict")
    expect(page.get_by_text("Created folder “Strict”")).to_be_visible()  # a toast from the state
    open_folder(page, "Strict")

    # Upload through the button, as a person does: its click opens the file chooser. The
    # state answers "start" (and "ack" for each file sent) as page commands.
    photo = PHOTOS[0]
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(photo))
    expect(page.get_by_text("1 of 1 uploaded")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("img", name=photo.name)).to_be_visible(timeout=60_000)

    # A video in parts, one of whose URLs storage refuses as expired: the script asks for a
    # fresh one and the state's "addUrls" command brings it.
    video = tmp_path / "parts.mp4"
    fake_video(video, PART_FLOOR * 8 + 1)
    tried = _refuse_first_put_of_part(page, 2)
    page.get_by_label("Upload").set_input_files(str(video))
    expect(page.get_by_text("2 of 2 uploaded")).to_be_visible(timeout=120_000)
    assert len(tried) == 2

    # The viewer puts the item in the URL, and takes it out again.
    page.get_by_role("button", name=photo.name, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("img", name=photo.name)).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?item=[0-9a-f]+"))
    linked = page.url

    with page.expect_download() as info:
        dialog.get_by_role("button", name="Download").click()
    assert info.value.suggested_filename == photo.name
    assert Path(info.value.path()).read_bytes() == photo.read_bytes()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"item="))

    # A reload runs nothing the state asked the old page to do: no download, no URL change.
    page.reload()
    expect(page.get_by_role("img", name=photo.name)).to_be_visible()
    page.wait_for_timeout(1_000)
    expect(page).not_to_have_url(re.compile(r"item="))
    assert downloads == [photo.name]

    # A link opens its item; a link to an item that is gone loses its query (page load).
    page.goto(linked)
    expect(page.get_by_role("dialog").get_by_role("img", name=photo.name)).to_be_visible()
    page.goto(re.sub(r"item=[0-9a-f]+", "item=" + "0" * 32, linked))
    expect(page.get_by_text("That item is no longer here.")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"item="))
    shot(page, "30-strict-csp")
    assert violations == []
    refused = "the server responded with a status of 403"  # the one refused above
    assert [e for e in errors if refused not in e] == []
    assert len(errors) == 1
