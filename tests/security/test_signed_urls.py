"""Signed file URLs the API hands out allow one operation on one object until they expire.

The local store's URLs are checked by the app (through the whole API here, not only the bare
file router the contract tests use); moto checks no presigned signature or expiry, so for S3 the
URLs' scope is asserted from what they sign. ZIP tickets, the other URL-borne credential, are
refused when guessed or expired.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from rdrive_app.core.settings import Backend
from rdrive_app.services.wiring import Services
from rdrive_app.storage.local import signing
from tests.security.support import PHOTO, Seeded, snapshot


@pytest.fixture
def local(api_services: Services) -> Services:
    if api_services.settings.backend is not Backend.LOCAL:
        pytest.skip("moto does not verify presigned URLs; see test_s3_urls_sign_their_scope")
    return api_services


def _with(url: str, **changes: str) -> str:
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    query.update(changes)
    return parsed._replace(query=str(httpx.QueryParams(query))).geturl()


def _item(api, auth, item_id: str) -> dict:
    response = api.get(f"/api/media/{item_id}", headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_get_url_cannot_put_or_reach_another_object(
    api, auth, local: Services, seeded: Seeded
) -> None:
    item = _item(api, auth, seeded.ready.id)
    url, thumb = item["url"], item["thumbnail_url"]
    assert api.get(url).status_code == 200
    before = snapshot(local.storage)
    refused = [
        api.put(url, content=b"<html>", headers={"Content-Type": "image/jpeg"}),
        api.get(thumb.replace(f"thumbs/{seeded.ready.id}/thumb.webp", seeded.ready.original_key)),
        api.get(url.replace(seeded.ready.id, seeded.trashed.id)),
        api.get(_with(url, exp=str(int(time.time()) + 10**6))),
        api.get(_with(url, sig="0" * 64)),
        api.get(_with(url, ct="text/html")),
        api.get(_with(url, dn="evil.html")),
        api.get(_with(url, op="put")),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert all(list(r.json()) == ["detail"] for r in refused)
    assert snapshot(local.storage) == before


def test_expired_urls_are_refused(
    api, auth, local: Services, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    an_hour_ago = SimpleNamespace(time=lambda: time.time() - 3600)
    with monkeypatch.context() as mp:
        mp.setattr(signing, "time", an_hour_ago)  # the signer's clock only
        item = _item(api, auth, seeded.ready.id)
        ticket = api.post(
            "/api/uploads",
            json={"folder": "/trip", "name": "late.jpg", "size": 10, "content_type": "image/jpeg"},
            headers=auth,
        ).json()
    stale_get = api.get(item["url"])
    stale_put = api.put(ticket["upload_url"], content=b"x" * 10, headers=ticket["headers"])
    assert (stale_get.status_code, stale_put.status_code) == (403, 403)
    assert "expired" in stale_get.json()["detail"]
    assert local.storage.blobs.size(f"originals/{ticket['item']['id']}") is None


def test_upload_url_cannot_get_change_type_or_write_another_object(
    api, auth, local: Services, seeded: Seeded
) -> None:
    data = PHOTO.read_bytes()
    body = {"folder": "/trip", "name": "new.jpg", "size": len(data), "content_type": "image/jpeg"}
    ticket = api.post("/api/uploads", json=body, headers=auth).json()
    url, new_id = ticket["upload_url"], ticket["item"]["id"]
    before = snapshot(local.storage)
    refused = [
        api.get(url),
        api.head(url),
        api.put(url, content=data, headers={"Content-Type": "text/html"}),
        api.put(_with(url, ct="text/html"), content=data, headers={"Content-Type": "text/html"}),
        api.put(url.replace(new_id, seeded.ready.id), content=b"x", headers=ticket["headers"]),
        api.put(url.replace(new_id, seeded.uploading.id), content=b"x", headers=ticket["headers"]),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert snapshot(local.storage) == before
    assert api.put(url, content=data, headers=ticket["headers"]).status_code == 200
    completed = api.post(f"/api/uploads/{new_id}/complete", headers=auth)
    assert completed.status_code == 200, completed.text
    # After completion the same URL can no longer replace what was checked.
    late = api.put(url, content=b"<html>" * 100, headers=ticket["headers"])
    assert late.status_code == 404
    assert local.storage.blobs.read_range(f"originals/{new_id}", 0, 4) == data[:4]


def test_part_urls_are_bound_to_their_upload_and_number(
    api, auth, local: Services, seeded: Seeded
) -> None:
    size = local.settings.multipart_threshold_bytes + 1
    body = {"folder": "/trip", "name": "big.mp4", "size": size, "content_type": "video/mp4"}
    ticket = api.post("/api/uploads", json=body, headers=auth).json()
    assert ticket["multipart"] is True
    item_id = ticket["item"]["id"]
    urls = api.post(f"/api/uploads/{item_id}/parts", json={"numbers": [1]}, headers=auth).json()
    part1 = urls["urls"]["1"]
    other = local.uploads.start("alice", "/trip", "other.mp4", size, "video/mp4")
    refused = [
        api.put(_with(part1, part="2"), content=b"x"),
        api.put(_with(part1, upload_id=str(other.upload_id)), content=b"x"),
        api.put(part1.replace(item_id, other.item.id), content=b"x"),
        api.get(part1),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert local.storage.blobs.list_parts(f"originals/{item_id}", ticket["upload_id"]) == []


def test_s3_urls_sign_their_scope(api, auth, api_services: Services, seeded: Seeded) -> None:
    """On S3 the signature covers method, key, expiry and (for PUT) the Content-Type header."""
    if api_services.settings.backend is not Backend.AWS:
        pytest.skip("the local store's URLs are refused for real above")
    lifetime = str(api_services.settings.signed_url_lifetime_s)
    item = _item(api, auth, seeded.ready.id)
    get = parse_qs(urlparse(item["url"]).query)
    assert urlparse(item["url"]).path.endswith(f"/{seeded.ready.original_key}")
    assert get["X-Amz-Expires"] == [lifetime]
    assert get["response-content-type"] == ["image/jpeg"]
    assert get["response-content-disposition"] == ["inline"]
    body = {"folder": "/trip", "name": "n.jpg", "size": 10, "content_type": "image/jpeg"}
    ticket = api.post("/api/uploads", json=body, headers=auth).json()
    put = parse_qs(urlparse(ticket["upload_url"]).query)
    assert put["X-Amz-Expires"] == [lifetime]
    assert "content-type" in put["X-Amz-SignedHeaders"][0].split(";")
    assert "X-Amz-Credential" in put and "X-Amz-Signature" in put


def test_zip_tickets_cannot_be_guessed_or_reused_late(
    api, auth, api_services: Services, seeded: Seeded
) -> None:
    assert api.get("/api/zip/" + "A" * 43).status_code == 404
    url = api_services.zip_tickets.issue([seeded.ready.id])
    path = urlparse(url).path
    assert api.get(path).status_code == 200
    tickets = api_services.zip_tickets
    tickets._clock = lambda: time.monotonic() + 3600  # type: ignore[method-assign]
    late = api.get(path)
    assert late.status_code == 404
    assert list(late.json()) == ["detail"]
