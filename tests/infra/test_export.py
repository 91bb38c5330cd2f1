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


def test_the_export_carries_the_installable_app(exported: Exported) -> None:
    site = exported.site_dir
    for name in ("manifest.webmanifest", "rdrive_sw.js", "rdrive_install.js", "rdrive_share.js"):
        assert (site / name).is_file(), name
    for icon in ("icon-192.png", "icon-512.png", "icon-maskable-512.png", "apple-touch-icon.png"):
        assert (site / "icons" / icon).is_file(), icon
    for page in ("index.html", "404.html", "share.html"):
        html = (site / page).read_text()
        assert 'rel="manifest" href="/manifest.webmanifest"' in html or (
            'href="/manifest.webmanifest" rel="manifest"' in html
        ), page


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium comes with `make test`")
def test_the_exported_app_installs_its_worker_and_opens_offline(served: str) -> None:
    """Under the stack's CSP, as CloudFront serves it: the worker activates, keeps the hashed
    bundles (cache-first), and the page opens again with the network gone."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(f"{served}/signin", wait_until="networkidle")
        state = page.evaluate(
            "navigator.serviceWorker.ready.then((r) => new Promise((done) => {"
            " const w = r.active; if (w.state === 'activated') return done(w.state);"
            " w.addEventListener('statechange', () => w.state === 'activated' && done(w.state));"
            "}))"
        )
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(1_500)  # the warm-up's fetches
        kept = page.evaluate(
            "caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n)"
            ".then((c) => c.keys()).then((ks) => ks.map((k) => k.url))))).then((l) => l.flat())"
        )
        violations = page.evaluate("window.__csp")
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("input[type=password]", timeout=15_000)
        browser.close()
    assert state == "activated"
    assert violations == [], violations
    paths = [url.split(served, 1)[1] for url in kept]
    assert "/signin" in paths and any(p.startswith("/assets/") and p.endswith(".js") for p in paths)
    assert all(url.startswith(served) for url in kept)
