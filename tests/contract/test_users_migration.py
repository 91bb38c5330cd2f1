"""Accounts stored before accounts had ids keep working: each gets its id once, when first read.

Their sessions from before (tokens without the account id claim) stop working; signing in
again works at once.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import boto3
import jwt
import pytest

from rdrive_app.auth.passwords import hash_password
from rdrive_app.core.errors import NotAuthenticated
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.services.accounts import AccountService
from rdrive_app.storage import Storage
from rdrive_app.storage import records as R
from rdrive_app.storage.local.catalog import SQLiteCatalog

PASSWORD = "a password from before"
CREATED = "2024-01-02T03:04:05.000000Z"


def _store_account_from_before(storage: Storage, settings: Settings, tmp_path: Path) -> Storage:
    """``storage`` with account "ann" as an older version stored it (no account id)."""
    password_hash = hash_password(PASSWORD, 4)
    if settings.backend is Backend.AWS:
        boto3.client("dynamodb").put_item(
            TableName=settings.users_table,
            Item={
                "name": {"S": "ann"},
                "password_hash": {"S": password_hash},
                "token_version": {"N": "3"},
                "created_at": {"S": CREATED},
            },
        )
        return storage
    path = tmp_path / "old-catalog.sqlite3"
    with sqlite3.connect(path) as db:  # the users table as it was made before account ids
        db.execute(
            "CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
            "token_version INTEGER NOT NULL, created_at TEXT NOT NULL)"
        )
        db.execute("INSERT INTO users VALUES ('ann', ?, 3, ?)", (password_hash, CREATED))
    return Storage(blobs=storage.blobs, catalog=SQLiteCatalog(path))


def test_an_account_from_before_ids_gets_one_id_and_signs_in(
    storage: Storage, storage_settings: Settings, tmp_path: Path
) -> None:
    storage = _store_account_from_before(storage, storage_settings, tmp_path)
    c = storage.catalog
    first = c.get_user("ann")
    assert first is not None and first.account_id
    assert first.token_version == 3 and R.iso(first.created_at) == CREATED
    assert c.get_user("ann") == first  # claimed once, then kept
    assert c.list_users() == [first]

    settings = storage_settings.model_copy(update={"bcrypt_rounds": 4})
    accounts = AccountService(c, settings)
    now = int(time.time())
    from_before = jwt.encode(  # a session token as the older version issued it
        {"sub": "ann", "ver": 3, "iat": now, "exp": now + 600},
        settings.resolved_jwt_secret(),
        algorithm="HS256",
    )
    with pytest.raises(NotAuthenticated):
        accounts.user_for_token(from_before)
    token = accounts.sign_in("ann", PASSWORD).token
    assert accounts.user_for_token(token) == first
