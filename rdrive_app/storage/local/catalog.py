"""The catalog in one SQLite file: the same records, keys and order as the DynamoDB one.

The rules live in catalog_base; this module stores and finds records. The table mirrors the
DynamoDB items table (primary key (folder, name), one index per listing order) so both backends
behave alike; see records.py. Every read-then-write runs in one ``BEGIN IMMEDIATE`` transaction
(``_atomic``) and relies on the primary key, so a clash is an IntegrityError (→ Conflict) and
nothing is overwritten. WAL lets readers on other threads carry on meanwhile; each thread gets
its own connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from rdrive_app.core.domain import normalize_folder, split_path
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.listing import StoredFile
from rdrive_app.storage import catalog_errors as E
from rdrive_app.storage import records as R
from rdrive_app.storage.catalog_base import BaseCatalog, Write
from rdrive_app.storage.file_records import FILE_COLUMNS, record_file
from rdrive_app.storage.local.albums import SQLiteAlbums
from rdrive_app.storage.local.credentials import SQLiteCredentials
from rdrive_app.storage.local.schema import create_schema
from rdrive_app.storage.local.search import SQLiteSearch

_COLUMN_LIST = ", ".join(R.ITEM_COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in R.ITEM_COLUMNS)
_INSERT = f"INSERT INTO entries ({_COLUMN_LIST}) VALUES ({_PLACEHOLDERS})"  # noqa: S608


def _values(rec: Mapping[str, Any]) -> list[Any]:
    return [rec.get(c) for c in R.ITEM_COLUMNS]


class SQLiteCatalog(SQLiteAlbums, SQLiteSearch, SQLiteCredentials, BaseCatalog):
    """Catalog in SQLite; safe to call from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        create_schema(self._db())  # tables, indexes, triggers; an older file brought up to date
        self._open_search()  # the search's index (local/search.py)
        self._open_credentials()  # sessions and second factors (local/credentials.py)
        for item_id in self.off_timeline():  # a library from before the timeline joins it
            self.update_item(item_id)

    # connections and transactions

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # Used by this thread only; check_same_thread=False lets close() reach it.
            db = sqlite3.connect(
                self.path, isolation_level=None, timeout=30, check_same_thread=False
            )
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._lock:
                self._all.append((threading.current_thread(), db))
        return db

    @contextmanager
    def _atomic(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (joined when this thread is already in one); taking the write
        lock up front makes check-then-write safe."""
        db = self._db()
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection (shutdown, when no other thread uses the catalog)."""
        with self._lock:
            for _, db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()

    def close_unused(self) -> None:
        """Close the connections of threads that have ended, and this thread's: safe while
        other threads still work (closing a connection in use elsewhere would crash)."""
        me = threading.current_thread()
        with self._lock:
            keep = []
            for thread, db in self._all:
                if thread is me or not thread.is_alive():
                    db.close()
                else:
                    keep.append((thread, db))
            self._all = keep
        self._local.__dict__.pop("db", None)

    def _tuples(self, sql: str, args: tuple[Any, ...]) -> tuple[sqlite3.Cursor, list[str]]:
        """A cursor of plain tuples and its column names: dict() of a sqlite3.Row goes key by
        key, which was most of the cost of listing a big folder."""
        cursor = self._db().cursor()
        cursor.row_factory = None
        cursor.execute(sql, args)
        return cursor, [column[0] for column in cursor.description or ()]

    def _row(self, sql: str, *args: Any) -> R.Record | None:
        cursor, names = self._tuples(sql, args)
        row = cursor.fetchone()
        return dict(zip(names, row, strict=True)) if row is not None else None

    def _rows(self, sql: str, *args: Any) -> list[R.Record]:
        cursor, names = self._tuples(sql, args)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # reading

    def _read(self, folder: str, name: str) -> R.Record | None:
        return self._row("SELECT * FROM entries WHERE folder = ? AND name = ?", folder, name)

    def _item_record(self, item_id: str, *, consistent: bool) -> R.Record | None:
        return self._row("SELECT * FROM entries WHERE id = ?", item_id)

    def first_records(self, folder: str, n: int) -> list[R.Record]:
        return self._rows("SELECT * FROM entries WHERE folder = ? ORDER BY name LIMIT ?", folder, n)

    def _subfolder_records(self, parent: str) -> list[R.Record]:
        return self._rows(
            "SELECT * FROM entries WHERE folder = ? AND kind_name >= ? AND kind_name < ? "
            "ORDER BY kind_name",
            parent, f"{R.FOLDER_KIND}#", f"{R.FOLDER_KIND}$",
        )  # fmt: skip

    def _query(
        self, folder: str, plan: R.ListPlan, start: dict[str, str] | None, n: int
    ) -> list[R.Record]:
        col, op, order = (
            plan.sort_attr,
            ("<" if plan.descending else ">"),
            ("DESC" if plan.descending else "ASC"),
        )
        where, args = ["folder = ?"], [folder]
        if plan.index is None:
            where.append("kind <> ?")
            args.append(R.FOLDER_KIND)
        else:
            where.append(f"{col} IS NOT NULL")
        if plan.prefix:
            # prefix range: 'image#' <= key < 'image$' ('$' follows '#')
            where.append(f"{col} >= ? AND {col} < ?")
            args += [plan.prefix, plan.prefix[:-1] + "$"]
        if start is not None:
            where.append(f"{col} {op} ?")
            args.append(start[col])
        sql = (
            f"SELECT * FROM entries WHERE {' AND '.join(where)} "  # noqa: S608 (fixed names)
            f"ORDER BY {col} {order} LIMIT ?"
        )
        return self._rows(sql, *args, n)

    def list_files(self, folder: str) -> list[StoredFile]:
        """The whole folder in one query of the few columns a StoredFile takes."""
        sql = (
            f"SELECT {', '.join(FILE_COLUMNS)} FROM entries "  # noqa: S608 (fixed names)
            "WHERE folder = ? AND kind <> ? ORDER BY name"
        )
        return [
            record_file(rec) for rec in self._rows(sql, normalize_folder(folder), R.FOLDER_KIND)
        ]

    def _status_records(self, status: str, before: str | None) -> list[R.Record]:
        sql, args = "SELECT * FROM entries WHERE status = ?", [status]
        if before is not None:
            sql += " AND uploaded_at < ?"
            args.append(before)
        return self._rows(sql + " ORDER BY uploaded_at", *args)

    def _sha256_records(self, sha256: str) -> list[R.Record]:
        return self._rows(
            "SELECT * FROM entries WHERE sha256 = ? AND folder <> ? ORDER BY folder, name",
            sha256, R.TRASH,
        )  # fmt: skip

    def _timeline_records(
        self, start: str | None, n: int, *, newer: bool, favorites: bool
    ) -> list[R.Record]:
        where = ["fav_list = ?" if favorites else "timeline_key IS NOT NULL"]
        args: list[Any] = [R.FAVORITES] if favorites else []
        if start is not None:
            where.append(f"timeline_key {'>' if newer else '<'} ?")
            args.append(start)
        sql = (
            f"SELECT * FROM entries WHERE {' AND '.join(where)} "  # noqa: S608 (fixed names)
            f"ORDER BY timeline_key {'ASC' if newer else 'DESC'} LIMIT ?"
        )
        return self._rows(sql, *args, n)

    def _untimed_records(self) -> list[R.Record]:
        return self._rows(
            "SELECT * FROM entries WHERE timeline_key IS NULL AND kind <> ? AND folder LIKE '/%'",
            R.FOLDER_KIND,
        )

    def _month_counts(self, *, favorites: bool) -> dict[str, int]:
        if not favorites:
            return {row["month"]: int(row["n"]) for row in self._rows("SELECT * FROM months")}
        sql = "SELECT tl_month, COUNT(*) AS n FROM entries WHERE fav_list = ? GROUP BY tl_month"
        return {row["tl_month"]: int(row["n"]) for row in self._rows(sql, R.FAVORITES)}

    def count(self) -> tuple[int, int]:
        # user folders' paths start with '/'; the trash and the bookkeeping partitions with '#'
        row = self._row(
            "SELECT SUM(kind <> ? AND folder LIKE '/%') AS items, SUM(kind = ?) AS folders "
            "FROM entries",
            R.FOLDER_KIND, R.FOLDER_KIND,
        )  # fmt: skip
        assert row is not None
        return int(row["items"] or 0), int(row["folders"] or 0)

    def bytes_used(self) -> int:
        """The sizes of every item, in folders and in the trash (storage/local/space.py)."""
        row = self._row(
            "SELECT SUM(size) AS n FROM entries "
            "WHERE kind <> ? AND (folder LIKE '/%' OR folder = ?)",
            R.FOLDER_KIND, R.TRASH,
        )  # fmt: skip
        return int(row["n"] or 0) if row is not None else 0

    # writing

    def _commit(self, write: Write) -> None:
        with self._atomic() as db:
            if write.missing is not None and not self._folder_exists(write.put["folder"]):
                raise write.missing
            if write.replaces is not None:
                old = write.replaces
                key = (old["folder"], old["name"])
                db.execute("DELETE FROM entries WHERE folder = ? AND name = ?", key)
            try:
                db.execute(_INSERT, _values(write.put))
            except sqlite3.IntegrityError:
                raise write.clash from None

    def _rewrite(self, old: R.Record, new: R.Record) -> bool:
        # under the write lock the record cannot have moved since it was read
        self._commit(Write(new, clash=E.item_changed(), replaces=old))
        return True

    def _delete(self, rec: R.Record, *, missing: RDriveError | None) -> bool:
        # under the write lock (the caller's read is in the same transaction) the key still
        # holds what was read if it holds the same item
        with self._atomic() as db:
            cur = db.execute(
                "DELETE FROM entries WHERE folder = ? AND name = ? "
                "AND (id = ? OR (? IS NULL AND kind = ?))",
                (rec["folder"], rec["name"], rec.get("id"), rec.get("id"), R.FOLDER_KIND),
            )
            if cur.rowcount == 0 and missing is not None:
                raise missing
            return cur.rowcount > 0

    def _move_folder(self, src: str, dst: str, created: datetime) -> None:
        """All in one transaction: the marker, every partition below, the trash's origins."""
        dst_parent, dst_name = split_path(dst)
        src_parent, src_name = split_path(src)
        n = len(src)
        with self._atomic() as db:
            if not self._folder_exists(dst_parent):
                raise E.folder_missing(dst_parent)
            try:
                db.execute(
                    "UPDATE entries SET folder = ?, name = ?, kind_name = ? "
                    "WHERE folder = ? AND name = ?",
                    (dst_parent, dst_name, f"{R.FOLDER_KIND}#{dst_name}", src_parent, src_name),
                )
                db.execute(
                    "UPDATE entries SET folder = ? || substr(folder, ?) "
                    "WHERE folder = ? OR substr(folder, 1, ?) = ?",
                    (dst, n + 1, src, n + 1, src + "/"),
                )
            except sqlite3.IntegrityError:
                raise E.name_taken(dst_parent, dst_name) from None
            db.execute(
                "UPDATE entries SET orig_folder = ? || substr(orig_folder, ?) "
                "WHERE folder = ? AND (orig_folder = ? OR substr(orig_folder, 1, ?) = ?)",
                (dst, n + 1, R.TRASH, src, n + 1, src + "/"),
            )

    # users

    def _insert_user(self, rec: R.Record) -> bool:
        try:
            with self._atomic() as db:
                db.execute(
                    "INSERT INTO users "
                    "(name, password_hash, token_version, created_at, account_id) "
                    "VALUES (:name, :password_hash, :token_version, :created_at, :account_id)",
                    rec,
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def _user_record(self, name: str) -> R.Record | None:
        return self._row("SELECT * FROM users WHERE name = ?", name)

    def _user_records(self) -> list[R.Record]:
        return self._rows("SELECT * FROM users ORDER BY name")

    def _bump_token_version(
        self, name: str, account_id: str, password_hash: str | None
    ) -> R.Record | None:
        with self._atomic() as db:
            changed = db.execute(
                "UPDATE users SET token_version = token_version + 1, "
                "password_hash = coalesce(?, password_hash) WHERE name = ? AND account_id = ?",
                (password_hash, name, account_id),
            ).rowcount
            return self._user_record(name) if changed else None

    def _claim_account_id(self, name: str, account_id: str) -> R.Record | None:
        with self._atomic() as db:
            db.execute(
                "UPDATE users SET account_id = ? WHERE name = ? AND coalesce(account_id, '') = ''",
                (account_id, name),
            )
            return self._user_record(name)

    def _delete_user(self, name: str) -> bool:
        with self._atomic() as db:
            return db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0
