"""Account findings of issue 13, on both backends: a re-made account is a new account, and a
sign-out racing a password change cannot put the old password back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rdrive_app.core.errors import NotAuthenticated
from rdrive_app.core.settings import Settings
from rdrive_app.services.accounts import AccountService
from rdrive_app.storage import Storage
from rdrive_app.storage.protocols import Catalog

OLD, NEW = "the old password", "the new password"


def _settings(storage_settings: Settings) -> Settings:
    return storage_settings.model_copy(update={"bcrypt_rounds": 4})


def test_a_remade_account_refuses_the_old_accounts_tokens(
    storage: Storage, storage_settings: Settings
) -> None:
    accounts = AccountService(storage.catalog, _settings(storage_settings))
    accounts.add_user("alice", OLD)
    old_token = accounts.sign_in("alice", OLD).token
    assert accounts.user_for_token(old_token).name == "alice"

    accounts.remove_user("alice")
    accounts.add_user("alice", NEW)  # same name, token version 1 again

    with pytest.raises(NotAuthenticated):
        accounts.user_for_token(old_token)
    new_token = accounts.sign_in("alice", NEW).token
    assert accounts.user_for_token(new_token).name == "alice"


class _PausingCatalog:
    """The real catalog, running ``meanwhile`` once right after the next ``get_user``: the
    moment a sign-out has read the account and not yet written it."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self.meanwhile: Callable[[], None] | None = None

    def get_user(self, name: str) -> Any:
        user = self._catalog.get_user(name)
        if self.meanwhile is not None:
            step, self.meanwhile = self.meanwhile, None
            step()
        return user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._catalog, name)


def test_a_sign_out_racing_a_password_change_keeps_the_new_password(
    storage: Storage, storage_settings: Settings
) -> None:
    settings = _settings(storage_settings)
    direct = AccountService(storage.catalog, settings)
    direct.add_user("alice", OLD)
    before = direct.sign_in("alice", OLD).token
    paused = _PausingCatalog(storage.catalog)
    signing_out = AccountService(paused, settings)  # type: ignore[arg-type]

    # The sign-out reads alice; the password changes; the sign-out finishes.
    paused.meanwhile = lambda: direct.change_password("alice", NEW)
    signing_out.sign_out_everywhere("alice")

    assert direct.sign_in("alice", NEW).username == "alice"
    with pytest.raises(NotAuthenticated):
        direct.sign_in("alice", OLD)
    with pytest.raises(NotAuthenticated):
        direct.user_for_token(before)
