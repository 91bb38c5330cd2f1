"""The Settings page's two-factor codes, passkeys and app passwords, and the sign-in page's
second step and passkey, driven through their handlers as the page would, on both backends."""

from __future__ import annotations

import json
import time

import pyotp
import pytest

from rdrive_app.ui.state.app_passwords import AppPasswordsState
from rdrive_app.ui.state.passkeys import PasskeysState
from rdrive_app.ui.state.signin import SignInState
from rdrive_app.ui.state.two_factor import TwoFactorState
from tests.soft_authenticator import register, sign_in
from tests.state.test_handlers_work import run, signed_in, state_at

ORIGIN = "http://localhost:3000"


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _command(out: list[object]) -> dict:
    """The page command among a handler's answers: {"fn": ..., "args": [...]}."""
    for spec in out:
        for name, value in getattr(spec, "args", ()):
            if name._js_expr == "value":
                return value._decode()
    raise AssertionError(f"no page command in {out}")


def test_set_up_codes_then_sign_in_in_two_steps(services):
    page = signed_in(TwoFactorState, services, "/settings")
    run(TwoFactorState.load_two_factor.fn, page)
    assert (page.enabled, page.setting_up) == (False, False)
    run(TwoFactorState.start_setup.fn, page)
    assert page.setting_up and len(page.secret) == 32 and page.qr_code.startswith("data:image/svg")
    run(TwoFactorState.confirm_setup.fn, page, {"code": "000000"})
    assert "not right" in page.error and not page.enabled
    totp = pyotp.TOTP(page.secret)
    run(TwoFactorState.confirm_setup.fn, page, {"code": totp.now()})
    assert page.enabled and page.error == "" and len(page.recovery_codes) == 10
    assert page.secret == "" and page.recovery_left == 10
    codes = list(page.recovery_codes)
    run(TwoFactorState.hide_recovery_codes.fn, page)
    assert page.recovery_codes == []

    form = state_at(SignInState, "/signin")
    run(SignInState.sign_in.fn, form, {"username": "alice", "password": "alice password"})
    assert form.second_step and form._token == "" and form._challenge
    run(SignInState.sign_in_with_code.fn, form, {"code": codes[0]})
    assert form._token and not form.second_step

    again = state_at(SignInState, "/signin")
    run(SignInState.sign_in.fn, again, {"username": "alice", "password": "alice password"})
    run(SignInState.sign_in_with_code.fn, again, {"code": codes[0]})  # used already
    assert "not right" in again.error and again._token == "" and again.second_step
    run(SignInState.start_over.fn, again)
    assert not again.second_step and again._challenge == ""

    run(TwoFactorState.turn_off.fn, page, {"code": "12"})
    assert page.enabled and "not right" in page.error
    run(TwoFactorState.turn_off.fn, page, {"code": totp.at(time.time() + 30)})
    assert not page.enabled and page.error == ""


def test_app_passwords_made_shown_once_and_revoked(services):
    page = signed_in(AppPasswordsState, services, "/settings")
    run(AppPasswordsState.load_app_passwords.fn, page)
    assert page.rows == []
    run(AppPasswordsState.create.fn, page, {"name": "rclone", "scope": "write"})
    assert page.new_password.startswith("rdap-") and page.new_name == "rclone"
    assert [(r.name, r.access) for r in page.rows] == [("rclone", "Read and write")]
    assert page.rows[0].detail.endswith("never used")
    run(AppPasswordsState.hide_new_password.fn, page)
    assert page.new_password == ""
    run(AppPasswordsState.create.fn, page, {"name": "x", "scope": "root"})
    assert "scope" in page.error and len(page.rows) == 1
    run(AppPasswordsState.revoke.fn, page, page.rows[0].id)
    assert page.rows == [] and page.error == ""
    run(AppPasswordsState.revoke.fn, page, "nope")
    assert page.error == "no such app password"


def test_a_passkey_made_in_settings_signs_in_on_the_sign_in_page(services):
    page = signed_in(PasskeysState, services, "/settings")
    run(PasskeysState.load_passkeys.fn, page)
    out = run(PasskeysState.add_passkey.fn, page, {"name": "phone"})
    command = _command(out)
    assert command["fn"] == "passkeyCreate" and page.busy
    passkey, credential = register(command["args"][0], ORIGIN)
    run(PasskeysState.passkey_made.fn, page, json.dumps({"ok": True, "credential": credential}))
    assert [r.name for r in page.rows] == ["phone"] and page.error == "" and not page.busy

    cancelled = signed_in(PasskeysState, services, "/settings")
    run(PasskeysState.load_passkeys.fn, cancelled)
    run(PasskeysState.add_passkey.fn, cancelled, {"name": "tablet"})
    run(
        PasskeysState.passkey_made.fn,
        cancelled,
        json.dumps({"ok": False, "error": "NotAllowedError"}),
    )
    assert "NotAllowedError" in cancelled.error and len(cancelled.rows) == 1
    run(PasskeysState.passkey_made.fn, cancelled, "not json")
    assert "not understood" in cancelled.error

    form = state_at(SignInState, "/signin")
    command = _command(run(SignInState.use_passkey.fn, form))
    assert command["fn"] == "passkeyGet"
    answer = sign_in(passkey, command["args"][0], ORIGIN)
    run(SignInState.passkey_signed.fn, form, json.dumps({"ok": True, "credential": answer}))
    assert form._token and form.username == "alice"

    replay = state_at(SignInState, "/signin")
    run(SignInState.use_passkey.fn, replay)
    run(SignInState.passkey_signed.fn, replay, json.dumps({"ok": True, "credential": answer}))
    assert replay._token == "" and replay.error

    run(PasskeysState.remove.fn, page, page.rows[0].id)
    assert page.rows == []
