"""Plain files on both backends: what claims no photo or video (an XMP sidecar, a PDF, a text
note; over WebDAV an empty file too) is kept byte for byte as ``kind: "file"``: listed in its
folder, downloaded as an attachment, in the folder's ZIP, moved and trashed like the rest, but
never processed and never on the timeline, in search, favourites or albums. Housekeeping files
(.DS_Store, ._*, Thumbs.db) are kept and listed only to WebDAV. What claims to be a photo by
its name and is not is still refused with 415."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from tests.api.test_dav import CANON, _app_password, _basic

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>\n'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _post(client, auth, folder: str, name: str, data: bytes, content_type: str):
    files = {"files": (name, data, content_type)}
    return client.post("/api/media", params={"folder": folder}, files=files, headers=auth)


def _folder(client, auth, path: str) -> None:
    r = client.post("/api/folders", json={"path": path}, headers=auth)
    assert r.status_code == 201, r.text


def _ready(services, item_id: str):
    deadline = time.time() + 30
    while (item := services.storage.catalog.get_item(item_id)).status.value == "processing":
        assert time.time() < deadline, "the file was not made ready"
        time.sleep(0.05)
    return item


def _names(client, auth, folder: str, **params) -> list[str]:
    r = client.get("/api/media", params={"folder": folder, **params}, headers=auth)
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


def test_a_sidecar_and_a_pdf_are_kept_as_files(client, auth, services):
    _folder(client, auth, "/Card")
    made = {}
    for name, data, ctype in (
        ("IMG_1.XMP", XMP, "application/octet-stream"),
        ("tickets.pdf", PDF, "application/pdf"),
        ("notes.txt", b"<html><script>alert(1)</script></html>", "text/plain"),
    ):
        r = _post(client, auth, "/Card", name, data, ctype)
        assert r.status_code == 201, r.text
        (item,) = r.json()["items"]
        assert item["kind"] == "file", item
        done = _ready(services, item["id"])
        assert done.status.value == "ready" and done.thumbnails == {}
        assert done.sha256 is not None and done.size == len(data)
        made[name] = (done, data)

    assert sorted(_names(client, auth, "/Card")) == ["IMG_1.XMP", "notes.txt", "tickets.pdf"]
    assert _names(client, auth, "/Card", kind="files") == sorted(_names(client, auth, "/Card"))
    assert _names(client, auth, "/Card", kind="photos") == []

    # Downloaded as it came, as an attachment, never inline (the note carries a script).
    item, data = made["notes.txt"]
    r = client.get(f"/api/media/{item.id}/download", headers=auth, follow_redirects=True)
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-type"].startswith("application/octet-stream")
    assert r.headers["content-disposition"].startswith("attachment")

    # Never on the timeline, in search, favourites or albums.
    timeline = client.get("/api/timeline", headers=auth).json()
    assert [i for i in timeline["items"] if i["kind"] == "file"] == []
    found = client.get("/api/search", params={"q": "tickets"}, headers=auth).json()
    assert found["items"] == []
    fav = client.patch(f"/api/media/{item.id}", json={"favorite": True}, headers=auth)
    assert fav.status_code == 400, fav.text
    album = client.post("/api/albums", json={"name": "Trip"}, headers=auth).json()
    joined = client.post(f"/api/albums/{album['id']}/items", json={"ids": [item.id]}, headers=auth)
    assert joined.status_code == 409, joined.text

    # Moved and trashed like the rest.
    pdf = made["tickets.pdf"][0]
    moved = client.patch(f"/api/media/{pdf.id}", json={"folder": "/"}, headers=auth)
    assert moved.status_code == 200, moved.text
    assert "tickets.pdf" in _names(client, auth, "/")
    assert client.delete(f"/api/media/{pdf.id}", headers=auth).status_code == 200
    trash = client.get("/api/trash", headers=auth).json()
    assert [i["name"] for i in trash["items"]] == ["tickets.pdf"]


def test_a_folder_zip_holds_its_files_but_not_housekeeping(client, auth, services):
    _folder(client, auth, "/Trip")
    for name, data in (("route.gpx", b"<gpx/>\n"), (".DS_Store", b"\x00\x00\x00\x01Bud1")):
        assert _post(client, auth, "/Trip", name, data, "").status_code == 201
    assert _names(client, auth, "/Trip") == ["route.gpx"]
    zipped = client.get("/api/folders/download", params={"path": "/Trip"}, headers=auth)
    assert zipped.status_code == 200, zipped.text
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert archive.namelist() == ["Trip/route.gpx"]


def test_claiming_a_photo_by_name_is_still_refused(client, auth, services):
    r = _post(client, auth, "/", "notes.jpg", b"just text\n" * 20, "image/jpeg")
    assert r.status_code == 415 and "not a photo or video" in r.json()["detail"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    assert _post(client, auth, "/", "logo.svg", svg, "image/svg+xml").status_code == 415
    assert _names(client, auth, "/") == []


def test_a_photo_under_another_name_is_a_photo(client, auth, services):
    r = _post(client, auth, "/", "IMG_1.bin", CANON.read_bytes(), "application/octet-stream")
    assert r.status_code == 201, r.text
    (item,) = r.json()["items"]
    assert item["kind"] == "image", item


def test_webdav_keeps_files_empty_files_and_housekeeping(client, services):
    auth = _basic("alice", _app_password(services, "write"))
    base = "/dav"
    for name, data in (
        ("._IMG_1.jpg", b"\x00\x05\x16\x07" + b"\x00" * 60),
        ("Thumbs.db", b"\xd0\xcf\x11\xe0" + b"\x00" * 60),
        ("empty.jpg", b""),
        ("readme.md", b"# holiday\n"),
    ):
        r = client.put(f"{base}/{name}", content=data, headers=auth)
        assert r.status_code in (201, 204), (name, r.text)
        assert client.get(f"{base}/{name}", headers=auth).content == data
    listed = client.request("PROPFIND", f"{base}/", headers={**auth, "Depth": "1"})
    assert listed.status_code == 207
    for name in ("._IMG_1.jpg", "Thumbs.db", "empty.jpg", "readme.md"):
        assert name in listed.text, name
    web = services.items.list_page("/")
    assert sorted(i.name for i in web.items) == ["empty.jpg", "readme.md"]

    # An empty file is replaced by its bytes (Finder's way); it leaves nothing in the trash.
    photo = CANON.read_bytes()
    assert client.put(f"{base}/empty.jpg", content=photo, headers=auth).status_code == 204
    assert client.get(f"{base}/empty.jpg", headers=auth).content == photo
    replaced = services.storage.catalog.item_named("/", "empty.jpg")
    assert replaced is not None and replaced.kind.value == "image"
    assert services.items.list_trash().items == []

    # A new version of a file that had bytes: the old one goes to the trash.
    assert client.put(f"{base}/readme.md", content=b"# v2\n", headers=auth).status_code == 204
    assert [i.name for i in services.items.list_trash().items] == ["readme.md"]


def test_two_clients_on_one_name_one_wins_nothing_is_lost(client, services):
    """The web page is still uploading “race.md” when a file client PUTs the same name: the
    upload keeps its name, the PUT gets 412 and its version waits in the trash."""
    from rdrive_app.services.uploads import DeclaredFile

    auth = _basic("alice", _app_password(services, "write"))
    held = services.uploads.reserve("alice", DeclaredFile("/", "race.md", 10, "text/markdown"))
    r = client.put("/dav/race.md", content=b"# from the drive\n", headers=auth)
    assert r.status_code == 412, r.text
    assert "another client" in r.text
    assert services.storage.catalog.get_item(held.id).name == "race.md"
    trash = services.items.list_trash().items
    assert [i.name for i in trash] == ["race (1).md"] and trash[0].size == 17
