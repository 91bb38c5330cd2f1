"""The search's primitives on SQLite (the rules are catalog_search's and core.search's).

Words are found with an FTS5 index over ``entries.search_terms``, an external-content table
keyed by the entries' rowid and kept in step by triggers, so every write (and a bench's raw
insert) updates it in its own transaction and a rename, a trash or a new tag is found at once.
The terms are already folded runs of letters and digits joined by spaces (core.search), so the
``ascii`` tokenizer, which splits on ASCII punctuation and spaces only and keeps every other
character, yields exactly those terms: FTS5's prefix query ``"w"*`` is then precisely
``term.startswith(w)``. (rowids are stable because the app never runs VACUUM; after one,
``INSERT INTO search_fts(search_fts) VALUES ('rebuild')`` re-keys the index.)

Results are newest first by ``timeline_key``. A query whose words match few items reads them
from the index and sorts them; one whose words match many walks the timeline index from the top
and keeps the rows among the matches, stopping at a page: either way the work is about a page,
not the library. Queries without words never touch FTS5.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from rdrive_app.core.search import SearchQuery
from rdrive_app.storage import records as R
from rdrive_app.storage.catalog_search import PlaceKey

# Run at every open: the index and its triggers made once; filled from the entries when it is
# empty but they have terms (a database from before the search).
FTS_SCRIPT = """
BEGIN IMMEDIATE;
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    search_terms, content='entries', content_rowid='rowid', tokenize='ascii',
    prefix='2 3 4'
);
INSERT INTO search_fts(search_fts) SELECT 'rebuild'
    WHERE NOT EXISTS (SELECT 1 FROM search_fts_docsize)
    AND EXISTS (SELECT 1 FROM entries WHERE search_terms IS NOT NULL);
CREATE TRIGGER IF NOT EXISTS search_added AFTER INSERT ON entries
    WHEN NEW.search_terms IS NOT NULL BEGIN
    INSERT INTO search_fts(rowid, search_terms) VALUES (NEW.rowid, NEW.search_terms);
END;
CREATE TRIGGER IF NOT EXISTS search_removed AFTER DELETE ON entries
    WHEN OLD.search_terms IS NOT NULL BEGIN
    INSERT INTO search_fts(search_fts, rowid, search_terms)
        VALUES ('delete', OLD.rowid, OLD.search_terms);
END;
CREATE TRIGGER IF NOT EXISTS search_changed AFTER UPDATE OF search_terms ON entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, search_terms)
        SELECT 'delete', OLD.rowid, OLD.search_terms WHERE OLD.search_terms IS NOT NULL;
    INSERT INTO search_fts(rowid, search_terms)
        SELECT NEW.rowid, NEW.search_terms WHERE NEW.search_terms IS NOT NULL;
END;
CREATE INDEX IF NOT EXISTS entries_search ON entries
    (timeline_key, kind, folder, fav_list, place_country, place_city, tags, albums)
    WHERE timeline_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_tags ON entries (tags)
    WHERE timeline_key IS NOT NULL AND tags IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_places ON entries
    (place_country, place_city, place_region, place_code)
    WHERE timeline_key IS NOT NULL AND (place_country <> '' OR place_city <> '');
