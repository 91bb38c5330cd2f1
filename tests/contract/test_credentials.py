"""Credentials (sessions, and later second factors) in the catalog, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.credentials import Credential, CredentialKind
from rdrive_app.core.domain import User, new_id, utcnow
from rdrive_app.core.errors import Conflict
from rdrive_app.storage import Storage

SESSION = CredentialKind.SESSION
CREATED = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _session(account_id: str, **fields: object) -> Credential:
    values: dict = {
        "id": new_id(),
        "account_id": account_id,
        "kind": SESSION,
        "data": {"device": "Firefox on Linux", "address": "192.0.2.7"},
        "created_at": CREATED,
        "last_used_at": CREATED,
        "expires_at": utcnow() + timedelta(days=7),
    }
    values.update(fields)
    return Credential(**values)


def test_add_get_list_remove(storage: Storage) -> None:
    c = storage.catalog
    ann = c.add_user(User(name="ann", password_hash="h"))
    first = c.add_credential(_session(ann.account_id))
    second = c.add_credential(_session(ann.account_id, created_at=CREATED + timedelta(hours=1)))
    c.add_credential(_session("another-account"))
    got = c.get_credential(first.id)
    assert got is not None
    assert (got.id, got.kind, dict(got.data), got.created_at) == (
        first.id, SESSION, dict(first.data), CREATED
    )  # fmt: skip
    assert [x.id for x in c.list_credentials(ann.account_id)] == [second.id, first.id]
    assert [x.id for x in c.list_credentials(ann.account_id, SESSION)] == [second.id, first.id]
    assert c.list_users() == [ann]  # credentials are not accounts
    assert c.remove_credential(first.id)
    assert not c.remove_credential(first.id)
    assert c.get_credential(first.id) is None
    assert [x.id for x in c.list_credentials(ann.account_id)] == [second.id]


def test_an_id_is_never_overwritten(storage: Storage) -> None:
    c = storage.catalog
    one = c.add_credential(_session("acc"))
    with pytest.raises(Conflict):
        c.add_credential(_session("other", id=one.id))
    got = c.get_credential(one.id)
    assert got is not None and got.account_id == "acc"


def test_expired_credentials_are_gone(storage: Storage) -> None:
    c = storage.catalog
    old = c.add_credential(_session("acc", expires_at=utcnow() - timedelta(seconds=1)))
    forever = c.add_credential(_session("acc", expires_at=None))
    assert c.get_credential(old.id) is None
    assert [x.id for x in c.list_credentials("acc")] == [forever.id]
    assert not c.remove_credential(old.id)  # the listing removed it


def test_touch_and_compare_and_set(storage: Storage) -> None:
    c = storage.catalog
    s = c.add_credential(_session("acc"))
    later = CREATED + timedelta(minutes=5)
    assert c.touch_credential(s.id, later)
    got = c.get_credential(s.id)
    assert got is not None and got.last_used_at == later
    new = {"device": "Safari on iOS", "address": "198.51.100.1"}
    assert not c.replace_credential_data(s.id, new, {"device": "something else"})
    assert c.replace_credential_data(s.id, new, dict(s.data))
    assert not c.replace_credential_data(s.id, dict(s.data), dict(s.data))  # changed meanwhile
    got = c.get_credential(s.id)
    assert got is not None and dict(got.data) == new
    c.remove_credential(s.id)
    assert not c.touch_credential(s.id, later)
    assert not c.replace_credential_data(s.id, new, new)
    assert c.get_credential(s.id) is None  # nothing was written back
