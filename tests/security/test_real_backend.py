"""The assembled backend (Reflex with the API mounted, as the Dockerfile runs it): security
headers on Reflex's own routes too, CORS pinned to the site's origin, and media opened in a
browser tab of its own still showing under the files' Content-Security-Policy.
"""

from __future__ import annotations

import concurrent.futures
import shutil
from collections.abc import Iterator

import httpx
import pytest

from rdrive_app.api.security_headers import API_CSP, FILE_CSP
from rdrive_app.core.settings import Settings
from rdrive_app.services.wiring import build_services
from tests.faults.harness import SITE, Backend
from tests.security.live import MiB, generated, send_watching
from tests.security.support import PASSWORD, PHOTO, VIDEO, NullQueue

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    root = tmp_path_factory.mktemp("real-backend")
    server = Backend(root=root, data_dir=root / "data")
    settings = Settings(data_dir=server.data_dir, jwt_secret=server.env()["RDRIVE_JWT_SECRET"])
    services = build_services(settings.model_copy(update={"bcrypt_rounds": 4}), NullQueue())
    services.accounts.add_user("alice", PASSWORD)
    services.storage.catalog.close()  # type: ignore[attr-defined]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def auth(backend: Backend) -> dict[str, str]:
    login = httpx.post(
        f"{backend.url}/api/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def test_reflex_routes_and_the_api_carry_the_headers(backend: Backend, auth) -> None:
    for path, headers in (("/ping", {}), ("/_health", {}), ("/api/me", auth), ("/api/me", {})):
        response = httpx.get(backend.url + path, headers=headers)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["content-security-policy"] == API_CSP, path


def test_cors_is_pinned_to_the_site_origin(backend: Backend) -> None:
    def preflight(origin: str) -> httpx.Response:
        return httpx.options(
            f"{backend.url}/api/me",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )

    assert preflight(SITE).headers.get("access-control-allow-origin") == SITE
    refused = preflight(EVIL)
    assert refused.status_code >= 400
    assert "access-control-allow-origin" not in refused.headers
    for path in ("/api/openapi.json", "/ping"):
        simple = httpx.get(backend.url + path, headers={"Origin": EVIL})
        assert "access-control-allow-origin" not in simple.headers, path
        assert simple.headers.get("access-control-allow-origin") != "*", path


def test_media_opened_in_its_own_tab_shows_under_the_file_policy(backend: Backend, auth) -> None:
    urls = {}
    for path, kind in ((PHOTO, "image/jpeg"), (VIDEO, "video/mp4")):
        files = {"files": (path.name, path.read_bytes(), kind)}
        uploaded = httpx.post(f"{backend.url}/api/media", files=files, headers=auth, timeout=60)
        assert uploaded.status_code == 201, uploaded.text
        urls[kind] = uploaded.json()["items"][0]["url"]
    assert httpx.get(urls["image/jpeg"]).headers["content-security-policy"] == FILE_CSP
    # A thread of its own: the browser tests' Playwright may own this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        blocked = pool.submit(_open_in_tabs, urls["image/jpeg"], urls["video/mp4"]).result()
    assert blocked == []


def _open_in_tabs(image_url: str, video_url: str) -> list[str]:
    """Open each URL as a page of its own; the CSP violations Chromium reported."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
        page.goto(image_url)
        assert page.evaluate("document.images[0].naturalWidth") > 0
        page.goto(video_url)
        page.wait_for_function("document.querySelector('video')?.readyState >= 1", timeout=15_000)
        assert page.evaluate("document.querySelector('video').videoWidth") > 0
        browser.close()
    return blocked


def test_a_strangers_300_mib_upload_is_refused_before_its_body(backend: Backend) -> None:
    """The assembled backend (Reflex outside the API): 401 without reading the body."""
    head = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(300 * MiB)}
    for chunked in (False, True):
        if chunked:
            del headers["Content-Length"]
        answer = send_watching(
            ("127.0.0.1", backend.port),
            "POST",
            "/api/media?folder=/",
            headers,
            generated(300 * MiB, head=head),
            chunked=chunked,
        )
        how = "chunked" if chunked else "Content-Length"
        sent = f"{answer.yielded / MiB:.2f} MiB sent, {answer.seconds * 1000:.0f} ms"
        print(f"\nreal backend, {how}: {answer.status} after {sent}")
        assert answer.status == 401, answer.body
        assert answer.yielded <= 10 * MiB
        assert answer.closed
