"""Folders over HTTP: list, create, and every bad name refused without changing anything."""

import pytest


def test_root_starts_empty(client, auth):
    r = client.get("/api/folders", headers=auth)
    assert r.status_code == 200
    assert r.json() == {"path": "/", "folders": []}


def test_create_nested_folders_and_list_them(client, auth):
    assert client.post("/api/folders", json={"path": "/spain2024"}, headers=auth).status_code == 201
    r = client.post("/api/folders", json={"path": "/spain2024/beach"}, headers=auth)
    assert r.status_code == 201
    assert r.json()["path"] == "/spain2024/beach"
    assert r.json()["name"] == "beach"
    names = [f["name"] for f in client.get("/api/folders?path=/", headers=auth).json()["folders"]]
    assert names == ["spain2024"]
    sub = client.get("/api/folders", params={"path": "/spain2024"}, headers=auth).json()
    assert [f["path"] for f in sub["folders"]] == ["/spain2024/beach"]


def test_duplicate_folder_is_409_and_missing_parent_404(client, auth):
    client.post("/api/folders", json={"path": "/a"}, headers=auth)
    r = client.post("/api/folders", json={"path": "/a"}, headers=auth)
    assert r.status_code == 409 and r.json()["detail"]
    r = client.post("/api/folders", json={"path": "/missing/child"}, headers=auth)
    assert r.status_code == 404 and r.json()["detail"]
    assert client.get("/api/folders?path=/nope", headers=auth).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "",
        "relative",
        "/../etc",
        "/a/../b",
        "/a/b\x00c",
        "/" + "x" * 300,
        "/tab\tname",
        "/",
        "/.",
        "/a\\b",
    ],
)
def test_bad_folder_paths_are_400_and_change_nothing(client, auth, services, path):
    r = client.post("/api/folders", json={"path": path}, headers=auth)
    assert r.status_code in (400, 404)
    assert r.json()["detail"]
    assert services.storage.catalog.count() == (0, 0)


def test_folders_need_a_token(client):
    assert client.get("/api/folders").status_code == 401
    r = client.post("/api/folders", json={"path": "/x"})
    assert r.status_code == 401
    r = client.post("/api/folders", json={"path": "/x"}, headers={"Authorization": "Bearer junk"})
    assert r.status_code == 401


def test_openapi_is_served(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/auth/login" in spec["paths"]
    assert "/api/folders" in spec["paths"]
