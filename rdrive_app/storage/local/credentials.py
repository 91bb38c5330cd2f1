"""The credentials' primitives on SQLite (the rules are catalog_credentials'): a table of
their own, each write one statement, conditional in its WHERE clause."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from rdrive_app.storage import records as R

_SCHEMA = """
CREATE TABLE IF NOT EXISTS credentials (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at TEXT
);
CREATE INDEX IF NOT EXISTS credentials_account ON credentials (account_id);
"""
_COLUMNS = ("id", "account_id", "kind", "data", "created_at", "last_used_at", "expires_at")
_UPDATABLE = frozenset({"last_used_at", "data"})


class SQLiteCredentials:
    """Mixed into SQLiteCatalog, which supplies the connection and the transaction."""

    # supplied by SQLiteCatalog (declared here for the type checker)
    _db: Callable[[], sqlite3.Connection]
    _atomic: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _row: Callable[..., R.Record | None]
    _rows: Callable[..., list[R.Record]]

    def _open_credentials(self) -> None:
        self._db().executescript(_SCHEMA)

    def _insert_credential(self, rec: R.Record) -> bool:
        try:
            with self._atomic() as db:
                db.execute(
                    f"INSERT INTO credentials ({', '.join(_COLUMNS)}) "  # noqa: S608 (fixed)
                    f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
                    [rec.get(c) for c in _COLUMNS],
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def _credential_record(self, credential_id: str) -> R.Record | None:
        return self._row("SELECT * FROM credentials WHERE id = ?", credential_id)

    def _credential_records(self, account_id: str) -> list[R.Record]:
        return self._rows("SELECT * FROM credentials WHERE account_id = ?", account_id)

    def _update_credential(
        self, credential_id: str, changes: R.Record, expected_data: str | None
    ) -> bool:
        assert changes and set(changes) <= _UPDATABLE
        sets = ", ".join(f"{column} = ?" for column in changes)
        sql = f"UPDATE credentials SET {sets} WHERE id = ?"  # noqa: S608 (checked names)
        args = [*changes.values(), credential_id]
        if expected_data is not None:
            sql += " AND data = ?"
            args.append(expected_data)
        with self._atomic() as db:
            return db.execute(sql, args).rowcount > 0

    def _delete_credential(self, credential_id: str) -> bool:
        with self._atomic() as db:
            return db.execute("DELETE FROM credentials WHERE id = ?", (credential_id,)).rowcount > 0
