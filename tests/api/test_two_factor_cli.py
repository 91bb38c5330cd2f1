"""``rdrive users reset-2fa``: the way back in for someone who lost their phone."""

from __future__ import annotations

import pyotp
from typer.testing import CliRunner

from rdrive_app.core.settings import Settings
from rdrive_app.entrypoints.cli import app
from rdrive_app.services.accounts import SecondStep
from rdrive_app.services.wiring import build_services


def test_reset_2fa_turns_codes_off(tmp_path, monkeypatch):
    monkeypatch.setenv("RDRIVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RDRIVE_JWT_SECRET", "j" * 48)
    monkeypatch.setenv("RDRIVE_BCRYPT_ROUNDS", "4")
    runner = CliRunner()
    added = runner.invoke(
        app, ["users", "add", "bob", "--password-stdin"], input="bob lost a phone\n"
    )
    assert added.exit_code == 0, added.output
    accounts = build_services(Settings()).accounts
    bob = accounts.list_users()[0]
    enrolment = accounts.second_factors.start_totp(bob)
    accounts.second_factors.confirm_totp(bob, pyotp.TOTP(enrolment.secret).now())
    assert accounts.second_factors.enrolled(bob)
    assert isinstance(accounts.sign_in("bob", "bob lost a phone"), SecondStep)

    reset = runner.invoke(app, ["users", "reset-2fa", "bob"])
    assert reset.exit_code == 0, reset.output
    assert "turned off" in reset.output
    assert not accounts.second_factors.enrolled(bob)
    assert accounts.sign_in("bob", "bob lost a phone").token
    again = runner.invoke(app, ["users", "reset-2fa", "bob"])
    assert again.exit_code == 0 and "had no two-factor codes" in again.output
    unknown = runner.invoke(app, ["users", "reset-2fa", "mallory"])
    assert unknown.exit_code == 1 and "no account" in unknown.output
