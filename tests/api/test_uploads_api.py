"""Multipart direct uploads over HTTP on the local backend: the parts are real PUTs through the
app to its signed file routes (5 MiB parts, the smallest S3 and the local store accept)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rdrive_app.core.settings import Settings
from rdrive_app.media.sniff import sniff_type
from rdrive_app.services.uploads import MIB, MultipartPolicy, UploadService
from rdrive_app.services.wiring import build_services
from rdrive_app.storage import local_signing_key
from rdrive_app.storage.local.signing import SignedRequest, sign_url

PART = 5 * MIB
MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
CANON = MEDIA / "photos" / "Canon_40D.jpg"


@pytest.fixture
def services(tmp_path):
    """The API's services, with parts as small as storage allows and files > 5 MiB in parts."""
    settings = Settings(data_dir=tmp_path / "data", bcrypt_rounds=4, jwt_secret="k" * 48)
    services = build_services(settings)
    services.uploads = UploadService(
        services.storage,
        settings,
        sniff_type,
        services.processing,
        policy=MultipartPolicy(threshold=PART, floor=PART),
    )
    services.accounts.add_user("alice", "correct horse battery")
    return services


@pytest.fixture(scope="module")
def photo() -> bytes:
    """A real photo, padded to 2 full parts and a short third (trailing bytes after a JPEG's
    end are ignored by decoders)."""
    data = CANON.read_bytes()
    return data + b"\0" * (2 * PART + 4321 - len(data))


def start(client, auth, data: bytes, fingerprint: str = "big.jpg|1|1", **extra) -> dict:
    body = {"name": "big.jpg", "size": len(data), "content_type": "image/jpeg"}
    r = client.post(
        "/api/uploads", json={**body, "fingerprint": fingerprint, **extra}, headers=auth
    )
    assert r.status_code == 201, r.text
    return r.json()


def part_urls(client, auth, item_id: str, numbers: list[int]) -> dict[int, str]:
    r = client.post(f"/api/uploads/{item_id}/parts", json={"numbers": numbers}, headers=auth)
    assert r.status_code == 200, r.text
    return {int(n): url for n, url in r.json()["urls"].items()}


def send(client, auth, ticket: dict, data: bytes, numbers: list[int]) -> None:
    size = ticket["part_size"]
    for n, url in part_urls(client, auth, ticket["item"]["id"], numbers).items():
        r = client.put(url, content=data[(n - 1) * size : n * size])
        assert r.status_code == 200, r.text
        assert r.headers["etag"].startswith('"')


