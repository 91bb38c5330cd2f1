"""The library over HTTP on both backends (local disk + SQLite, S3 + DynamoDB on moto): upload,
list, download, organise, trash. Real camera files from ../shared/testdata/media go in;
processing runs for real.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from rdrive_app.client.part_sender import HttpSink

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
CANON = MEDIA / "photos" / "Canon_40D.jpg"
NIKON = MEDIA / "photos" / "Nikon_D70.jpg"
GPS = MEDIA / "photos" / "gps" / "DSCN0010.jpg"
VIDEO = MEDIA / "videos" / "sample.mp4"


@pytest.fixture
def services(services_on_both):
    return services_on_both


def upload(client, auth, path: Path, folder: str = "/", name: str | None = None):
    files = {"files": (name or path.name, path.read_bytes(), "application/octet-stream")}
    return client.post("/api/media", params={"folder": folder}, files=files, headers=auth)


def wait_settled(client, auth, item_id: str, timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        item = client.get(f"/api/media/{item_id}", headers=auth).json()
        if item["status"] in ("ready", "failed"):
            return item
        time.sleep(0.2)
    raise AssertionError(f"item {item_id} never settled")


def test_upload_a_photo_and_see_it_processed(client, auth, services):
    r = upload(client, auth, CANON)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["rejected"] == []
    (item,) = body["items"]
    assert item["name"] == "Canon_40D.jpg"
    assert item["kind"] == "image"
    assert item["content_type"] == "image/jpeg"
    assert item["uploaded_by"] == "alice"
    item = wait_settled(client, auth, item["id"])
    assert item["status"] == "ready", item
    assert item["camera"] and "Canon" in item["camera"]
    thumb = client.get(item["thumbnail_url"])
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/webp"
    if services.settings.backend.value == "local":
        # S3 presigned URLs cannot add response headers; the type is pinned by the signed
        # response-content-type instead (see README, "Serving files").
        assert thumb.headers["x-content-type-options"] == "nosniff"


def test_same_name_gets_a_free_name_never_an_overwrite(client, auth):
    first = upload(client, auth, CANON, name="IMG_1.jpg").json()["items"][0]
    second = upload(client, auth, NIKON, name="IMG_1.jpg").json()["items"][0]
    assert first["name"] == "IMG_1.jpg"
    assert second["name"] == "IMG_1 (1).jpg"
    original = client.get(f"/api/media/{first['id']}/download", headers=auth, follow_redirects=True)
    assert original.content == CANON.read_bytes()


def test_text_file_named_jpg_is_415_and_nothing_is_kept(client, auth, services):
    r = upload(client, auth, CANON, name="x.jpg")
    assert r.status_code == 201
    files = {"files": ("notes.jpg", b"just some text, not a photo\n" * 20, "image/jpeg")}
    r = client.post("/api/media", files=files, headers=auth)
    assert r.status_code == 415
    assert "not a photo or video" in r.json()["detail"]
    page = client.get("/api/media", headers=auth).json()
    assert [i["name"] for i in page["items"]] == ["x.jpg"]
    keys = list(services.storage.blobs.list_keys("originals/"))
    assert len(keys) == 1


def test_svg_and_html_are_refused(client, auth):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, data in (("a.svg", svg), ("b.jpg", b"<html><script>alert(1)</script></html>")):
        r = client.post("/api/media", files={"files": (name, data, "image/svg+xml")}, headers=auth)
        assert r.status_code == 415, (name, r.text)


def test_direct_upload_put_complete(client, auth):
    data = GPS.read_bytes()
    r = client.post(
        "/api/uploads",
        json={"folder": "/", "name": "gps.jpg", "size": len(data), "content_type": "image/jpeg"},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert ticket["item"]["status"] == "uploading"
    assert ticket["method"] == "PUT"
    put = client.put(ticket["upload_url"], content=data, headers=ticket["headers"])
    assert put.status_code in (200, 201, 204), put.text
    done = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["status"] in ("processing", "ready")
    item = wait_settled(client, auth, ticket["item"]["id"])
    assert item["gps"] and abs(item["gps"]["lat"]) > 1


def _start_single(client, auth, data: bytes, name: str) -> dict:
    body = {"folder": "/", "name": name, "size": len(data), "content_type": "image/jpeg"}
    r = client.post("/api/uploads", json=body, headers=auth)
    assert r.status_code == 201, r.text
    return r.json()


def test_a_put_url_cannot_replace_the_file_once_completed(client, auth, services):
    data = GPS.read_bytes()
    ticket = _start_single(client, auth, data, "checked.jpg")
    url, headers, item_id = ticket["upload_url"], ticket["headers"], ticket["item"]["id"]
    if services.settings.backend == "aws":  # S3 may only create the key, never replace it
        assert headers["If-None-Match"] == "*"
        signed = parse_qs(urlsplit(url).query)["X-Amz-SignedHeaders"][0].split(";")
        assert "if-none-match" in signed  # a PUT without the header fails S3's signature check
    assert client.put(url, content=data, headers=headers).status_code == 200
    done = client.post(f"/api/uploads/{item_id}/complete", headers=auth)
    assert done.status_code == 200, done.text
    # The URL is still within its lifetime: it must not swap the checked photo for a page.
    late = client.put(url, content=b"<html><script>alert(1)</script>", headers=headers)
    # S3: 412 (created once); the local route asks the upload first: 404, already complete
    # (a local PUT that began before completion gets 412: tests/services/test_races.py)
    assert late.status_code == (412 if services.settings.backend == "aws" else 404), late.text
    got = client.get(f"/api/media/{item_id}/download", headers=auth, follow_redirects=True)
    assert got.content == data


def test_a_put_whose_answer_was_lost_can_be_sent_again(client, auth, services, tmp_path):
    """The import client's sink PUTs again after a lost answer: S3 answers 412 (stored
    already, not replaced), the local route takes the same bytes again; both then complete."""
    data = CANON.read_bytes()
    source = tmp_path / "again.jpg"
    source.write_bytes(data)
    ticket = _start_single(client, auth, data, "again.jpg")
    sink = HttpSink(client)  # the app in-process, S3 (moto) over real HTTP
    for _ in range(2):
        sink.put(ticket["upload_url"], ticket["headers"], source, 0, len(data), lambda n: None)
    done = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert done.status_code == 200, done.text
    assert (
        services.storage.blobs.read_range(f"originals/{ticket['item']['id']}", 0, 64) == (data[:64])
    )


def test_completed_size_that_differs_is_refused_and_deleted(client, auth, services):
    data = CANON.read_bytes()
    ticket = client.post(
        "/api/uploads",
        json={"name": "a.jpg", "size": len(data) + 10, "content_type": "image/jpeg"},
        headers=auth,
    ).json()
    client.put(ticket["upload_url"], content=data, headers=ticket["headers"])
    r = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert r.status_code == 400
    assert "declared" in r.json()["detail"]
    assert client.get(f"/api/media/{ticket['item']['id']}", headers=auth).status_code == 404
    assert list(services.storage.blobs.list_keys("originals/")) == []


def test_upload_over_the_limit_is_413(client, auth, services):
    r = client.post(
        "/api/uploads",
        json={"name": "huge.mp4", "size": services.settings.max_upload_bytes + 1},
        headers=auth,
    )
    assert r.status_code == 413
    assert client.get("/api/media", headers=auth).json()["items"] == []


def test_cancel_frees_the_name(client, auth):
    ticket = client.post(
        "/api/uploads",
        json={"name": "v.mp4", "size": 100, "content_type": "video/mp4"},
        headers=auth,
    ).json()
    assert client.delete(f"/api/uploads/{ticket['item']['id']}", headers=auth).status_code == 204
    again = client.post(
        "/api/uploads",
        json={"name": "v.mp4", "size": 100, "content_type": "video/mp4"},
        headers=auth,
    ).json()
    assert again["item"]["name"] == "v.mp4"


def test_list_pages_with_a_cursor_and_filter_by_kind(client, auth):
    for n in range(5):
        upload(client, auth, CANON, name=f"p{n}.jpg")
    upload(client, auth, VIDEO, name="clip.mp4")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/media", params=params, headers=auth).json()
        seen += [i["name"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == 6
    videos = client.get("/api/media", params={"kind": "video"}, headers=auth).json()["items"]
    assert [v["name"] for v in videos] == ["clip.mp4"]
    photos = client.get("/api/media", params={"type": "image"}, headers=auth).json()["items"]
    assert len(photos) == 5
    assert client.get("/api/media", params={"kind": "pdf"}, headers=auth).status_code == 400
    assert client.get("/api/media", params={"cursor": "bogus"}, headers=auth).status_code == 400


def test_download_one_with_its_utf8_name(client, auth):
    item = upload(client, auth, CANON, name="Crémieux 日本.jpg").json()["items"][0]
    r = client.get(f"/api/media/{item['id']}/download", headers=auth, follow_redirects=False)
    assert r.status_code == 302
    got = client.get(r.headers["location"])
    assert got.status_code == 200
    assert got.content == CANON.read_bytes()
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''Cr%C3%A9mieux%20%E6%97%A5%E6%9C%AC.jpg" in disposition


def test_zip_of_three_has_their_names_and_bytes(client, auth):
    ids = [upload(client, auth, p).json()["items"][0]["id"] for p in (CANON, NIKON, GPS)]
    r = client.get("/api/media/download", params={"ids": ",".join(ids)}, headers=auth)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in (CANON, NIKON, GPS))
        for p in (CANON, NIKON, GPS):
            assert z.read(p.name) == p.read_bytes()
            assert z.getinfo(p.name).compress_type == zipfile.ZIP_STORED


def test_zip_refuses_unknown_and_trashed_ids(client, auth):
    item = upload(client, auth, CANON).json()["items"][0]
    assert (
        client.get("/api/media/download", params={"ids": "nope"}, headers=auth).status_code == 404
    )
    client.delete(f"/api/media/{item['id']}", headers=auth)
    r = client.get("/api/media/download", params={"ids": item["id"]}, headers=auth)
    assert r.status_code == 404
    many = ",".join(f"{n:032x}" for n in range(1000))
    assert client.get("/api/media/download", params={"ids": many}, headers=auth).status_code == 400


def test_folder_zip_keeps_paths(client, auth):
    client.post("/api/folders", json={"path": "/trip"}, headers=auth)
    client.post("/api/folders", json={"path": "/trip/day1"}, headers=auth)
    upload(client, auth, CANON, folder="/trip")
    upload(client, auth, NIKON, folder="/trip/day1")
    r = client.get("/api/folders/download", params={"path": "/trip"}, headers=auth)
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == ["trip/Canon_40D.jpg", "trip/day1/Nikon_D70.jpg"]


def test_rename_move_and_clash(client, auth):
    client.post("/api/folders", json={"path": "/album"}, headers=auth)
    a = upload(client, auth, CANON, name="a.jpg").json()["items"][0]
    b = upload(client, auth, NIKON, name="b.jpg").json()["items"][0]
    r = client.patch(f"/api/media/{a['id']}", json={"name": "b.jpg"}, headers=auth)
    assert r.status_code == 409
    assert client.get(f"/api/media/{b['id']}", headers=auth).json()["name"] == "b.jpg"
    r = client.patch(f"/api/media/{a['id']}", json={"name": "renamed.jpg"}, headers=auth)
    assert r.status_code == 200 and r.json()["name"] == "renamed.jpg"
    r = client.patch(f"/api/media/{a['id']}", json={"folder": "/album"}, headers=auth)
    assert r.json()["folder"] == "/album"
    for bad in ({"name": "../x.jpg"}, {"name": ""}, {"name": "a/b"}, {"folder": "/nope"}):
        r = client.patch(f"/api/media/{a['id']}", json=bad, headers=auth)
        assert r.status_code in (400, 404), bad
    assert client.get(f"/api/media/{a['id']}", headers=auth).json()["name"] == "renamed.jpg"


def test_move_folder_with_content(client, auth):
    client.post("/api/folders", json={"path": "/a"}, headers=auth)
    client.post("/api/folders", json={"path": "/b"}, headers=auth)
    item = upload(client, auth, CANON, folder="/a").json()["items"][0]
    r = client.patch("/api/folders", json={"path": "/a", "new_path": "/b/a2"}, headers=auth)
    assert r.status_code == 200, r.text
    assert client.get(f"/api/media/{item['id']}", headers=auth).json()["folder"] == "/b/a2"
    r = client.patch("/api/folders", json={"path": "/b", "new_path": "/b/a2/inside"}, headers=auth)
    assert r.status_code == 400


def test_trash_restore_and_delete_forever(client, auth, services):
    item = upload(client, auth, CANON).json()["items"][0]
    wait_settled(client, auth, item["id"])
    assert client.delete(f"/api/media/{item['id']}", headers=auth).status_code == 200
    assert client.get("/api/media", headers=auth).json()["items"] == []
    trash = client.get("/api/trash", headers=auth).json()["items"]
    assert [t["id"] for t in trash] == [item["id"]]
    upload(client, auth, NIKON, name=item["name"])  # the name is free while it is in the trash
    r = client.post(f"/api/trash/{item['id']}/restore", headers=auth)
    assert r.status_code == 200
    assert r.json()["name"] == "Canon_40D (1).jpg"
    client.delete(f"/api/media/{item['id']}", headers=auth)
    assert client.delete(f"/api/trash/{item['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/media/{item['id']}", headers=auth).status_code == 404
    assert services.storage.blobs.size(f"originals/{item['id']}") is None
    assert list(services.storage.blobs.list_keys(f"thumbs/{item['id']}/")) == []


def test_unknown_ids_are_404(client, auth):
    for method, url in (
        ("get", "/api/media/nope"),
        ("get", "/api/media/nope/download"),
        ("delete", "/api/media/nope"),
        ("post", "/api/trash/nope/restore"),
        ("delete", "/api/trash/nope"),
        ("post", "/api/uploads/nope/complete"),
    ):
        assert getattr(client, method)(url, headers=auth).status_code == 404, url


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/media"),
        ("get", "/api/media/x"),
        ("post", "/api/media"),
        ("post", "/api/uploads"),
        ("post", "/api/uploads/x/complete"),
        ("delete", "/api/uploads/x"),
        ("get", "/api/media/x/download"),
        ("get", "/api/media/download?ids=x"),
        ("get", "/api/folders/download?path=/"),
        ("patch", "/api/media/x"),
        ("patch", "/api/folders"),
        ("delete", "/api/media/x"),
        ("get", "/api/trash"),
        ("post", "/api/trash/x/restore"),
        ("delete", "/api/trash/x"),
        ("delete", "/api/folders"),
    ],
)
def test_every_media_route_needs_a_token(client, method, url):
    for headers in ({}, {"Authorization": "Bearer forged.token.value"}):
        r = getattr(client, method)(url, headers=headers)
        assert r.status_code == 401, (method, url, r.status_code)


def test_rendition_is_made_once_then_only_signed(client, auth, services):
    item = upload(client, auth, GPS).json()["items"][0]
    wait_settled(client, auth, item["id"])
    r = client.get(
        f"/api/media/{item['id']}/rendition",
        params={"w": 200},
        headers=auth,
        follow_redirects=False,
    )
    assert r.status_code == 302
    image = client.get(r.headers["location"])
    assert image.headers["content-type"] == "image/webp"
    keys = set(services.storage.blobs.list_keys(f"thumbs/{item['id']}/"))
    again = client.get(
        f"/api/media/{item['id']}/rendition",
        params={"w": 200},
        headers=auth,
        follow_redirects=False,
    )
    assert again.status_code == 302
    assert set(services.storage.blobs.list_keys(f"thumbs/{item['id']}/")) == keys
    bad = client.get(f"/api/media/{item['id']}/rendition", params={"w": 333}, headers=auth)
    assert bad.status_code == 400
    assert client.get("/api/media/nope/rendition?w=200", headers=auth).status_code == 404
    assert client.get(f"/api/media/{item['id']}/rendition?w=200").status_code == 401


def test_restore_recreates_a_deleted_folder(client, auth):
    client.post("/api/folders", json={"path": "/gone"}, headers=auth)
    item = upload(client, auth, CANON, folder="/gone").json()["items"][0]
    client.delete(f"/api/media/{item['id']}", headers=auth)
    assert client.delete("/api/folders", params={"path": "/gone"}, headers=auth).status_code == 204
    r = client.post(f"/api/trash/{item['id']}/restore", headers=auth)
    assert r.status_code == 200 and r.json()["folder"] == "/gone"
    assert [f["name"] for f in client.get("/api/folders", headers=auth).json()["folders"]] == [
        "gone"
    ]
    r = client.delete("/api/folders", params={"path": "/gone"}, headers=auth)
    assert r.status_code == 409 and "not empty" in r.json()["detail"]