COMMIT;
"""
# entries_search holds every column a filter reads, so walking the timeline through it tests
# the filters without reading a row (SQLite seeks the row only for a match): a rare tag or
# folder costs a walk of the index, not of the table. The other two make the counts a scan of
# a small index.
# Up to this many matches of the words are read from the index and sorted; more, and the
# timeline is walked instead. Sorting costs about the matches, walking about the library over
# the share that matches; at 100 000 items they cross well above this.
FEW_MATCHES = 2000
_MATCHED = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?"


def fts_match(words: tuple[str, ...]) -> str:
    """Each word a quoted prefix term, all required: the words are runs of letters and digits,
    so they can never be FTS5 syntax, and quoting keeps that true whatever they hold."""
    return " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _filters(query: SearchQuery, start: str | None) -> tuple[list[str], list[Any]]:
    """The WHERE terms (on ``e``, the entries) of everything but the words."""
    where: list[str] = ["e.timeline_key IS NOT NULL"]
    args: list[Any] = []
    if query.favorite:
        where.append("e.fav_list = ?")
        args.append(R.FAVORITES)
    if start is not None:
        where.append("e.timeline_key < ?")
        args.append(start)
    if query.date_to is not None:
        where.append("e.timeline_key < ?")  # keys at date_to are 'iso(date_to)#id': after it
        args.append(R.iso(query.date_to))
    if query.date_from is not None:
        where.append("e.timeline_key >= ?")
        args.append(R.iso(query.date_from))
    if query.kind is not None:
        where.append("e.kind = ?")
        args.append(str(query.kind))
    for column, wanted in (("place_country", query.country), ("place_city", query.city)):
        if wanted is not None:
            where.append(f"e.{column} = ?")
            args.append(wanted)
    if query.folder is not None and query.folder != "/":
        below = query.folder.rstrip("/") + "/"
        where.append("(e.folder = ? OR substr(e.folder, 1, ?) = ?)")
        args += [query.folder, len(below), below]
    for column, wanted in (("albums", query.album), ("tags", query.tag)):
        if wanted is not None:  # its JSON text first (cheap), then exactly
            where.append(
                f"instr(e.{column}, ?) > 0 "  # noqa: S608 (fixed names)
                f"AND EXISTS (SELECT 1 FROM json_each(e.{column}) WHERE value = ?)"
            )
            args += [json.dumps(wanted, ensure_ascii=False), wanted]
    return where, args


class SQLiteSearch:
    """Mixed into SQLiteCatalog, which supplies the connection."""

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError  # SQLiteCatalog's

    def _search_records(self, query: SearchQuery, start: str | None, n: int) -> list[R.Record]:
        where, args = _filters(query, start)
        db, order = self._db(), "ORDER BY e.timeline_key DESC LIMIT ?"
        walk = "SELECT e.* FROM entries e INDEXED BY entries_search WHERE"
        if not query.words:
            sql = f"{walk} {' AND '.join(where)} {order}"
            return [dict(r) for r in db.execute(sql, [*args, n])]
        match = fts_match(query.words)
        # the probe only picks the plan (both give the same rows), so it needs no transaction
        probe = f"SELECT COUNT(*) FROM ({_MATCHED} LIMIT ?)"  # noqa: S608 (fixed text)
        if db.execute(probe, (match, FEW_MATCHES + 1)).fetchone()[0] > FEW_MATCHES:
            # walk the timeline; '+' keeps the planner from driving by rowid and sorting
            where.append(f"+e.rowid IN ({_MATCHED})")
            sql = f"{walk} {' AND '.join(where)} {order}"
            rows = db.execute(sql, [*args, match, n])
        else:  # read the few matches and sort them
            sql = (
                "SELECT e.* FROM search_fts f CROSS JOIN entries e ON e.rowid = f.rowid "  # noqa: S608
                f"WHERE f.search_fts MATCH ? AND {' AND '.join(where)} {order}"
            )
            rows = db.execute(sql, [match, *args, n])
        return [dict(r) for r in rows]

    def _tag_counts(self) -> dict[str, int]:
        rows = self._db().execute(
            "SELECT t.value AS tag, COUNT(DISTINCT e.rowid) AS n "
            "FROM entries e INDEXED BY entries_tags, json_each(e.tags) t "
            "WHERE e.timeline_key IS NOT NULL AND e.tags IS NOT NULL GROUP BY t.value"
        )
        return {row["tag"]: int(row["n"]) for row in rows}

    def _place_counts(self) -> dict[PlaceKey, int]:
        rows = self._db().execute(
            "SELECT coalesce(place_country, '') AS country, coalesce(place_city, '') AS city, "
            "coalesce(place_region, '') AS region, coalesce(place_code, '') AS code, "
            "COUNT(*) AS n FROM entries INDEXED BY entries_places WHERE timeline_key IS NOT NULL "
            "AND (place_country <> '' OR place_city <> '') "
            "GROUP BY country, city, region, code"
        )
        return {(r["country"], r["city"], r["region"], r["code"]): int(r["n"]) for r in rows}
