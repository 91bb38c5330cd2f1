"""App passwords over the API, on both backends: made once, listed without the password,
scoped, revoked at once, and never a way into the account's settings or the sign-in routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import PASSWORD

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
CANON = MEDIA / "photos" / "Canon_40D.jpg"


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _make(client, auth, name: str, scope: str) -> dict:
    made = client.post("/api/app-passwords", json={"name": name, "scope": scope}, headers=auth)
    assert made.status_code == 201, made.text
    return made.json()


def _bearer(password: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {password}"}


def test_made_once_listed_without_the_password(client, auth):
    made = _make(client, auth, "rclone on the laptop", "read")
    assert set(made) == {"id", "name", "scope", "password"}
    assert made["password"].startswith("rdap-") and len(made["password"]) > 60
    listed = client.get("/api/app-passwords", headers=auth).json()
    assert listed == [
        {
            "id": made["id"],
            "name": "rclone on the laptop",
            "scope": "read",
            "created_at": listed[0]["created_at"],
            "last_used_at": None,
        }
    ]
    assert made["password"] not in client.get("/api/app-passwords", headers=auth).text
    assert client.get("/api/folders", headers=_bearer(made["password"])).status_code == 200
    used = client.get("/api/app-passwords", headers=auth).json()[0]
    assert used["last_used_at"] is not None


def test_a_read_password_reads_and_a_write_password_writes(client, auth):
    read = _bearer(_make(client, auth, "backup script", "read")["password"])
    write = _bearer(_make(client, auth, "import script", "write")["password"])
    assert client.get("/api/folders", params={"path": "/"}, headers=read).status_code == 200
    refused = client.post("/api/folders", json={"path": "/from-read"}, headers=read)
    assert refused.status_code == 403, refused.text
    assert "read-only" in refused.json()["detail"]
    made = client.post("/api/folders", json={"path": "/from-write"}, headers=write)
    assert made.status_code == 201, made.text
    files = {"files": ("c.jpg", CANON.read_bytes(), "image/jpeg")}
    uploaded = client.post(
        "/api/media", params={"folder": "/from-write"}, files=files, headers=write
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    names = [f["path"] for f in client.get("/api/folders", headers=read).json()["folders"]]
    assert "/from-write" in names and "/from-read" not in names


def test_never_the_settings_the_ui_or_the_sign_in_routes(client, auth):
    password = _make(client, auth, "webdav", "write")["password"]
    app = _bearer(password)
    for method, path, body in [
        ("GET", "/api/sessions", None),
        ("DELETE", "/api/sessions", None),
        ("GET", "/api/app-passwords", None),
        ("POST", "/api/app-passwords", {"name": "another", "scope": "write"}),
        ("GET", "/api/account/totp", None),
        ("POST", "/api/account/totp", None),
        ("POST", "/api/auth/logout", None),
    ]:
        refused = client.request(method, path, json=body, headers=app)
        assert refused.status_code == 401, (method, path, refused.text)
    as_password = client.post("/api/auth/login", json={"username": "alice", "password": password})
    assert as_password.status_code == 401, as_password.text
    assert len(client.get("/api/app-passwords", headers=auth).json()) == 1


def test_revoked_means_refused_at_once(client, auth, services):
    made = _make(client, auth, "old phone", "read")
    app = _bearer(made["password"])
    assert client.get("/api/folders", headers=app).status_code == 200
    assert client.delete(f"/api/app-passwords/{made['id']}", headers=auth).status_code == 204
    assert client.get("/api/folders", headers=app).status_code == 401
    assert client.get("/api/app-passwords", headers=auth).json() == []
    again = client.delete(f"/api/app-passwords/{made['id']}", headers=auth)
    assert again.status_code == 404, again.text


def test_a_wrong_or_another_accounts_password_is_refused(client, auth, services):
    made = _make(client, auth, "script", "write")
    prefix, cid, secret = made["password"].split("-")
    forged = f"{prefix}-{cid}-{'a' * len(secret)}"
    assert client.get("/api/folders", headers=_bearer(forged)).status_code == 401
    services.accounts.add_user("bob", "bob's long password")
    bob = client.post(
        "/api/auth/login", json={"username": "bob", "password": "bob's long password"}
    )
    bob_auth = _bearer(bob.json()["access_token"])
    refused = client.delete(f"/api/app-passwords/{made['id']}", headers=bob_auth)
    assert refused.status_code == 404
    assert client.get("/api/folders", headers=_bearer(made["password"])).status_code == 200
    # Removed and made again under the same name: the old account's passwords do not open it.
    services.accounts.remove_user("alice")
    services.accounts.add_user("alice", PASSWORD)
    assert client.get("/api/folders", headers=_bearer(made["password"])).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "scope": "read"},
        {"name": "tab\there", "scope": "read"},
        {"name": "x", "scope": "admin"},
        {"name": "x"},
        {"name": "x" * 300, "scope": "write"},
        {"name": "x", "scope": "read", "extra": 1},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, auth, body):
    refused = client.post("/api/app-passwords", json=body, headers=auth)
    assert refused.status_code == 400, refused.text
    assert client.get("/api/app-passwords", headers=auth).json() == []


def test_at_most_twenty(client, auth):
    for n in range(20):
        _make(client, auth, f"client {n}", "read")
    refused = client.post(
        "/api/app-passwords", json={"name": "one more", "scope": "read"}, headers=auth
    )
    assert refused.status_code == 409, refused.text


def test_rdrive_import_signs_in_with_an_app_password(client, auth):
    from rdrive_app.client.http import RDriveClient

    made = _make(client, auth, "import", "write")
    token = RDriveClient.login("http://unreachable.invalid", "alice", made["password"])
    assert token == made["password"]  # an app password is its own token: no sign-in request
    api = RDriveClient(str(client.base_url), token, client=client)
    assert "folders" in api.call("GET", "/api/folders", params={"path": "/"})
