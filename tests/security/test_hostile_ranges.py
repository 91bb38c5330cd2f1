"""Hostile Range headers (tests/security/hostile.py) on every route of the app that serves bytes.

The local backend's signed file route parses Range itself: each header gets 206 with exactly the
bytes it asks for, 416 with ``Content-Range: bytes */size``, or the whole file (200) when it is
one RFC 9110 lets a server ignore; never a 5xx (a 5000-digit number was a 500: Python's int()
refuses more than 4300 digits). On AWS, S3 serves the bytes; the app's own routes that lead to
them (download, rendition) redirect whatever Range they are sent.
"""

from __future__ import annotations

import httpx
import pytest

from rdrive_app.core.settings import Backend
from rdrive_app.services.wiring import Services
from tests.security import hostile
from tests.security.support import PHOTO, Seeded


def _check(response: httpx.Response, case: hostile.HostileRange, data: bytes) -> None:
    label = case.label
    assert response.status_code == case.status, (label, response.status_code, response.text)
    size = len(data)
    if case.status == 416:
        assert response.headers["content-range"] == f"bytes */{size}", label
        return
    if case.status == 206:
        assert case.span is not None
        first, last = case.span
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}", label
        expected = data[first : last + 1]
    else:
        assert "content-range" not in response.headers, label
        expected = data
    assert response.headers["content-length"] == str(len(expected)), label
    if response.request.method == "GET":
        assert response.content == expected, label


def test_hostile_ranges_on_the_signed_file_route(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    if api_services.settings.backend is not Backend.LOCAL:
        pytest.skip("S3 serves the aws backend's files; see the redirect test below")
    data = PHOTO.read_bytes()
    item = api.get(f"/api/media/{seeded.ready.id}", headers=auth).json()
    download = api.get(
        f"/api/media/{seeded.ready.id}/download", headers=auth, follow_redirects=False
    ).headers["location"]
    for url in (item["url"], download):
        for case in hostile.ranges(len(data)):
            headers = {"Range": case.header.encode()}
            _check(api.get(url, headers=headers), case, data)
            _check(api.head(url, headers=headers), case, data)


def test_5000_digit_ranges_over_real_http(storage, storage_settings) -> None:
    """Through uvicorn too (its header limits): the whole header reaches the route."""
    if storage_settings.backend is not Backend.LOCAL:
        pytest.skip("the local store's route")
    data = PHOTO.read_bytes()
    storage.blobs.put("originals/range-test", data, "image/jpeg")
    url = storage.blobs.signed_get_url(
        "originals/range-test", expires_in=60, content_type="image/jpeg"
    )
    for case in hostile.ranges(len(data))[:5]:
        _check(httpx.get(url, headers={"Range": case.header}), case, data)


def test_the_apps_redirecting_routes_ignore_hostile_ranges(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    for case in hostile.ranges(seeded.ready.size):
        for path in (f"/api/media/{seeded.ready.id}/download", f"/api/media/{seeded.ready.id}"):
            response = api.get(
                path, headers={**auth, "Range": case.header.encode()}, follow_redirects=False
            )
            assert response.status_code in {200, 302}, (case.label, path, response.text)
