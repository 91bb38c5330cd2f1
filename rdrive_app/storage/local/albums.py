"""The albums' primitives on SQLite (the rules are catalog_albums'): one write transaction per
change, which the rules also hold around their reads, so no condition can fail under them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from rdrive_app.storage import records as R
from rdrive_app.storage.album_records import Step

_IN_BATCH = 500  # ids per IN (...) query, well under SQLite's variable limit
_COLUMN_LIST = ", ".join(R.ITEM_COLUMNS)
_INSERT = (
    f"INSERT INTO entries ({_COLUMN_LIST}) "  # noqa: S608 (fixed names)
    f"VALUES ({', '.join('?' for _ in R.ITEM_COLUMNS)})"
)
_DELETE = "DELETE FROM entries WHERE folder = ? AND name = ?"


class SQLiteAlbums:
    """Mixed into SQLiteCatalog, which supplies the connection and the transaction."""

    # supplied by SQLiteCatalog (declared here for the type checker)
    _db: Callable[[], sqlite3.Connection]
    _atomic: Callable[[], AbstractContextManager[sqlite3.Connection]]

    def _transact(self, steps: list[Step]) -> None:
        with self._atomic() as db:
            for step in steps:
                rec = step.old if step.op == "replace" else step.rec
                assert rec is not None
                key = (rec["folder"], rec["name"])
                if step.op != "put":
                    row = db.execute(
                        "SELECT kind, id FROM entries WHERE folder = ? AND name = ?", key
                    ).fetchone()
                    if row is None or row["kind"] != rec["kind"] or row["id"] != rec.get("id"):
                        raise step.error
                if step.op in ("replace", "delete"):
                    db.execute(_DELETE, key)
                if step.op in ("put", "replace"):
                    try:
                        db.execute(_INSERT, [step.rec.get(c) for c in R.ITEM_COLUMNS])
                    except sqlite3.IntegrityError:
                        raise step.error from None

    def _records_by_ids(self, ids: list[str], *, consistent: bool) -> dict[str, R.Record]:
        found: dict[str, R.Record] = {}
        for start in range(0, len(ids), _IN_BATCH):
            batch = ids[start : start + _IN_BATCH]
            marks = ", ".join("?" for _ in batch)
            rows = self._db().execute(
                f"SELECT * FROM entries WHERE id IN ({marks})",  # noqa: S608 (placeholders)
                batch,
            )
            found.update((row["id"], dict(row)) for row in rows)
        return found

    def _partition(self, folder: str) -> list[R.Record]:
        rows = self._db().execute("SELECT * FROM entries WHERE folder = ? ORDER BY name", (folder,))
        return [dict(row) for row in rows]
