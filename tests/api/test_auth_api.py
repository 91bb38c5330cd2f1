"""Sign-in, tokens and the two-user rule over HTTP."""

import time

import jwt

from rdrive_app.auth import passwords
from tests.api.conftest import PASSWORD


def test_login_gives_a_bearer_token_that_me_accepts(client, token):
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_login_response_shape(client):
    body = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD}).json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = client.post("/api/auth/login", json={"username": "alice", "password": "nope nope"})
    unknown = client.post("/api/auth/login", json={"username": "mallory", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Wrong username or password"}


def test_unknown_user_costs_as_long_as_a_wrong_password(services, client, monkeypatch):
    """Both run bcrypt once at the same cost; neither is the instant "no such row" path.
    (Counted, not timed: a timing on a shared 2-core machine cannot tell them apart reliably.)"""
    checked: list[bytes] = []
    real_checkpw = passwords.bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(passwords.bcrypt, "checkpw", counting_checkpw)
    services.accounts.guard.per_address.reset("testclient")
    costs = {}
    for name in ("alice", "nobody"):
        checked.clear()
        r = client.post("/api/auth/login", json={"username": name, "password": "wrong password"})
        assert r.status_code == 401
        assert len(checked) == 1, name
        costs[name] = checked[0].split(b"$")[2]  # $2b$<cost>$<salt+hash>
    assert costs["nobody"] == costs["alice"]


def test_sixth_failure_within_the_window_gets_429_with_retry_after(client):
    for _ in range(5):
        r = client.post("/api/auth/login", json={"username": "alice", "password": "bad bad"})
        assert r.status_code == 401
    r = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert "too many" in r.json()["detail"].lower()


def test_me_without_or_with_bad_tokens_is_401(client, services):
    secret = services.settings.resolved_jwt_secret()
    now = int(time.time())
    tokens = {
        "none": None,
        "garbage": "Bearer not-a-token",
        "expired": "Bearer "
        + jwt.encode({"sub": "alice", "ver": 1, "iat": now - 100, "exp": now - 10}, secret),
        "other key": "Bearer "
        + jwt.encode({"sub": "alice", "ver": 1, "iat": now, "exp": now + 600}, "x" * 48),
        "alg none": "Bearer "
        + jwt.encode(
            {"sub": "alice", "ver": 1, "iat": now, "exp": now + 600}, None, algorithm="none"
        ),
        "unknown user": "Bearer "
        + jwt.encode({"sub": "ghost", "ver": 1, "iat": now, "exp": now + 600}, secret),
        "basic scheme": "Basic YWxpY2U6cGFzcw==",
    }
    for label, value in tokens.items():
        headers = {"Authorization": value} if value else {}
        r = client.get("/api/me", headers=headers)
        assert r.status_code == 401, label
        assert r.json()["detail"], label


def test_password_change_signs_out_older_tokens(client, services, auth):
    assert client.get("/api/me", headers=auth).status_code == 200
    services.accounts.change_password("alice", "a brand new password")
    r = client.get("/api/me", headers=auth)
    assert r.status_code == 401
    assert "no longer valid" in r.json()["detail"]


def test_removed_user_token_is_refused(client, services, auth):
    services.accounts.remove_user("alice")
    assert client.get("/api/me", headers=auth).status_code == 401


def test_login_body_is_validated(client):
    r = client.post("/api/auth/login", json={"username": "alice"})
    assert r.status_code == 400
    assert "password" in r.json()["detail"]
    r = client.post(
        "/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400


def test_password_over_72_bytes_never_signs_in(client, services):
    r = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD + "x" * 80})
    assert r.status_code == 401
