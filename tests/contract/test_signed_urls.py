"""Signed URLs fetched over real HTTP: the app's signed routes (local) or moto (aws)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import httpx
import pytest

from rdrive_app.core.settings import Settings
from rdrive_app.storage import Storage
from rdrive_app.storage.local import signing

DATA = bytes(range(256)) * 8  # 2 048 bytes
KEY = "originals/abc123"
UTF8_NAME = "Crémieux 日本.jpg"


def fetch(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=10)


@pytest.fixture
def stored(storage: Storage) -> Storage:
    storage.blobs.put(KEY, DATA, "image/jpeg")
    return storage


def test_signed_get_whole_file(stored: Storage) -> None:
    url = stored.blobs.signed_get_url(KEY, expires_in=600, content_type="image/jpeg")
    resp = fetch(url)
    assert resp.status_code == 200
    assert resp.content == DATA
    assert resp.headers["content-type"] == "image/jpeg"
    assert "attachment" not in resp.headers.get("content-disposition", "")


def test_signed_get_range(stored: Storage) -> None:
    url = stored.blobs.signed_get_url(KEY, expires_in=600, content_type="video/mp4")
    resp = fetch(url, Range="bytes=100-199")
    assert resp.status_code == 206
    assert resp.content == DATA[100:200]
    assert resp.headers["content-range"] == f"bytes 100-199/{len(DATA)}"
    tail = fetch(url, Range="bytes=-10")
    assert tail.status_code == 206
    assert tail.content == DATA[-10:]
    open_end = fetch(url, Range="bytes=2000-")
    assert open_end.status_code == 206
    assert open_end.content == DATA[2000:]


def test_signed_get_unsatisfiable_range(stored: Storage) -> None:
    url = stored.blobs.signed_get_url(KEY, expires_in=600)
    resp = fetch(url, Range=f"bytes={len(DATA) + 10}-{len(DATA) + 20}")
    assert resp.status_code == 416


def test_signed_get_download_name(stored: Storage) -> None:
    url = stored.blobs.signed_get_url(
        KEY, expires_in=600, content_type="image/jpeg", download_name=UTF8_NAME
    )
    resp = fetch(url)
    assert resp.status_code == 200
    disposition = resp.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote(UTF8_NAME, safe="") in disposition
    assert 'filename="Cremieux __.jpg"' in disposition
    assert resp.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", None])
def test_scriptable_types_are_never_inline(stored: Storage, content_type: str | None) -> None:
    url = stored.blobs.signed_get_url(KEY, expires_in=600, content_type=content_type)
    resp = fetch(url)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/octet-stream"
    assert resp.headers["content-disposition"].startswith("attachment;")


def test_signed_put_then_read_back(storage: Storage) -> None:
    url = storage.blobs.signed_put_url("originals/up1", expires_in=600, content_type="image/png")
    resp = httpx.put(url, content=DATA, headers={"Content-Type": "image/png"}, timeout=10)
    assert resp.status_code == 200
    assert resp.headers.get("etag")
    assert storage.blobs.size("originals/up1") == len(DATA)
    assert storage.blobs.read_range("originals/up1", 0, len(DATA)) == DATA


def test_signed_put_creates_once_and_never_replaces(storage: Storage) -> None:
    """S3 with ``If-None-Match: *`` and the local route alike: 412, the stored bytes stay."""
    storage.blobs.put("originals/up2", b"old", "image/png")
    url = storage.blobs.signed_put_url("originals/up2", expires_in=600, content_type="image/png")
    headers = storage.blobs.signed_put_headers("image/png")
    assert headers["If-None-Match"] == "*"
    assert httpx.put(url, content=b"new!", headers=headers).status_code == 412
    assert storage.blobs.read_range("originals/up2", 0, 100) == b"old"


def test_aws_url_lifetime_is_the_requested_one(
    storage_settings: Settings, request: pytest.FixtureRequest
) -> None:
    if storage_settings.backend != "aws":
        pytest.skip("moto does not check expiry; the local store is tested for refusal below")
    storage: Storage = request.getfixturevalue("storage")
    for url in (
        storage.blobs.signed_get_url(KEY, expires_in=900),
        storage.blobs.signed_put_url(KEY, expires_in=900, content_type="image/jpeg"),
    ):
        query = parse_qs(urlparse(url).query)
        assert query["X-Amz-Expires"] == ["900"]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]


# Local store only: moto checks neither expiry nor signatures.


@pytest.fixture
def local(storage_settings: Settings, request: pytest.FixtureRequest) -> Storage:
    if storage_settings.backend != "local":
        pytest.skip("moto does not verify presigned URLs")
    return request.getfixturevalue("stored")


def _with_param(url: str, name: str, value: str) -> str:
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    query[name] = value
    return parsed._replace(query=httpx.QueryParams(query).__str__()).geturl()


def test_local_expired_url_refused(local: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    url = local.blobs.signed_get_url(KEY, expires_in=60)
    an_hour_ago = SimpleNamespace(time=lambda: time.time() - 3600)
    with monkeypatch.context() as mp:
        mp.setattr(signing, "time", an_hour_ago)  # the signer's clock only
        stale = local.blobs.signed_get_url(KEY, expires_in=60)
    assert fetch(url).status_code == 200
    resp = fetch(stale)
    assert resp.status_code == 403
    assert "expired" in resp.json()["detail"]


@pytest.mark.parametrize(
    ("param", "value"),
    [("exp", "9999999999"), ("sig", "0" * 64), ("ct", "text/html")],
    ids=["later-expiry", "zero-signature", "other-type"],
)
def test_local_tampered_url_refused(local: Storage, param: str, value: str) -> None:
    url = local.blobs.signed_get_url(KEY, expires_in=60, content_type="image/jpeg")
    resp = fetch(_with_param(url, param, value))
    assert resp.status_code == 403
    assert resp.json()["detail"]


def test_local_url_for_another_key_refused(local: Storage) -> None:
    local.blobs.put("originals/other", b"secret", "image/jpeg")
    url = local.blobs.signed_get_url(KEY, expires_in=60)
    resp = fetch(url.replace("/originals/abc123?", "/originals/other?"))
    assert resp.status_code == 403


def test_local_get_url_cannot_put(local: Storage) -> None:
    url = local.blobs.signed_get_url(KEY, expires_in=60)
    resp = httpx.put(url, content=b"overwrite", headers={"Content-Type": "image/jpeg"})
    assert resp.status_code == 403
    assert local.blobs.read_range(KEY, 0, 10) == DATA[:10]


def test_local_put_url_cannot_get_or_change_type(local: Storage) -> None:
    url = local.blobs.signed_put_url(KEY, expires_in=60, content_type="image/jpeg")
    assert fetch(url).status_code == 403
    resp = httpx.put(url, content=b"<html>", headers={"Content-Type": "text/html"})
    assert resp.status_code == 403
    forged = _with_param(url, "ct", "text/html")
    assert httpx.put(forged, content=b"x", headers={"Content-Type": "text/html"}).status_code == 403


def test_local_missing_blob_is_404_json(local: Storage) -> None:
    url = local.blobs.signed_get_url("originals/nothing", expires_in=60)
    resp = fetch(url)
    assert resp.status_code == 404
    assert resp.json() == {"detail": "no such file"}


def test_local_response_headers(local: Storage) -> None:
    resp = fetch(local.blobs.signed_get_url(KEY, expires_in=60, content_type="image/jpeg"))
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["accept-ranges"] == "bytes"
    head = httpx.head(local.blobs.signed_get_url(KEY, expires_in=60))
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(DATA))


def test_local_put_over_the_limit_is_413(local: Storage, signed_files_server: Any) -> None:
    signed_files_server.serve(local.blobs, max_bytes=1000)
    url = local.blobs.signed_put_url("originals/big", expires_in=60, content_type="image/png")
    headers = {"Content-Type": "image/png"}
    assert httpx.put(url, content=b"x" * 1001, headers=headers).status_code == 413

    def chunked():  # no Content-Length: the limit applies while streaming
        for _ in range(20):
            yield b"y" * 100

    resp = httpx.put(url, content=chunked(), headers=headers)
    assert resp.status_code == 413
    assert resp.json()["detail"]
    assert local.blobs.size("originals/big") is None
    assert httpx.put(url, content=b"z" * 1000, headers=headers).status_code == 200


def test_local_part_url_for_another_key_is_refused(local: Storage) -> None:
    upload_id = local.blobs.create_multipart(KEY, "video/mp4")
    url = local.blobs.signed_part_url("originals/other", upload_id, 1, expires_in=60)
    assert httpx.put(url, content=b"part").status_code == 404
    assert local.blobs.list_parts(KEY, upload_id) == []
