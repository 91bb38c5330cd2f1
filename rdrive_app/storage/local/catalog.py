"""The catalog in one SQLite file: the same records, keys and order as the DynamoDB one.

The table mirrors the DynamoDB items table (primary key (folder, name), one index per listing
order) so both backends behave alike; see records.py. Every write that could clash runs in a
``BEGIN IMMEDIATE`` transaction and relies on the primary key, so a clash is an IntegrityError
(→ Conflict) and nothing is overwritten. WAL lets readers on other threads carry on meanwhile;
each thread gets its own connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from rdrive_app.core.domain import (
    ROOT,
    Folder,
    Kind,
    MediaItem,
    User,
    is_same_or_inside,
    normalize_folder,
    split_path,
    utcnow,
    validate_name,
)
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.storage import records as R
from rdrive_app.storage.protocols import Page, SortOrder

_TYPES = {"size": "INTEGER", "width": "INTEGER", "height": "INTEGER", "rotation": "INTEGER",
          "duration": "REAL", "gps_lat": "REAL", "gps_lon": "REAL"}  # fmt: skip
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS entries (
    {", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" for c in R.ITEM_COLUMNS)},
    PRIMARY KEY (folder, name)
);
CREATE UNIQUE INDEX IF NOT EXISTS entries_id ON entries (id) WHERE id IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_kind_name ON entries (folder, kind_name);
CREATE INDEX IF NOT EXISTS entries_taken ON entries (folder, taken_key);
CREATE INDEX IF NOT EXISTS entries_uploaded ON entries (folder, uploaded_key);
CREATE INDEX IF NOT EXISTS entries_kind_taken ON entries (folder, kind_taken_key);
CREATE INDEX IF NOT EXISTS entries_kind_uploaded ON entries (folder, kind_uploaded_key);
CREATE INDEX IF NOT EXISTS entries_deleted ON entries (folder, deleted_key);
CREATE INDEX IF NOT EXISTS entries_sha256 ON entries (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_status ON entries (status, uploaded_at);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    token_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
"""
_COLUMN_LIST = ", ".join(R.ITEM_COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in R.ITEM_COLUMNS)
_INSERT = f"INSERT INTO entries ({_COLUMN_LIST}) VALUES ({_PLACEHOLDERS})"  # noqa: S608


def _values(rec: Mapping[str, Any]) -> list[Any]:
    return [rec.get(c) for c in R.ITEM_COLUMNS]


