"""`make export`'s code path, from a copy of the app, in CI's time; and the site's CSP in Chromium.

The exported site is served the way CloudFront serves it (extensionless paths to ``.html``,
``404.html`` for anything missing) with the stack's own Content-Security-Policy, and a real
browser must load it without a single CSP violation.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from infra.components.site import content_security_policy
from infra.local_site import serve_site
from tests.infra.conftest import Exported

MEDIA_HOSTS = ["https://rdrive-media-123-us-east-1.s3.us-east-1.amazonaws.com"]


def test_export_produces_the_static_site_with_the_api_url(exported: Exported) -> None:
    site, api_url, seconds = exported.site_dir, exported.site, exported.seconds
    assert seconds < 240, f"export took {seconds:.0f} s"
    assert (site / "index.html").is_file()
    assert (site / "404.html").is_file()  # CloudFront's error page for unknown paths
    assert (site / "signin.html").is_file()  # what the URI rewrite maps /signin to
    host = api_url.split("://", 1)[1]
    assert any(f"{host}/_event" in p.read_text() for p in (site / "assets").glob("*.js"))


@pytest.fixture
def served(exported: Exported) -> Iterator[str]:
    site, api_url = exported.site_dir, exported.site
    port = int(api_url.rsplit(":", 1)[1])
    headers = {
        "Content-Security-Policy": content_security_policy(MEDIA_HOSTS),
        "X-Content-Type-Options": "nosniff",
    }
    with serve_site(site, port, headers):
        yield api_url


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium comes with `make test`")
def test_exported_app_runs_under_the_stacks_csp(served: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        page = browser.new_page()
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        page.goto(f"{served}/signin", wait_until="networkidle")
        page.wait_for_selector("input[type=password]", timeout=15_000)
        page.wait_for_timeout(1_000)  # let hydration and the socket attempt run
        violations = page.evaluate("window.__csp")
        themed = page.evaluate("document.documentElement.classList.length > 0")
        browser.close()
    assert violations == [], violations
    assert not [c for c in console if "Content Security Policy" in c], console
    assert themed  # the export's inline theme script ran