def test_multipart_upload_over_http(client, auth, photo):
    ticket = start(client, auth, photo)
    assert ticket["multipart"] is True and ticket["upload_url"] == ""
    assert ticket["upload_id"] and ticket["headers"] == {}
    assert (ticket["part_size"], ticket["part_count"], ticket["done_parts"]) == (PART, 3, [])
    send(client, auth, ticket, photo, [2, 3, 1])
    item_id = ticket["item"]["id"]
    done = client.post(f"/api/uploads/{item_id}/complete", headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["status"] in ("processing", "ready")
    got = client.get(f"/api/media/{item_id}/download", headers=auth, follow_redirects=True)
    assert got.content == photo


def test_resume_after_listing_parts(client, auth, photo):
    first = start(client, auth, photo)
    send(client, auth, first, photo, [1])
    again = start(client, auth, photo)
    assert again["item"]["id"] == first["item"]["id"]
    assert again["done_parts"] == [1] and again["upload_id"] == first["upload_id"]
    send(client, auth, again, photo, [2, 3])
    done = client.post(f"/api/uploads/{again['item']['id']}/complete", headers=auth)
    assert done.status_code == 200, done.text
    names = [i["name"] for i in client.get("/api/media", headers=auth).json()["items"]]
    assert names == ["big.jpg"]


def test_cancel_aborts_the_parts(client, auth, photo, services):
    ticket = start(client, auth, photo)
    item_id = ticket["item"]["id"]
    send(client, auth, ticket, photo, [1])
    late = part_urls(client, auth, item_id, [2])[2]
    assert client.delete(f"/api/uploads/{item_id}", headers=auth).status_code == 204
    r = client.put(late, content=photo[PART : 2 * PART])
    assert r.status_code == 404
    assert client.get(f"/api/media/{item_id}", headers=auth).status_code == 404
    assert not any((services.settings.data_dir / "blobs" / "multipart").iterdir())


def test_completed_size_that_differs_is_refused(client, auth, photo):
    ticket = start(client, auth, photo + b"more")  # declared 4 bytes more than is sent
    send(client, auth, ticket, photo, [1, 2, 3])
    r = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert r.status_code == 400
    assert "part 3 is 4321 bytes but should be 4325" in r.json()["detail"]
    assert client.get(f"/api/media/{ticket['item']['id']}", headers=auth).status_code == 404


def test_missing_parts_are_refused(client, auth, photo):
    ticket = start(client, auth, photo)
    send(client, auth, ticket, photo, [1, 3])
    r = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert r.status_code == 400 and "parts are missing (2)" in r.json()["detail"]
    assert client.get("/api/media", headers=auth).json()["items"] == []


def test_a_part_larger_than_announced_is_refused_at_once(client, auth, photo):
    ticket = start(client, auth, photo)
    url = part_urls(client, auth, ticket["item"]["id"], [1, 3])
    r = client.put(url[1], content=photo[: PART + 1])
    assert r.status_code == 413
    assert r.json()["detail"] == f"part 1 may be at most {PART} bytes; {PART + 1} were sent"
    r = client.put(url[3], content=b"x" * 4322)
    assert r.status_code == 413


def test_a_whole_file_larger_than_announced_is_refused_at_once(client, auth):
    r = client.post(
        "/api/uploads",
        json={"name": "a.jpg", "size": 10, "content_type": "image/jpeg"},
        headers=auth,
    )
    ticket = r.json()
    assert ticket["multipart"] is False and ticket["part_count"] == 1
    put = client.put(ticket["upload_url"], content=b"x" * 11, headers=ticket["headers"])
    assert put.status_code == 413


def test_part_urls_for_another_upload_or_expired_are_refused(client, auth, photo, services):
    a = start(client, auth, photo)
    b = start(client, auth, photo, fingerprint="other", name="other.jpg")
    url_a = part_urls(client, auth, a["item"]["id"], [1])[1]
    forged = url_a.replace(a["upload_id"], b["upload_id"])
    assert client.put(forged, content=photo[:PART]).status_code == 403
    key = f"originals/{a['item']['id']}"
    secret = local_signing_key(services.settings)
    expired = sign_url(
        secret,
        services.settings.api_url,
        SignedRequest(
            op="part",
            key=key,
            expires=int(time.time()) - 5,
            upload_id=a["upload_id"],
            part_number=1,
        ),
    )
    r = client.put(expired, content=photo[:PART])
    assert r.status_code == 403 and "expired" in r.json()["detail"]
    # a valid signature for an upload the item no longer has (restarted meanwhile)
    stale = services.storage.blobs.signed_part_url(key, b["upload_id"], 1, expires_in=60)
    assert client.put(stale, content=photo[:PART]).status_code == 404


def test_bad_part_requests(client, auth, photo):
    ticket = start(client, auth, photo)
    item_id = ticket["item"]["id"]
    for numbers in ([0], [4], []):
        r = client.post(f"/api/uploads/{item_id}/parts", json={"numbers": numbers}, headers=auth)
        assert r.status_code in (400, 422), numbers
    assert client.post("/api/uploads/x/parts", json={"numbers": [1]}).status_code == 401
    r = client.post("/api/uploads/nope/parts", json={"numbers": [1]}, headers=auth)
    assert r.status_code == 404


def test_exists_lists_the_sha256_already_in_the_library(client, auth):
    import hashlib

    data = CANON.read_bytes()
    files = {"files": ("c.jpg", data, "image/jpeg")}
    item = client.post("/api/media", files=files, headers=auth).json()["items"][0]
    deadline = time.time() + 60
    while client.get(f"/api/media/{item['id']}", headers=auth).json()["status"] != "ready":
        assert time.time() < deadline
        time.sleep(0.1)
    known, unknown = hashlib.sha256(data).hexdigest(), "0" * 64
    r = client.post("/api/media/exists", json={"sha256": [known, unknown]}, headers=auth)
    assert r.status_code == 200 and r.json() == {"existing": [known]}
    assert (
        client.post("/api/media/exists", json={"sha256": ["zz"]}, headers=auth).status_code == 400
    )
    assert client.post("/api/media/exists", json={"sha256": [known]}).status_code == 401


def test_parts_are_written_in_place_and_completion_copies_nothing(client, auth, photo, services):
    ticket = start(client, auth, photo)
    send(client, auth, ticket, photo, [3, 1, 2])
    upload_dir = services.settings.data_dir / "blobs" / "multipart" / ticket["upload_id"]
    data = upload_dir / "data"
    assert data.stat().st_size == len(photo)
    inode = data.stat().st_ino
    markers = sorted(p.name for p in upload_dir.iterdir() if p.name[:5].isdigit())
    assert [m.split(".")[2] for m in markers] == [f"0-{PART}", f"{PART}-{PART}", f"{2 * PART}-4321"]
    r = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert r.status_code == 200, r.text
    blob = services.settings.data_dir / "blobs" / "objects" / "originals" / ticket["item"]["id"]
    assert blob.stat().st_ino == inode and blob.read_bytes() == photo
    assert not upload_dir.exists()
