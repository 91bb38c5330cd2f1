"""Two-factor codes over the API, on both backends: enrol, sign in with a code or a recovery
code, no replay, the throttle, turning codes off."""

from __future__ import annotations

import time

import pyotp
import pytest

from tests.api.conftest import PASSWORD


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _login(client, password: str = PASSWORD):
    return client.post("/api/auth/login", json={"username": "alice", "password": password})


def _second(client, challenge: str, code: str):
    return client.post(
        "/api/auth/login/second-factor", json={"challenge_token": challenge, "code": code}
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _step_code(secret: str, steps_from_now: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + 30 * steps_from_now)


def _enrol(client, auth) -> tuple[str, list[str]]:
    started = client.post("/api/account/totp", headers=auth)
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/rDrive:alice?")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    assert body["qr_code"].startswith("data:image/svg+xml;base64,")
    code = _step_code(body["secret"], -1)  # the step before: a phone a little behind is fine
    confirmed = client.post("/api/account/totp/confirm", json={"code": code}, headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    return body["secret"], codes


def test_sign_in_asks_for_a_code_once_codes_are_on(client, auth):
    assert client.get("/api/account/totp", headers=auth).json() == {
        "totp": False,
        "recovery_codes_left": 0,
    }
    secret, codes = _enrol(client, auth)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/api/account/totp", headers=auth).json()["totp"] is True

    first = _login(client)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["second_factor_required"] is True
    assert answer["methods"] == ["totp", "recovery_code"]
    assert "access_token" not in answer
    # The challenge is no session: refused on every route that wants one.
    assert client.get("/api/me", headers=_bearer(answer["challenge_token"])).status_code == 401

    done = _second(client, answer["challenge_token"], _step_code(secret))
    assert done.status_code == 200, done.text
    token = done.json()["access_token"]
    assert client.get("/api/me", headers=_bearer(token)).status_code == 200


def test_a_code_is_accepted_once_and_a_wrong_one_never(client, auth):
    secret, _ = _enrol(client, auth)
    challenge = _login(client).json()["challenge_token"]
    wrong = _second(client, challenge, "000000" if _step_code(secret) != "000000" else "111111")
    assert wrong.status_code == 401, wrong.text
    code = _step_code(secret, 1)
    assert _second(client, challenge, code).status_code == 200
    # The same code again, inside its window, and any code of an earlier step: refused.
    again = _second(client, _login(client).json()["challenge_token"], code)
    assert again.status_code == 401, again.text
    older = _second(client, _login(client).json()["challenge_token"], _step_code(secret))
    assert older.status_code == 401, older.text


def test_a_recovery_code_works_once(client, auth):
    _, codes = _enrol(client, auth)
    typed = codes[3].upper().replace("-", " ")  # as someone might type it
    done = _second(client, _login(client).json()["challenge_token"], typed)
    assert done.status_code == 200, done.text
    headers = _bearer(done.json()["access_token"])
    assert client.get("/api/account/totp", headers=headers).json()["recovery_codes_left"] == 9
    twice = _second(client, _login(client).json()["challenge_token"], codes[3])
    assert twice.status_code == 401, twice.text


def test_wrong_codes_meet_the_password_throttle(client, auth, services):
    secret, _ = _enrol(client, auth)
    challenge = _login(client).json()["challenge_token"]
    right = _step_code(secret)
    wrong = "123456" if right != "123456" else "654321"
    statuses = [_second(client, challenge, wrong).status_code for _ in range(8)]
    assert statuses[0] == 401 and statuses[-1] == 429, statuses
    # Held: even the right code waits, and a right password does not clear the count.
    assert _login(client).status_code in (200, 429)
    held = _second(client, challenge, right)
    assert held.status_code == 429, held.text
    assert "Retry-After" in held.headers


def test_bad_challenges_are_refused(client, auth, token):
    secret, _ = _enrol(client, auth)
    for challenge in ("", "x" * 40, token, "a.b.c"):
        refused = _second(client, challenge, _step_code(secret))
        assert refused.status_code in (400, 401), (challenge, refused.text)
    bad = client.post("/api/auth/login/second-factor", json={"challenge_token": "x"})
    assert bad.status_code == 400, bad.text


def test_a_password_change_voids_a_pending_challenge(client, auth, services):
    secret, _ = _enrol(client, auth)
    challenge = _login(client).json()["challenge_token"]
    services.accounts.change_password("alice", "another long password here")
    assert _second(client, challenge, _step_code(secret)).status_code == 401


def test_turning_codes_off_needs_a_current_code(client, auth, services):
    secret, _ = _enrol(client, auth)
    token = _second(client, _login(client).json()["challenge_token"], _step_code(secret)).json()
    headers = _bearer(token["access_token"])
    no = client.request("DELETE", "/api/account/totp", json={"code": "12"}, headers=headers)
    assert no.status_code == 400, no.text
    assert client.get("/api/account/totp", headers=headers).json()["totp"] is True
    off = client.request(
        "DELETE", "/api/account/totp", json={"code": _step_code(secret, 1)}, headers=headers
    )
    assert off.status_code == 204, off.text
    signed = _login(client).json()
    assert "access_token" in signed and "second_factor_required" not in signed


def test_enrolment_is_pending_until_confirmed(client, auth):
    started = client.post("/api/account/totp", headers=auth).json()
    wrong = client.post("/api/account/totp/confirm", json={"code": "abc"}, headers=auth)
    assert wrong.status_code == 400, wrong.text
    assert "access_token" in _login(client).json()  # not on until a code confirms it
    restarted = client.post("/api/account/totp", headers=auth).json()
    assert restarted["secret"] != started["secret"]
    stale = _step_code(started["secret"])
    assert (
        client.post("/api/account/totp/confirm", json={"code": stale}, headers=auth).status_code
        == 400
    )
    _enrol_again = client.post(
        "/api/account/totp/confirm",
        json={"code": _step_code(restarted["secret"])},
        headers=auth,
    )
    assert _enrol_again.status_code == 200
    twice = client.post("/api/account/totp", headers=auth)
    assert twice.status_code == 409, twice.text


def test_new_recovery_codes_replace_the_old(client, auth):
    secret, old = _enrol(client, auth)
    renewed = client.post(
        "/api/account/totp/recovery-codes", json={"code": _step_code(secret, 1)}, headers=auth
    )
    assert renewed.status_code == 200, renewed.text
    new = renewed.json()["recovery_codes"]
    assert not set(new) & set(old)
    assert _second(client, _login(client).json()["challenge_token"], old[0]).status_code == 401
    assert _second(client, _login(client).json()["challenge_token"], new[0]).status_code == 200


def test_hostile_codes_are_wrong_codes_never_errors(client, auth):
    _enrol(client, auth)
    challenge = _login(client).json()["challenge_token"]
    for code in ("１２３４５６", "' OR 1=1 --", "\x00" * 6, "a" * 64):
        refused = _second(client, challenge, code)
        assert refused.status_code == 401, (code, refused.text)
    too_long = _second(client, challenge, "1" * 65)
    assert too_long.status_code == 400, too_long.text
    off = client.request("DELETE", "/api/account/totp", json={"code": "１２３４５６"}, headers=auth)
    assert off.status_code == 400, off.text
