"""Hostile inputs (tests/security/hostile.py) through every entry point, on both backends.

Each gets a clear 4xx with a JSON ``detail``, and the catalog and blob store are exactly as they
were: nothing half-accepted stays behind. What is accepted (a real photo with HTML after its end)
is only ever served as the photo it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from rdrive_app.services.wiring import Services
from tests.security import hostile
from tests.security.support import PHOTO, Seeded, snapshot


def _refused(response: httpx.Response, *, status: int | None = None) -> None:
    allowed = {status} if status else hostile.REFUSED
    assert response.status_code in allowed, (response.status_code, response.text)
    body = response.json()
    assert list(body) == ["detail"] and body["detail"], body


def _put(api: TestClient, url: str, data: bytes, headers: dict[str, str]) -> httpx.Response:
    """PUT to a signed URL: the app's own route (local) or moto's S3 (aws)."""
    if url.startswith(("http://testserver", str(api.app.state.services.settings.api_url))):
        return api.put(url, content=data, headers=headers)
    return httpx.put(url, content=data, headers=headers, timeout=30)


def _raw_multipart(filename: bytes, data: bytes, content_type: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name's bytes exactly as given (clients escape them)."""
    boundary = "rdrive-hostile-boundary"
    body = (
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="files"; filename="'
        + filename
        + b'"\r\nContent-Type: '
        + content_type
        + b"\r\n\r\n"
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _api_upload(api, auth, name: str, data: bytes, content_type: str) -> httpx.Response:
    body, ctype = _raw_multipart(name.encode("utf-8"), data, content_type.encode())
    return api.post(
        "/api/media",
        params={"folder": "/trip"},
        content=body,
        headers={**auth, "Content-Type": ctype},
    )


def _direct_upload(
    api, auth, name: str, data: bytes, content_type: str, declared: object = None
) -> Iterator[httpx.Response]:
    """start → PUT → complete, yielding each answer until one refuses."""
    size = len(data) if declared is None else declared
    body = {"folder": "/trip", "name": name, "size": size, "content_type": content_type}
    started = api.post("/api/uploads", json=body, headers=auth)
    yield started
    if started.status_code >= 400:
        return
    ticket = started.json()
    put = _put(api, ticket["upload_url"], data, ticket["headers"])
    if put.status_code >= 400:
        yield put
        # A client whose PUT was refused gives the upload up; nothing may remain.
        api.delete(f"/api/uploads/{ticket['item']['id']}", headers=auth)
        return
    yield api.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)


@pytest.mark.parametrize("case", hostile.NAMES, ids=lambda c: c.label)
def test_hostile_names_are_refused_everywhere(
    case: hostile.HostileName, api, auth, api_services: Services, seeded: Seeded
) -> None:
    photo = PHOTO.read_bytes()
    before = snapshot(api_services.storage)
    answers = {
        "API upload": _api_upload(api, auth, case.value, photo, "image/jpeg"),
        "direct upload": list(_direct_upload(api, auth, case.value, photo, "image/jpeg"))[-1],
        "new folder": api.post("/api/folders", json={"path": f"/trip/{case.value}"}, headers=auth),
        "rename": api.patch(
            f"/api/media/{seeded.ready.id}", json={"name": case.value}, headers=auth
        ),
        "rename folder": api.patch(
            "/api/folders", json={"path": "/empty", "new_path": f"/{case.value}"}, headers=auth
        ),
    }
    if case.as_segment:
        answers["list folder"] = api.get(
            "/api/folders", params={"path": f"/{case.value}"}, headers=auth
        )
        answers["list items"] = api.get(
            "/api/media", params={"folder": f"/trip/{case.value}"}, headers=auth
        )
        answers["delete folder"] = api.delete(
            "/api/folders", params={"path": f"/{case.value}"}, headers=auth
        )
    for where, response in answers.items():
        assert response.status_code in hostile.REFUSED, (where, response.text)
        assert list(response.json()) == ["detail"], where
    assert snapshot(api_services.storage) == before


