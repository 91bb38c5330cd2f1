"""Security headers on every kind of response, tokens only in the Authorization header, and
signing out that really ends the session (HTTP API here; the web page in test_ui_session.py)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from rdrive_app.api.security_headers import API_CSP, DOCS_CSP, FILE_CSP
from rdrive_app.core.settings import Backend
from rdrive_app.services.wiring import Services
from tests.security.support import PASSWORD, Seeded, Sessions

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")


def _assert_headers(response, csp: str) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert response.headers.get("content-security-policy") == csp, response.url


def test_api_answers_carry_the_headers(api, auth, seeded: Seeded) -> None:
    answers = [
        api.get("/api/me", headers=auth),
        api.get("/api/me"),  # 401
        api.get(f"/api/media/{seeded.ready.id}", headers=auth),
        api.get("/api/media/" + "0" * 32, headers=auth),  # 404
        api.get("/api/nothing-here"),
        api.get("/api/openapi.json"),
        api.get("/api/media/download", params={"ids": seeded.ready.id}, headers=auth),
        api.post("/api/folders", content=b"{" * (2 * 1024 * 1024), headers=auth),  # 413
    ]
    for response in answers:
        _assert_headers(response, API_CSP)
        assert response.headers["cache-control"] == "no-store", response.url
    _assert_headers(api.get("/api/docs"), DOCS_CSP)


def test_signed_files_carry_the_file_policy(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    if api_services.settings.backend is not Backend.LOCAL:
        pytest.skip("S3 serves the aws backend's files (inline only for sniffed media types)")
    item = api.get(f"/api/media/{seeded.ready.id}", headers=auth).json()
    for url in (item["url"], item["thumbnail_url"]):
        response = api.get(url)
        assert response.status_code == 200
        _assert_headers(response, FILE_CSP)
        assert response.headers["cache-control"].startswith("private, max-age=")
    refused = api.get(item["url"].replace("sig=", "sig=0"))
    assert refused.status_code == 403
    _assert_headers(refused, FILE_CSP)


def test_a_token_anywhere_but_the_authorization_header_is_ignored(api, sessions: Sessions) -> None:
    token = sessions.valid
    for params in ({"access_token": token}, {"token": token}, {"authorization": token}):
        assert api.get("/api/me", params=params).status_code == 401
    api.cookies.set("access_token", token)
    api.cookies.set("Authorization", f"Bearer {token}")
    assert api.get("/api/me").status_code == 401
    api.cookies.clear()
    assert api.get("/api/me", headers={"Authorization": f"Token {token}"}).status_code == 401


def test_urls_the_api_hands_out_never_carry_the_session_token(
    api, auth, api_services: Services, sessions: Sessions, seeded: Seeded
) -> None:
    big = api_services.settings.multipart_threshold_bytes + 1
    item = api.get(f"/api/media/{seeded.ready.id}", headers=auth).json()
    single = api.post(
        "/api/uploads",
        json={"folder": "/trip", "name": "n.jpg", "size": 10, "content_type": "image/jpeg"},
        headers=auth,
    ).json()
    multi = api.post(
        "/api/uploads",
        json={"folder": "/trip", "name": "m.mp4", "size": big, "content_type": "video/mp4"},
        headers=auth,
    ).json()
    parts = api.post(
        f"/api/uploads/{multi['item']['id']}/parts", json={"numbers": [1, 2]}, headers=auth
    ).json()
    download = api.get(
        f"/api/media/{seeded.ready.id}/download", headers=auth, follow_redirects=False
    )
    urls = [
        item["url"],
        item["thumbnail_url"],
        item["preview_url"],
        single["upload_url"],
        *parts["urls"].values(),
        download.headers["location"],
        api_services.zip_tickets.issue([seeded.ready.id]),
    ]
    for url in urls:
        assert sessions.valid not in url and not JWT.search(url), url
        query = urlparse(url).query.lower()
        assert "token" not in query and "bearer" not in query, url


def test_logout_ends_every_session_of_the_account(api, auth, sessions: Sessions) -> None:
    assert api.get("/api/me", headers=auth).status_code == 200
    assert api.post("/api/auth/logout", headers=auth).status_code == 204
    after = api.get("/api/me", headers=auth)
    assert after.status_code == 401
    assert api.post("/api/auth/logout", headers=auth).status_code == 401
    fresh = api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    new_auth = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert api.get("/api/me", headers=new_auth).status_code == 200


def test_cors_is_not_opened_by_the_api_itself(api) -> None:
    """Standalone (uvicorn --factory) the API sends no CORS headers at all; under Reflex the
    origin is pinned to the site (checked against the real backend in test_real_backend)."""
    preflight = api.options(
        "/api/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = api.get("/api/openapi.json", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
