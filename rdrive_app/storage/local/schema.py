"""The local catalog's tables, indexes and triggers (the DynamoDB table's twin: records.py),
and an older database file brought up to the columns this version reads."""

from __future__ import annotations

import sqlite3

from rdrive_app.storage import records as R

_TYPES = {
    "size": "INTEGER", "width": "INTEGER", "height": "INTEGER", "rotation": "INTEGER",
    "duration": "REAL", "gps_lat": "REAL", "gps_lon": "REAL", "favorite": "INTEGER",
    "turn": "INTEGER", "date_fixed": "INTEGER", "rating": "INTEGER", "crc32": "INTEGER",
}  # fmt: skip
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS entries (
    {", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" for c in R.ITEM_COLUMNS)},
    search_rank INTEGER,
    PRIMARY KEY (folder, name)
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    token_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    account_id TEXT
);
"""
# After the columns an older database lacks are added (_add_missing_columns).
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS entries_id ON entries (id) WHERE id IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_kind_name ON entries (folder, kind_name);
CREATE INDEX IF NOT EXISTS entries_taken ON entries (folder, taken_key);
CREATE INDEX IF NOT EXISTS entries_uploaded ON entries (folder, uploaded_key);
CREATE INDEX IF NOT EXISTS entries_kind_taken ON entries (folder, kind_taken_key);
CREATE INDEX IF NOT EXISTS entries_kind_uploaded ON entries (folder, kind_uploaded_key);
CREATE INDEX IF NOT EXISTS entries_deleted ON entries (folder, deleted_key);
CREATE INDEX IF NOT EXISTS entries_sha256 ON entries (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_status ON entries (status, uploaded_at);
CREATE INDEX IF NOT EXISTS entries_timeline ON entries (tl_month, timeline_key)
    WHERE timeline_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_timeline_key ON entries (timeline_key)
    WHERE timeline_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_favorites ON entries (fav_list, timeline_key)
    WHERE fav_list IS NOT NULL;
"""
# The timeline's month counts, kept by triggers so that every write (and a bench's raw insert)
# moves them in its own transaction, and the scrubber reads a few dozen rows, not the library.
# Run at every open: counted once (a library from before the counts has none yet).
_MONTHS = """
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS months (month TEXT PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO months SELECT tl_month, COUNT(*) FROM entries
    WHERE tl_month IS NOT NULL AND NOT EXISTS (SELECT 1 FROM months) GROUP BY tl_month;
CREATE TRIGGER IF NOT EXISTS months_added AFTER INSERT ON entries
    WHEN NEW.tl_month IS NOT NULL BEGIN
    INSERT INTO months VALUES (NEW.tl_month, 1) ON CONFLICT (month) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS months_removed AFTER DELETE ON entries
    WHEN OLD.tl_month IS NOT NULL BEGIN
    UPDATE months SET n = n - 1 WHERE month = OLD.tl_month;
END;
CREATE TRIGGER IF NOT EXISTS months_left AFTER UPDATE OF tl_month ON entries
    WHEN OLD.tl_month IS NOT NULL AND OLD.tl_month IS NOT NEW.tl_month BEGIN
    UPDATE months SET n = n - 1 WHERE month = OLD.tl_month;
END;
CREATE TRIGGER IF NOT EXISTS months_joined AFTER UPDATE OF tl_month ON entries
    WHEN NEW.tl_month IS NOT NULL AND OLD.tl_month IS NOT NEW.tl_month BEGIN
    INSERT INTO months VALUES (NEW.tl_month, 1) ON CONFLICT (month) DO UPDATE SET n = n + 1;
END;
COMMIT;
"""


def create_schema(db: sqlite3.Connection) -> None:
    """Create what is missing; safe to run at every open."""
    db.executescript(_SCHEMA)
    _add_missing_columns(db)
    db.executescript(_INDEXES)
    db.executescript(_MONTHS)


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Bring a database made by an older version up to ITEM_COLUMNS and the users' account
    id (new columns are nullable, so old rows read as before)."""
    have = {row["name"] for row in db.execute("PRAGMA table_info(entries)")}
    for col in R.ITEM_COLUMNS:
        if col not in have:
            db.execute(f"ALTER TABLE entries ADD COLUMN {col} {_TYPES.get(col, 'TEXT')}")
    if "search_rank" not in have:  # the search's own column (local/search.py)
        db.execute("ALTER TABLE entries ADD COLUMN search_rank INTEGER")
    users = {row["name"] for row in db.execute("PRAGMA table_info(users)")}
    if "account_id" not in users:  # filled in as each account is next read (catalog_base)
        db.execute("ALTER TABLE users ADD COLUMN account_id TEXT")
