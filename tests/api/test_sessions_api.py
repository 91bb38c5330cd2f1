"""Sessions you can see and end, over the API, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rdrive_app.core.domain import utcnow
from rdrive_app.services import sessions as S
from tests.api.conftest import PASSWORD

LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _sign_in(client, user_agent: str, name: str = "alice", password: str = PASSWORD) -> dict:
    response = client.post(
        "/api/auth/login",
        json={"username": name, "password": password},
        headers={"User-Agent": user_agent},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _me(client, auth) -> int:
    return client.get("/api/me", headers=auth).status_code


def test_each_sign_in_is_a_session_listed_with_its_device(client):
    laptop, phone = _sign_in(client, LAPTOP), _sign_in(client, PHONE)
    listed = client.get("/api/sessions", headers=laptop)
    assert listed.status_code == 200, listed.text
    sessions = listed.json()
    assert [(s["device"], s["current"]) for s in sessions] == [
        ("Firefox on Linux", True),
        ("Mobile Safari on iOS", False),
    ]
    assert set(sessions[0]) == {"id", "device", "address", "created_at", "last_used_at", "current"}
    assert sessions[0]["address"]  # the test client's address
    assert [s["current"] for s in client.get("/api/sessions", headers=phone).json()] == [
        True,
        False,
    ]


def test_ending_one_session_ends_only_that_token_at_once(client):
    laptop, phone = _sign_in(client, LAPTOP), _sign_in(client, PHONE)
    phone_id = next(s["id"] for s in client.get("/api/sessions", headers=laptop).json()[1:])
    assert client.delete(f"/api/sessions/{phone_id}", headers=laptop).status_code == 204
    assert _me(client, phone) == 401
    assert client.get("/api/sessions", headers=phone).status_code == 401
    assert _me(client, laptop) == 200
    assert [s["device"] for s in client.get("/api/sessions", headers=laptop).json()] == [
        "Firefox on Linux"
    ]
    again = client.delete(f"/api/sessions/{phone_id}", headers=laptop)
    assert again.status_code == 404, again.text


def test_ending_all_others_keeps_this_one(client):
    laptop = _sign_in(client, LAPTOP)
    others = [_sign_in(client, PHONE) for _ in range(3)]
    assert client.delete("/api/sessions", headers=laptop).status_code == 204
    assert [_me(client, a) for a in others] == [401, 401, 401]
    assert _me(client, laptop) == 200
    assert len(client.get("/api/sessions", headers=laptop).json()) == 1


def test_sign_out_ends_this_session_only(client):
    laptop, phone = _sign_in(client, LAPTOP), _sign_in(client, PHONE)
    assert client.post("/api/auth/logout", headers=phone).status_code == 204
    assert _me(client, phone) == 401
    assert _me(client, laptop) == 200


def test_another_accounts_session_cannot_be_seen_or_ended(client, services):
    services.accounts.add_user("bob", "bob's long password")
    alice, bob = _sign_in(client, LAPTOP), _sign_in(client, PHONE, "bob", "bob's long password")
    bob_id = client.get("/api/sessions", headers=bob).json()[0]["id"]
    assert [s["device"] for s in client.get("/api/sessions", headers=alice).json()] == [
        "Firefox on Linux"
    ]
    refused = client.delete(f"/api/sessions/{bob_id}", headers=alice)
    assert refused.status_code == 404, refused.text
    assert _me(client, bob) == 200
    for junk in ("x", "%00", "a" * 65):
        assert client.delete(f"/api/sessions/{junk}", headers=alice).status_code in (400, 404)
    assert _me(client, alice) == 200


def test_a_password_change_ends_every_session(client, services):
    laptop, phone = _sign_in(client, LAPTOP), _sign_in(client, PHONE)
    services.accounts.change_password("alice", "a new and long password")
    assert (_me(client, laptop), _me(client, phone)) == (401, 401)
    alice = services.storage.catalog.get_user("alice")
    assert services.accounts.sessions.list(alice, "") == []


def test_last_use_is_noted_at_most_once_a_minute(client, services, monkeypatch):
    laptop = _sign_in(client, LAPTOP)
    first = client.get("/api/sessions", headers=laptop).json()[0]["last_used_at"]
    assert _me(client, laptop) == 200
    assert client.get("/api/sessions", headers=laptop).json()[0]["last_used_at"] == first
    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(S, "utcnow", lambda: later)
    assert _me(client, laptop) == 200
    assert client.get("/api/sessions", headers=laptop).json()[0]["last_used_at"] > first
