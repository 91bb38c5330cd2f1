"""Passkeys over the API, on both backends, answered by a software authenticator: register,
list, sign in with a passkey alone and as the second step, no replay, removal."""

from __future__ import annotations

import copy

import pyotp
import pytest

from tests.api.conftest import PASSWORD
from tests.soft_authenticator import b64url, register, sign_in

ORIGIN = "http://localhost:3000"  # the default site_url: rp id "localhost"


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _add_passkey(client, auth, name: str = "laptop"):
    options = client.post("/api/account/passkeys/options", headers=auth)
    assert options.status_code == 200, options.text
    body = options.json()
    assert body["options"]["rp"] == {"id": "localhost", "name": "rDrive"}
    assert body["options"]["authenticatorSelection"]["residentKey"] == "required"
    passkey, credential = register(body["options"], ORIGIN)
    added = client.post(
        "/api/account/passkeys",
        json={"ceremony_token": body["ceremony_token"], "credential": credential, "name": name},
        headers=auth,
    )
    assert added.status_code == 201, added.text
    return passkey, added.json()


def _passkey_sign_in(client, passkey, challenge_token: str | None = None):
    options = client.post("/api/auth/passkey/options", json={"challenge_token": challenge_token})
    assert options.status_code == 200, options.text
    body = options.json()
    answer = sign_in(passkey, body["options"], ORIGIN)
    return (
        client.post(
            "/api/auth/passkey/verify",
            json={"ceremony_token": body["ceremony_token"], "credential": answer},
        ),
        body,
        answer,
    )


def test_register_list_and_sign_in_with_a_passkey_alone(client, auth):
    passkey, view = _add_passkey(client, auth)
    assert set(view) == {"id", "name", "created_at", "last_used_at"}
    assert view["name"] == "laptop" and view["last_used_at"] is None
    done, _, _ = _passkey_sign_in(client, passkey)
    assert done.status_code == 200, done.text
    token = done.json()["access_token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "alice"
    listed = client.get("/api/account/passkeys", headers=auth).json()
    assert [p["name"] for p in listed] == ["laptop"] and listed[0]["last_used_at"] is not None


def test_an_answer_signs_in_once(client, auth):
    passkey, _ = _add_passkey(client, auth)
    done, body, answer = _passkey_sign_in(client, passkey)
    assert done.status_code == 200
    again = client.post(
        "/api/auth/passkey/verify",
        json={"ceremony_token": body["ceremony_token"], "credential": answer},
    )
    assert again.status_code == 401, again.text


def test_forged_answers_are_refused(client, auth):
    passkey, _ = _add_passkey(client, auth)
    options = client.post("/api/auth/passkey/options", json={}).json()
    answer = sign_in(passkey, options["options"], ORIGIN)
    cases = {
        "other origin": sign_in(passkey, options["options"], "https://evil.example"),
        "other challenge": sign_in(passkey, {"challenge": b64url(b"x" * 32)}, ORIGIN),
        "bad signature": copy.deepcopy(answer),
        "unknown passkey": {
            **copy.deepcopy(answer),
            "rawId": b64url(b"unknown"),
            "id": b64url(b"unknown"),
        },
    }
    cases["bad signature"]["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    for label, credential in cases.items():
        refused = client.post(
            "/api/auth/passkey/verify",
            json={"ceremony_token": options["ceremony_token"], "credential": credential},
        )
        assert refused.status_code in (400, 401), (label, refused.text)
    for junk in ("", "x" * 100, options["ceremony_token"] + "x"):
        refused = client.post(
            "/api/auth/passkey/verify", json={"ceremony_token": junk, "credential": answer}
        )
        assert refused.status_code == 401, refused.text
    # The genuine answer still works: nothing above used it up.
    ok = client.post(
        "/api/auth/passkey/verify",
        json={"ceremony_token": options["ceremony_token"], "credential": answer},
    )
    assert ok.status_code == 200, ok.text


def test_a_passkey_finishes_a_password_sign_in(client, auth):
    passkey, _ = _add_passkey(client, auth)
    secret = client.post("/api/account/totp", headers=auth).json()["secret"]
    confirmed = client.post(
        "/api/account/totp/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=auth
    )
    assert confirmed.status_code == 200
    first = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD}).json()
    assert first["methods"] == ["totp", "recovery_code", "passkey"]
    done, body, _ = _passkey_sign_in(client, passkey, first["challenge_token"])
    assert done.status_code == 200, done.text
    allowed = [c["id"] for c in body["options"]["allowCredentials"]]
    assert allowed == [b64url(passkey.credential_id)]


def test_another_accounts_passkey_does_not_finish_its_sign_in(client, auth, services):
    passkey, _ = _add_passkey(client, auth)
    services.accounts.add_user("bob", "bob's long password")
    bob = services.storage.catalog.get_user("bob")
    services.accounts.second_factors.start_totp(bob)
    secret = services.accounts.second_factors._totps(bob)[0].data["secret"]
    services.accounts.second_factors.confirm_totp(bob, pyotp.TOTP(secret).now())
    first = client.post(
        "/api/auth/login", json={"username": "bob", "password": "bob's long password"}
    )
    done, _, _ = _passkey_sign_in(client, passkey, first.json()["challenge_token"])
    assert done.status_code == 401, done.text


def test_removed_passkey_no_longer_signs_in(client, auth):
    passkey, view = _add_passkey(client, auth)
    assert client.delete(f"/api/account/passkeys/{view['id']}", headers=auth).status_code == 204
    done, _, _ = _passkey_sign_in(client, passkey)
    assert done.status_code == 401
    assert client.get("/api/account/passkeys", headers=auth).json() == []
    assert client.delete(f"/api/account/passkeys/{view['id']}", headers=auth).status_code == 404


def test_bad_registrations_are_refused_and_change_nothing(client, auth):
    options = client.post("/api/account/passkeys/options", headers=auth).json()
    _, credential = register(options["options"], "https://evil.example")
    for body in (
        {"ceremony_token": options["ceremony_token"], "credential": credential, "name": "x"},
        {"ceremony_token": options["ceremony_token"], "credential": {}, "name": "x"},
        {"ceremony_token": "nope", "credential": credential, "name": "x"},
        {"ceremony_token": options["ceremony_token"], "credential": credential, "name": ""},
    ):
        refused = client.post("/api/account/passkeys", json=body, headers=auth)
        assert refused.status_code in (400, 401), refused.text
    assert client.get("/api/account/passkeys", headers=auth).json() == []


def test_a_forged_user_handle_is_refused_not_an_error(client, auth):
    passkey, _ = _add_passkey(client, auth)
    options = client.post("/api/auth/passkey/options", json={}).json()
    for handle in (b"x" * 5000, "é".encode(), b"\xff\xfe", b""):
        answer = sign_in(passkey, options["options"], ORIGIN)
        answer["response"]["userHandle"] = b64url(handle)
        refused = client.post(
            "/api/auth/passkey/verify",
            json={"ceremony_token": options["ceremony_token"], "credential": answer},
        )
        assert refused.status_code in (400, 401), (handle[:10], refused.text)