def test_names_equal_after_normalisation_never_coexist(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    photo = PHOTO.read_bytes()
    first = _api_upload(api, auth, hostile.NFC_NAME, photo, "image/jpeg")
    assert first.status_code == 201, first.text
    second = _api_upload(api, auth, hostile.NFD_NAME, photo, "image/jpeg")
    direct = list(_direct_upload(api, auth, hostile.NFD_NAME, photo, "image/jpeg"))[-1]
    assert second.json()["items"][0]["name"] == "caf\u00e9 (1).jpg"
    assert direct.json()["name"] == "caf\u00e9 (2).jpg"
    before = snapshot(api_services.storage)
    clashes = [
        api.patch(f"/api/media/{seeded.ready.id}", json={"name": hostile.NFD_NAME}, headers=auth),
        api.post("/api/folders", json={"path": f"/trip/{hostile.NFD_NAME}"}, headers=auth),
    ]
    assert api.post("/api/folders", json={"path": "/caf\u00e9"}, headers=auth).status_code == 201
    clashes.append(api.post("/api/folders", json={"path": "/cafe\u0301"}, headers=auth))
    clashes.append(
        api.patch("/api/folders", json={"path": "/empty", "new_path": "/cafe\u0301"}, headers=auth)
    )
    for response in clashes:
        _refused(response, status=409)
    names = [i["name"] for i in api.get("/api/media?folder=/trip", headers=auth).json()["items"]]
    assert len(names) == len(set(names))
    folders = snapshot(api_services.storage)[0]
    assert folders == sorted({*before[0], "/caf\u00e9"})


@pytest.mark.parametrize("case", hostile.files(), ids=lambda c: c.label)
def test_hostile_files_are_refused_and_nothing_is_kept(
    case: hostile.HostileFile, api, auth, api_services: Services, seeded: Seeded
) -> None:
    before = snapshot(api_services.storage)
    via_api = _api_upload(api, auth, case.name, case.data, case.content_type)
    _refused(via_api, status=case.status)
    direct = list(_direct_upload(api, auth, case.name, case.data, case.content_type))
    _refused(direct[-1], status=case.status)
    assert snapshot(api_services.storage) == before
    assert api_services.processing.submitted == []  # type: ignore[attr-defined]


def test_hostile_sizes_are_refused_and_nothing_is_kept(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    photo = PHOTO.read_bytes()
    before = snapshot(api_services.storage)
    limit = api_services.settings.max_upload_bytes
    for case in hostile.sizes(len(photo), limit):
        data = photo if case.sent is not None else b""
        answers = list(_direct_upload(api, auth, "s.jpg", data, "image/jpeg", case.declared))
        last = answers[-1]
        # Declaring less than is sent: the local store refuses the PUT itself (413).
        expected = {case.status, 413} if case.sent else {case.status}
        assert last.status_code in expected, (case.label, last.status_code, last.text)
        assert list(last.json()) == ["detail"], case.label
        assert snapshot(api_services.storage) == before, case.label


def test_huge_and_deep_json_bodies_are_refused_early(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    before = snapshot(api_services.storage)
    huge = json.dumps({"path": "/trip/x", "pad": "x" * hostile.HUGE_JSON_BYTES}).encode()
    headers = {**auth, "Content-Type": "application/json"}
    _refused(api.post("/api/folders", content=huge, headers=headers), status=413)

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        for start in range(0, len(huge), 64 * 1024):
            yield huge[start : start + 64 * 1024]

    _refused(api.post("/api/folders", content=chunked(), headers=headers), status=413)
    _refused(api.post("/api/uploads", content=hostile.DEEP_JSON, headers=headers), status=400)
    _refused(api.post("/api/auth/login", content=huge, headers=headers), status=413)
    assert snapshot(api_services.storage) == before


def test_zip_requests_with_too_many_or_trashed_ids_are_refused(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    ids: list[Any] = [seeded.ready.id] * hostile.ZIP_IDS
    cases = {
        "a thousand ids": (",".join(ids), 400),
        "a trashed id": (seeded.trashed.id, 404),
        "a trashed id among good ones": (f"{seeded.ready.id},{seeded.trashed.id}", 404),
        "an unfinished upload": (seeded.uploading.id, 400),
        "an unknown id": ("0" * 32, 404),
        "a path for an id": ("../../etc/passwd", 404),
    }
    for label, (value, status) in cases.items():
        response = api.get("/api/media/download", params={"ids": value}, headers=auth)
        assert response.status_code == status, (label, response.text)
        assert response.headers["content-type"] == "application/json", label
    tickets = api_services.zip_tickets
    for value in (ids, [seeded.trashed.id]):
        ticket_url = tickets.issue(value)
        assert api.get(httpx.URL(ticket_url).path).status_code in {400, 404}
    assert (
        api.get("/api/folders/download", params={"path": "/../etc"}, headers=auth).status_code
        == 400
    )


def test_a_jpeg_carrying_html_past_its_end_is_only_served_as_a_photo(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    data = hostile.jpeg_then_html()
    uploaded = _api_upload(api, auth, "trailer.jpg", data, "text/html")
    assert uploaded.status_code == 201, uploaded.text
    item = uploaded.json()["items"][0]
    assert item["content_type"] == "image/jpeg"
    for url, disposition in (
        (item["url"], "inline"),
        (
            api.get(
                f"/api/media/{item['id']}/download", headers=auth, follow_redirects=False
            ).headers["location"],
            "attachment",
        ),
    ):
        served = api.get(url) if "testserver" in url or "/api/files/" in url else httpx.get(url)
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["content-disposition"].startswith(disposition)
        if "/api/files/" in url:
            assert served.headers["x-content-type-options"] == "nosniff"
            assert "default-src 'none'" in served.headers["content-security-policy"]