class SQLiteCatalog:
    """Catalog in SQLite; safe to call from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._db().executescript(_SCHEMA)
        self._add_missing_columns()

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
                self._all.append(db)
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taking the write lock up front makes check-then-write safe."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _add_missing_columns(self) -> None:
        """Bring a database made by an older version up to ITEM_COLUMNS (new columns are
        nullable, so old rows read as before)."""
        db = self._db()
        have = {row["name"] for row in db.execute("PRAGMA table_info(entries)")}
        for col in R.ITEM_COLUMNS:
            if col not in have:
                db.execute(f"ALTER TABLE entries ADD COLUMN {col} {_TYPES.get(col, 'TEXT')}")

    def close(self) -> None:
        """Close every thread's connection (tests, shutdown)."""
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()

    def _row(self, sql: str, *args: Any) -> dict[str, Any] | None:
        row = self._db().execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def _rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db().execute(sql, args).fetchall()]

    def _folder_exists(self, path: str, db: sqlite3.Connection | None = None) -> bool:
        if path == ROOT:
            return True
        parent, name = split_path(path)
        row = (
            (db or self._db())
            .execute(
                "SELECT 1 FROM entries WHERE folder = ? AND name = ? AND kind = ?",
                (parent, name, R.FOLDER_KIND),
            )
            .fetchone()
        )
        return row is not None

    def _item_row(self, item_id: str, db: sqlite3.Connection | None = None) -> dict[str, Any]:
        row = (db or self._db()).execute("SELECT * FROM entries WHERE id = ?", (item_id,))
        found = row.fetchone()
        if found is None:
            raise NotFound("no such item")
        return dict(found)

    def _replace(self, db: sqlite3.Connection, old: Mapping[str, Any], new: dict[str, Any]) -> None:
        """Swap a record for another (maybe under a new key); Conflict if that key is taken."""
        db.execute(
            "DELETE FROM entries WHERE folder = ? AND name = ?", (old["folder"], old["name"])
        )
        try:
            db.execute(_INSERT, _values(new))
        except sqlite3.IntegrityError:
            raise Conflict(f"'{new['name']}' already exists in {new['folder']}") from None

    # folders

    def create_folder(self, path: str) -> Folder:
        path = normalize_folder(path)
        if path == ROOT:
            raise Conflict("the root folder always exists")
        folder = Folder(path=path)
        with self._write() as db:
            if not self._folder_exists(folder.parent, db):
                raise NotFound(f"folder {folder.parent} does not exist")
            try:
                db.execute(_INSERT, _values(R.folder_record(folder)))
            except sqlite3.IntegrityError:
                raise Conflict(f"'{folder.name}' already exists in {folder.parent}") from None
        return folder

    def get_folder(self, path: str) -> Folder:
        path = normalize_folder(path)
        if path == ROOT:
            return Folder(path=ROOT, created_at=R.EPOCH)
        parent, name = split_path(path)
        row = self._row(
            "SELECT * FROM entries WHERE folder = ? AND name = ? AND kind = ?",
            parent, name, R.FOLDER_KIND,
        )  # fmt: skip
        if row is None:
            raise NotFound(f"folder {path} does not exist")
        return R.record_folder(row)

    def list_folders(self, parent: str) -> list[Folder]:
        parent = normalize_folder(parent)
        rows = self._rows(
            "SELECT * FROM entries WHERE folder = ? AND kind_name >= ? AND kind_name < ? "
            "ORDER BY kind_name",
            parent, f"{R.FOLDER_KIND}#", f"{R.FOLDER_KIND}$",
        )  # fmt: skip
        if not rows and not self._folder_exists(parent):
            raise NotFound(f"folder {parent} does not exist")
        return [R.record_folder(r) for r in rows]

    def move_folder(self, path: str, new_path: str) -> Folder:
        src, dst = normalize_folder(path), normalize_folder(new_path)
        if ROOT in (src, dst):
            raise InvalidInput("the root folder cannot be moved or replaced")
        if src == dst:
            return self.get_folder(src)
        if is_same_or_inside(dst, src):
            raise InvalidInput("a folder cannot be moved into itself")
        dst_parent, dst_name = split_path(dst)
        src_parent, src_name = split_path(src)
        n = len(src)
        with self._write() as db:
            marker = self._row_in(db, src_parent, src_name)
            if marker is None or marker["kind"] != R.FOLDER_KIND:
                raise NotFound(f"folder {src} does not exist")
            if not self._folder_exists(dst_parent, db):
                raise NotFound(f"folder {dst_parent} does not exist")
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
                raise Conflict(f"'{dst_name}' already exists in {dst_parent}") from None
            db.execute(
                "UPDATE entries SET orig_folder = ? || substr(orig_folder, ?) "
                "WHERE folder = ? AND (orig_folder = ? OR substr(orig_folder, 1, ?) = ?)",
                (dst, n + 1, R.TRASH, src, n + 1, src + "/"),
            )
        return Folder(path=dst, created_at=R.record_folder(marker).created_at)

    def delete_folder(self, path: str) -> None:
        path = normalize_folder(path)
        if path == ROOT:
            raise InvalidInput("the root folder cannot be deleted")
        parent, name = split_path(path)
        with self._write() as db:
            marker = self._row_in(db, parent, name)
            if marker is None or marker["kind"] != R.FOLDER_KIND:
                raise NotFound(f"folder {path} does not exist")
            if db.execute("SELECT 1 FROM entries WHERE folder = ? LIMIT 1", (path,)).fetchone():
                raise Conflict(f"folder {path} is not empty")
            db.execute("DELETE FROM entries WHERE folder = ? AND name = ?", (parent, name))

    @staticmethod
    def _row_in(db: sqlite3.Connection, folder: str, name: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT * FROM entries WHERE folder = ? AND name = ?", (folder, name)
        ).fetchone()
        return dict(row) if row is not None else None

    # items

    def add_item(self, item: MediaItem) -> MediaItem:
        folder, name = normalize_folder(item.folder), validate_name(item.name)
        if item.deleted_at is not None:
            raise InvalidInput("a new item cannot be in the trash")
        item = item.with_changes(folder=folder, name=name)
        with self._write() as db:
            if not self._folder_exists(folder, db):
                raise NotFound(f"folder {folder} does not exist")
            try:
                db.execute(_INSERT, _values(R.item_record(item)))
            except sqlite3.IntegrityError:
                raise Conflict(f"'{name}' already exists in {folder}") from None
        return item

    def get_item(self, item_id: str) -> MediaItem:
        return R.record_item(self._item_row(item_id))

    def update_item(self, item_id: str, **fields: object) -> MediaItem:
        with self._write() as db:
            old = self._item_row(item_id, db)
            item = R.apply_changes(R.record_item(old), fields)
            self._replace(db, old, R.item_record(item))
        return item

    def rename_item(self, item_id: str, folder: str, name: str) -> MediaItem:
        folder, name = normalize_folder(folder), validate_name(name)
        with self._write() as db:
            old = self._item_row(item_id, db)
            item = R.record_item(old)
            if item.deleted_at is not None:
                raise NotFound("the item is in the trash")
            if (item.folder, item.name) == (folder, name):
                return item
            if not self._folder_exists(folder, db):
                raise NotFound(f"folder {folder} does not exist")
            item = item.with_changes(folder=folder, name=name)
            self._replace(db, old, R.item_record(item))
        return item

    def list_items(
        self,
        folder: str,
        *,
        kind: Kind | None = None,
        sort: SortOrder = SortOrder.NAME,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        folder = normalize_folder(folder)
        limit = R.check_limit(limit)
        plan = R.list_plan(kind, sort)
        start = R.decode_cursor(cursor, plan, folder)
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
        rows = self._rows(sql, *args, limit + 1)
        if not rows and start is None and not self._folder_exists(folder):
            raise NotFound(f"folder {folder} does not exist")
        return self._page(rows, limit, plan)

    @staticmethod
    def _page(rows: list[dict[str, Any]], limit: int, plan: R.ListPlan) -> Page:
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = R.encode_cursor(rows[-1], plan) if more else None
        return Page(items=[R.record_item(r) for r in rows], next_cursor=next_cursor)

    def name_taken(self, folder: str, name: str) -> bool:
        row = self._row(
            "SELECT 1 FROM entries WHERE folder = ? AND name = ?", normalize_folder(folder), name
        )
        return row is not None

    def trash_item(self, item_id: str) -> MediaItem:
        with self._write() as db:
            old = self._item_row(item_id, db)
            item = R.record_item(old)
            if item.deleted_at is not None:
                return item
            item = item.with_changes(deleted_at=utcnow())
            self._replace(db, old, R.item_record(item))
        return item

    def restore_item(self, item_id: str, name: str | None = None) -> MediaItem:
        with self._write() as db:
            old = self._item_row(item_id, db)
            item = R.record_item(old)
            if item.deleted_at is None:
                raise InvalidInput("the item is not in the trash")
            target = validate_name(name) if name is not None else item.name
            if not self._folder_exists(item.folder, db):
                raise NotFound(f"folder {item.folder} no longer exists")
            item = item.with_changes(name=target, deleted_at=None)
            self._replace(db, old, R.item_record(item))
        return item

    def list_trash(self, *, limit: int = 100, cursor: str | None = None) -> Page:
        limit = R.check_limit(limit)
        plan = R.TRASH_PLAN
        start = R.decode_cursor(cursor, plan, R.TRASH)
        where, args = "folder = ?", [R.TRASH]
        if start is not None:
            where += " AND deleted_key < ?"
            args.append(start["deleted_key"])
        rows = self._rows(
            f"SELECT * FROM entries WHERE {where} ORDER BY deleted_key DESC LIMIT ?",  # noqa: S608
            *args, limit + 1,
        )  # fmt: skip
        return self._page(rows, limit, plan)

    def purge_item(self, item_id: str) -> None:
        """Forget the record; purging a missing item is not an error (sweeps may overlap)."""
        with self._write() as db:
            db.execute("DELETE FROM entries WHERE id = ?", (item_id,))

    def items_with_status(
        self, status: str, *, older_than: datetime | None = None
    ) -> list[MediaItem]:
        sql, args = "SELECT * FROM entries WHERE status = ?", [str(status)]
        if older_than is not None:
            sql += " AND uploaded_at < ?"
            args.append(R.iso(older_than))
        return [R.record_item(r) for r in self._rows(sql + " ORDER BY uploaded_at", *args)]

    def find_by_sha256(self, sha256: str) -> list[MediaItem]:
        rows = self._rows(
            "SELECT * FROM entries WHERE sha256 = ? AND folder <> ? ORDER BY folder, name",
            sha256, R.TRASH,
        )  # fmt: skip
        return [R.record_item(r) for r in rows]

    def count(self) -> tuple[int, int]:
        row = self._row(
            "SELECT SUM(kind <> ? AND folder <> ?) AS items, SUM(kind = ?) AS folders "
            "FROM entries",
            R.FOLDER_KIND, R.TRASH, R.FOLDER_KIND,
        )  # fmt: skip
        assert row is not None
        return int(row["items"] or 0), int(row["folders"] or 0)

    # users

    def add_user(self, user: User) -> User:
        try:
            with self._write() as db:
                db.execute(
                    "INSERT INTO users (name, password_hash, token_version, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (user.name, user.password_hash, user.token_version, R.iso(user.created_at)),
                )
        except sqlite3.IntegrityError:
            raise Conflict(f"user {user.name} already exists") from None
        return user

    @staticmethod
    def _user(row: Mapping[str, Any]) -> User:
        return User(
            name=row["name"],
            password_hash=row["password_hash"],
            token_version=int(row["token_version"]),
            created_at=R.parse_iso(row["created_at"]),
        )

    def get_user(self, name: str) -> User | None:
        row = self._row("SELECT * FROM users WHERE name = ?", name)
        return self._user(row) if row else None

    def list_users(self) -> list[User]:
        return [self._user(r) for r in self._rows("SELECT * FROM users ORDER BY name")]

    def set_password(self, name: str, password_hash: str) -> User:
        with self._write() as db:
            cur = db.execute(
                "UPDATE users SET password_hash = ?, token_version = token_version + 1 "
                "WHERE name = ?",
                (password_hash, name),
            )
            if cur.rowcount == 0:
                raise NotFound(f"no user {name}")
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return self._user(row)

    def remove_user(self, name: str) -> None:
        with self._write() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise NotFound(f"no user {name}")
