"""Accounts in the catalog."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rdrive_app.core.domain import User
from rdrive_app.core.errors import Conflict, NotFound
from rdrive_app.storage import Storage

CREATED = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def test_add_get_list(storage: Storage) -> None:
    c = storage.catalog
    assert c.list_users() == []
    assert c.get_user("ann") is None
    ann = c.add_user(User(name="ann", password_hash="$2b$hash-a", created_at=CREATED))
    bob = c.add_user(User(name="bob", password_hash="$2b$hash-b", token_version=3))
    assert c.get_user("ann") == ann
    assert c.list_users() == [ann, bob]
    assert c.get_user("Ann") is None  # names are exact


def test_duplicate_user_conflicts(storage: Storage) -> None:
    storage.catalog.add_user(User(name="ann", password_hash="h1"))
    with pytest.raises(Conflict):
        storage.catalog.add_user(User(name="ann", password_hash="h2"))
    user = storage.catalog.get_user("ann")
    assert user is not None and user.password_hash == "h1"


def test_set_password_bumps_token_version(storage: Storage) -> None:
    c = storage.catalog
    ann = c.add_user(User(name="ann", password_hash="old", created_at=CREATED))
    changed = c.set_password("ann", "new", ann.account_id)
    assert (changed.password_hash, changed.token_version) == ("new", 2)
    assert (changed.created_at, changed.account_id) == (CREATED, ann.account_id)
    assert c.get_user("ann") == changed
    assert c.set_password("ann", "newer", ann.account_id).token_version == 3
    with pytest.raises(NotFound):
        c.set_password("nobody", "x", ann.account_id)
    assert c.get_user("nobody") is None


def test_bump_token_version_writes_only_the_version(storage: Storage) -> None:
    c = storage.catalog
    ann = c.add_user(User(name="ann", password_hash="h1", created_at=CREATED))
    bumped = c.bump_token_version("ann", ann.account_id)
    assert bumped == User("ann", "h1", 2, CREATED, ann.account_id)
    assert c.get_user("ann") == bumped
    with pytest.raises(NotFound):
        c.bump_token_version("nobody", ann.account_id)


def test_writes_for_another_incarnation_of_a_name_change_nothing(storage: Storage) -> None:
    c = storage.catalog
    old = c.add_user(User(name="ann", password_hash="h-old"))
    c.remove_user("ann")
    new = c.add_user(User(name="ann", password_hash="h-new"))
    assert new.account_id != old.account_id
    for write in (
        lambda: c.set_password("ann", "h-x", old.account_id),
        lambda: c.bump_token_version("ann", old.account_id),
    ):
        with pytest.raises(NotFound):
            write()
    assert c.get_user("ann") == new


def test_remove_user(storage: Storage) -> None:
    c = storage.catalog
    c.add_user(User(name="ann", password_hash="h"))
    c.remove_user("ann")
    assert c.get_user("ann") is None
    assert c.list_users() == []
    with pytest.raises(NotFound):
        c.remove_user("ann")
