"""Albums over HTTP on both backends: every route, and every bad input refused changing nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.api.test_media_api import CANON, GPS, NIKON, upload, wait_settled


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.fixture
def photos(client, auth) -> list[dict]:
    """Three photos in two folders, processed (their dates taken read: an album orders by
    them, so a date landing mid-test would move an item between pages)."""
    client.post("/api/folders", json={"path": "/trip"}, headers=auth)
    uploaded = [
        upload(client, auth, CANON, folder="/trip").json()["items"][0],
        upload(client, auth, NIKON).json()["items"][0],
        upload(client, auth, GPS, folder="/trip").json()["items"][0],
    ]
    return [wait_settled(client, auth, item["id"]) for item in uploaded]


def _new_album(client, auth, name: str = "Summer") -> dict:
    r = client.post("/api/albums", json={"name": name}, headers=auth)
    assert r.status_code == 201, r.text
    return r.json()


def _item_ids(client, auth, album_id: str) -> list[str]:
    r = client.get(f"/api/albums/{album_id}/items", headers=auth)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


def test_create_fill_list_and_open_an_album(client, auth, photos):
    album = _new_album(client, auth)
    assert album["count"] == 0 and album["cover"] is None
    ids = [p["id"] for p in photos]
    r = client.post(f"/api/albums/{album['id']}/items", json={"ids": ids}, headers=auth)
    assert r.status_code == 200
    for item_id in ids:
        wait_settled(client, auth, item_id)
    assert sorted(r.json()["changed"]) == sorted(ids) and r.json()["unchanged"] == []
    listed = client.get("/api/albums", headers=auth).json()["albums"]
    assert [(a["name"], a["count"]) for a in listed] == [("Summer", 3)]
    assert listed[0]["cover"]["id"] in ids and listed[0]["cover"]["thumbnail_url"] is not None
    assert sorted(_item_ids(client, auth, album["id"])) == sorted(ids)
    one = client.get(f"/api/albums/{album['id']}", headers=auth).json()
    assert one["count"] == 3
    item = client.get(f"/api/media/{ids[0]}", headers=auth).json()
    assert item["albums"] == [album["id"]] and item["folder"] == "/trip"


def test_same_item_twice_is_one_membership(client, auth, photos):
    album = _new_album(client, auth)
    url = f"/api/albums/{album['id']}/items"
    first = photos[0]["id"]
    client.post(url, json={"ids": [first]}, headers=auth)
    r = client.post(url, json={"ids": [first, first, photos[1]["id"]]}, headers=auth)
    assert r.json() == {"changed": [photos[1]["id"]], "unchanged": [first]}
    assert len(_item_ids(client, auth, album["id"])) == 2


def test_rename_clash_is_409_and_renames_nothing(client, auth):
    a = _new_album(client, auth, "Beach")
    b = _new_album(client, auth, "Hills")
    r = client.post("/api/albums", json={"name": "beach"}, headers=auth)
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    r = client.patch(f"/api/albums/{b['id']}", json={"name": "BEACH"}, headers=auth)
    assert r.status_code == 409
    names = [x["name"] for x in client.get("/api/albums", headers=auth).json()["albums"]]
    assert names == ["Beach", "Hills"]
    r = client.patch(f"/api/albums/{a['id']}", json={"name": "Sea"}, headers=auth)
    assert r.status_code == 200 and r.json()["name"] == "Sea"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "a/b"},
        {"name": "tab\tname"},
        {"name": ".."},
        {"name": " x"},
        {"name": "x" * 300},
        {"name": 5},
        {},
        {"name": "ok", "extra": 1},
    ],
)
def test_bad_album_names_are_400_and_change_nothing(client, auth, body):
    r = client.post("/api/albums", json=body, headers=auth)
    assert r.status_code == 400 and r.json()["detail"]
    assert client.get("/api/albums", headers=auth).json()["albums"] == []


def test_unknown_album_or_item_is_404(client, auth, photos):
    for method, url, body in [
        ("GET", "/api/albums/nope", None),
        ("PATCH", "/api/albums/nope", {"name": "x"}),
        ("DELETE", "/api/albums/nope", None),
        ("GET", "/api/albums/nope/items", None),
        ("POST", "/api/albums/nope/items", {"ids": [photos[0]["id"]]}),
        ("DELETE", "/api/albums/nope/items", {"ids": [photos[0]["id"]]}),
        ("GET", "/api/albums/nope/download", None),
    ]:
        r = client.request(method, url, json=body, headers=auth)
        assert r.status_code == 404, (method, url, r.text)
    album = _new_album(client, auth)
    url = f"/api/albums/{album['id']}/items"
    r = client.post(url, json={"ids": [photos[0]["id"], "f" * 32]}, headers=auth)
    assert r.status_code == 404 and "f" * 32 in r.json()["detail"]
    assert _item_ids(client, auth, album["id"]) == []
    r = client.patch(f"/api/albums/{album['id']}", json={"cover_id": "f" * 32}, headers=auth)
    assert r.status_code == 404


def test_trashed_or_uploading_items_are_409_and_nothing_is_added(client, auth, photos):
    album = _new_album(client, auth)
    trashed = photos[1]["id"]
    client.delete(f"/api/media/{trashed}", headers=auth)
    started = client.post(
        "/api/uploads",
        json={"name": "later.jpg", "size": 10, "content_type": "image/jpeg"},
        headers=auth,
    ).json()["item"]["id"]
    url = f"/api/albums/{album['id']}/items"
    for bad in (trashed, started):
        r = client.post(url, json={"ids": [photos[0]["id"], bad]}, headers=auth)
        assert r.status_code == 409 and bad in r.json()["detail"], r.text
    assert _item_ids(client, auth, album["id"]) == []


@pytest.mark.parametrize("ids", [[], [f"{n:032x}" for n in range(1001)], "abc", [1], None, [["x"]]])
def test_bad_id_lists_are_400(client, auth, photos, ids):
    album = _new_album(client, auth)
    url = f"/api/albums/{album['id']}/items"
    for method in ("POST", "DELETE"):
        r = client.request(method, url, json={"ids": ids}, headers=auth)
        assert r.status_code == 400 and r.json()["detail"], (method, r.text)


def test_trash_hides_and_restore_brings_back(client, auth, photos):
    album = _new_album(client, auth)
    ids = [p["id"] for p in photos]
    client.post(f"/api/albums/{album['id']}/items", json={"ids": ids}, headers=auth)
    client.delete(f"/api/media/{ids[0]}", headers=auth)
    assert ids[0] not in _item_ids(client, auth, album["id"])
    assert client.get(f"/api/albums/{album['id']}", headers=auth).json()["count"] == 2
    client.post(f"/api/trash/{ids[0]}/restore", headers=auth)
    assert ids[0] in _item_ids(client, auth, album["id"])


def test_remove_and_delete_keep_the_photos(client, auth, photos):
    album = _new_album(client, auth)
    ids = [p["id"] for p in photos]
    url = f"/api/albums/{album['id']}/items"
    client.post(url, json={"ids": ids}, headers=auth)
    r = client.request("DELETE", url, json={"ids": [ids[0], ids[0]]}, headers=auth)
    assert r.status_code == 200 and r.json() == {"changed": [ids[0]], "unchanged": []}
    assert client.get(f"/api/media/{ids[0]}", headers=auth).json()["albums"] == []
    assert client.delete(f"/api/albums/{album['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/albums/{album['id']}", headers=auth).status_code == 404
    for item_id in ids:
        r = client.get(f"/api/media/{item_id}", headers=auth)
        assert r.status_code == 200 and r.json()["albums"] == []


def test_cover_can_be_chosen_and_reset(client, auth, photos):
    album = _new_album(client, auth)
    ids = [p["id"] for p in photos[:2]]
    client.post(f"/api/albums/{album['id']}/items", json={"ids": ids}, headers=auth)
    url = f"/api/albums/{album['id']}"
    r = client.patch(url, json={"cover_id": ids[1]}, headers=auth)
    assert r.status_code == 200 and r.json()["cover"]["id"] == ids[1]
    assert r.json()["cover_id"] == ids[1]
    r = client.patch(url, json={"cover_id": photos[2]["id"]}, headers=auth)  # not in it
    assert r.status_code == 400
    r = client.patch(url, json={"cover_id": None}, headers=auth)
    assert r.status_code == 200 and r.json()["cover_id"] is None
    assert client.patch(url, json={}, headers=auth).status_code == 400


def test_album_pages_with_a_cursor(client, auth, photos):
    album = _new_album(client, auth)
    ids = [p["id"] for p in photos]
    client.post(f"/api/albums/{album['id']}/items", json={"ids": ids}, headers=auth)
    url = f"/api/albums/{album['id']}/items"
    first = client.get(url, params={"limit": 2}, headers=auth).json()
    second = client.get(
        url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=auth
    ).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert sorted(i["id"] for i in first["items"] + second["items"]) == sorted(ids)
    assert client.get(url, params={"cursor": "junk"}, headers=auth).status_code == 400
    assert client.get(url, params={"limit": 0}, headers=auth).status_code == 400


def test_album_zip_holds_its_shown_photos(client, auth, photos):
    album = _new_album(client, auth, "Trip 2024")
    ids = [p["id"] for p in photos]
    client.post(f"/api/albums/{album['id']}/items", json={"ids": ids}, headers=auth)
    client.delete(f"/api/media/{ids[2]}", headers=auth)
    r = client.get(f"/api/albums/{album['id']}/download", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "Trip%202024.zip" in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == sorted(f"Trip 2024/{p.name}" for p in (CANON, NIKON))
        assert z.read(f"Trip 2024/{CANON.name}") == CANON.read_bytes()


def test_album_zip_ticket(client, auth, services, photos):
    album = _new_album(client, auth)
    client.post(f"/api/albums/{album['id']}/items", json={"ids": [photos[0]["id"]]}, headers=auth)
    url = services.zip_tickets.issue_album(album["id"])
    r = client.get(url.removeprefix(services.settings.api_url.rstrip("/")))
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert z.namelist() == [f"Summer/{CANON.name}"]


def test_albums_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/albums"]) == {"get", "post"}
    assert set(paths["/api/albums/{album_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/albums/{album_id}/items"]) == {"get", "post", "delete"}
    assert "/api/albums/{album_id}/download" in paths


@pytest.mark.parametrize(
    "method,url",
    [
        ("GET", "/api/albums"),
        ("POST", "/api/albums"),
        ("GET", "/api/albums/x"),
        ("PATCH", "/api/albums/x"),
        ("DELETE", "/api/albums/x"),
        ("GET", "/api/albums/x/items"),
        ("POST", "/api/albums/x/items"),
        ("DELETE", "/api/albums/x/items"),
        ("GET", "/api/albums/x/download"),
    ],
)
def test_every_album_route_needs_a_token(client, method, url):
    assert client.request(method, url, json={"name": "x", "ids": ["x"]}).status_code == 401
