"""The search's primitives on SQLite (the rules are catalog_search's and core.search's).

Words are found with an FTS5 index over ``entries.search_terms``. Its rowid is not the
entries' rowid but ``entries.search_rank``: the second of the item's ``timeline_key`` shifted
left by ``RANK_BITS``, with the entry's rowid in the low bits to make it unique. FTS5 keeps
each word's matches in rowid order, so ``MATCH … AND rowid < ? ORDER BY rowid DESC LIMIT ?``
streams the newest matches first and stops: a page of results costs about a page of matches,
whatever the library's size. Ranks order items by the second; within one second the exact
``timeline_key`` order is restored by reading on until the second of the page's last result
is passed. Triggers keep the rank and the index in step with every write (and with a bench's
raw insert), in the write's own transaction, so a rename, a trash or a new tag is found at once.

The terms are already folded runs of letters and digits joined by spaces (core.search), so the
``ascii`` tokenizer, which splits on ASCII punctuation and spaces only and keeps every other
character, yields exactly those terms: FTS5's prefix query ``"w"*`` is then precisely
``term.startswith(w)``.

Queries without words walk the timeline index from the top (or, for a folder, from the newest
item below it) and keep the rows that pass the filters, stopping at a page.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rdrive_app.core.search import SearchQuery
from rdrive_app.storage import records as R
from rdrive_app.storage.catalog_search import PlaceKey

RANK_BITS = 20  # the low bits of a rank: the entry's rowid (unique among a million entries)
_RANK = (
    f"((CAST(strftime('%s', substr({{row}}.timeline_key, 1, 19)) AS INTEGER) << {RANK_BITS})"
    f" | ({{row}}.rowid & {(1 << RANK_BITS) - 1}))"
)
# The index was keyed by the entries' rowid before ranks: such a table is made again.
_OLD_LAYOUT = (
    "SELECT 1 FROM sqlite_master WHERE name = 'search_fts' AND sql NOT LIKE '%search_rank%'"
)
_DROP_OLD = """
DROP TRIGGER IF EXISTS search_added;
DROP TRIGGER IF EXISTS search_removed;
DROP TRIGGER IF EXISTS search_changed;
DROP TABLE IF EXISTS search_fts;
"""
# Run at every open: the index and its triggers made once; filled from the entries when it is
# new (a database from before the search, or from before ranks).
FTS_SCRIPT = f"""
BEGIN IMMEDIATE;
CREATE UNIQUE INDEX IF NOT EXISTS entries_rank ON entries (search_rank)
    WHERE search_rank IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    search_terms, content='entries', content_rowid='search_rank', tokenize='ascii',
    prefix='2 3 4'
);
UPDATE entries SET search_rank = {_RANK.format(row="entries")}
    WHERE timeline_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM search_fts_docsize);
INSERT INTO search_fts(rowid, search_terms)
    SELECT search_rank, search_terms FROM entries
    WHERE search_rank IS NOT NULL AND search_terms IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM search_fts_docsize);
CREATE TRIGGER IF NOT EXISTS search_added AFTER INSERT ON entries
    WHEN NEW.timeline_key IS NOT NULL BEGIN
    UPDATE entries SET search_rank = {_RANK.format(row="NEW")} WHERE rowid = NEW.rowid;
    INSERT INTO search_fts(rowid, search_terms)
        SELECT {_RANK.format(row="NEW")}, NEW.search_terms WHERE NEW.search_terms IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS search_removed AFTER DELETE ON entries
    WHEN OLD.search_rank IS NOT NULL AND OLD.search_terms IS NOT NULL BEGIN
    INSERT INTO search_fts(search_fts, rowid, search_terms)
        VALUES ('delete', OLD.search_rank, OLD.search_terms);
END;
CREATE TRIGGER IF NOT EXISTS search_changed AFTER UPDATE OF timeline_key, search_terms
    ON entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, search_terms)
        SELECT 'delete', OLD.search_rank, OLD.search_terms
        WHERE OLD.search_rank IS NOT NULL AND OLD.search_terms IS NOT NULL;
    UPDATE entries SET search_rank = CASE WHEN NEW.timeline_key IS NULL THEN NULL
        ELSE {_RANK.format(row="NEW")} END WHERE rowid = NEW.rowid;
    INSERT INTO search_fts(rowid, search_terms)
        SELECT {_RANK.format(row="NEW")}, NEW.search_terms
        WHERE NEW.timeline_key IS NOT NULL AND NEW.search_terms IS NOT NULL;
END;
CREATE INDEX IF NOT EXISTS entries_search ON entries
    (timeline_key, kind, folder, fav_list, place_country, place_city, tags, albums)
    WHERE timeline_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_folder_newest ON entries (folder, timeline_key)
    WHERE timeline_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_tags ON entries (tags)
    WHERE timeline_key IS NOT NULL AND tags IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_places ON entries
    (place_country, place_city, place_region, place_code)
    WHERE timeline_key IS NOT NULL AND (place_country <> '' OR place_city <> '');
COMMIT;
"""  # noqa: S608 (fixed text)
# entries_search holds every column a filter reads, so walking the timeline through it tests
# the filters without reading a row (SQLite seeks the row only for a match): a rare tag or
# folder costs a walk of the index, not of the table. entries_folder_newest finds where a
# folder's walk starts; the other two make the counts a scan of a small index.
FIRST_CHUNK = 32  # matches read at a time (at least a page), doubling while filters keep too few
MOST_CHUNK = 4096
_MATCHES = (
    "SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid < ? "
    "ORDER BY rowid DESC LIMIT ?"
)
# The newest timeline key below a folder: its subfolders found by skipping through the
# folder index one name at a time (a few steps each, not a scan of their items).
_FOLDER_NEWEST = """
WITH RECURSIVE below(folder) AS (
    SELECT min(folder) FROM entries WHERE folder >= ?1 AND folder < ?2
    UNION ALL
    SELECT (SELECT min(folder) FROM entries WHERE folder > below.folder AND folder < ?2)
    FROM below WHERE below.folder IS NOT NULL
)
SELECT max(newest) FROM (
    SELECT (SELECT max(timeline_key) FROM entries WHERE folder = ?3
        AND timeline_key IS NOT NULL) AS newest
    UNION ALL
    SELECT (SELECT max(e.timeline_key) FROM entries e WHERE e.folder = below.folder
        AND e.timeline_key IS NOT NULL) FROM below WHERE below.folder IS NOT NULL
)
"""
NO_RANK = 1 << 62  # above every rank


def rank_second(timeline_key: str) -> int:
    """The second a rank holds for a timeline key (as ``_RANK`` computes it in SQL)."""
    taken = datetime.fromisoformat(timeline_key[:19]).replace(tzinfo=UTC)
    return int((taken - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())


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

    _db: Callable[[], sqlite3.Connection]  # supplied by SQLiteCatalog

    def _open_search(self) -> None:
        """Make (or bring up to date) the index, its triggers and the ranks."""
        db = self._db()
        if db.execute(_OLD_LAYOUT).fetchone():
            db.executescript(_DROP_OLD)
        db.executescript(FTS_SCRIPT)

    def _search_records(self, query: SearchQuery, start: str | None, n: int) -> list[R.Record]:
        where, args = _filters(query, start)
        if query.folder is not None and query.folder != "/":
            newest = self._folder_newest(query.folder)
            if newest is None:
                return []
            where.append("e.timeline_key <= ?")
            args.append(newest)
        if query.words:
            return self._ranked_records(fts_match(query.words), where, args, start, n)
        sql = (
            "SELECT e.* FROM entries e INDEXED BY entries_search WHERE "  # noqa: S608
            f"{' AND '.join(where)} ORDER BY e.timeline_key DESC LIMIT ?"
        )
        return [dict(r) for r in self._db().execute(sql, [*args, n])]

    def _ranked_records(
        self, match: str, where: list[str], args: list[Any], start: str | None, n: int
    ) -> list[R.Record]:
        """The newest ``n`` rows among the word matches that pass ``where``: the matches are
        read newest first, a chunk at a time, until the page is full and past its last second."""
        db = self._db()
        rows_sql = (
            "SELECT e.* FROM entries e INDEXED BY entries_rank "  # noqa: S608 (fixed text)
            f"WHERE e.search_rank IN (SELECT value FROM json_each(?)) AND {' AND '.join(where)}"
        )
        below = ((rank_second(start) + 1) << RANK_BITS) if start is not None else NO_RANK
        found: list[R.Record] = []
        chunk = max(FIRST_CHUNK, n + n // 4)
        while True:
            ranks = [row[0] for row in db.execute(_MATCHES, (match, below, chunk))]
            if ranks:
                found += [dict(r) for r in db.execute(rows_sql, [json.dumps(ranks), *args])]
                found.sort(key=lambda rec: rec["timeline_key"], reverse=True)
            if len(ranks) < chunk:
                break  # no more matches
            below = ranks[-1]
            if len(found) >= n and (below - 1) >> RANK_BITS < rank_second(
                found[n - 1]["timeline_key"]
            ):
                break  # every match left is in an earlier second than the page's last
            chunk = min(chunk * 2, MOST_CHUNK)
        return found[:n]

    def _folder_newest(self, folder: str) -> str | None:
        """The newest timeline key in ``folder`` or below it (None: nothing there)."""
        below = folder.rstrip("/") + "/"
        after = below[:-1] + chr(ord("/") + 1)  # just past every path starting with below
        row = self._db().execute(_FOLDER_NEWEST, (below, after, folder)).fetchone()
        return row[0] if row else None

    def _tag_counts(self) -> dict[str, int]:
        # grouped by the tags' JSON first: a library has few distinct sets, each read once
        rows = self._db().execute(
            "SELECT tags, COUNT(*) AS n FROM entries INDEXED BY entries_tags "
            "WHERE timeline_key IS NOT NULL AND tags IS NOT NULL GROUP BY tags"
        )
        counts: dict[str, int] = {}
        for row in rows:
            for tag in json.loads(row["tags"]):  # each once: core.tags.check_tags
                counts[tag] = counts.get(tag, 0) + int(row["n"])
        return counts

    def _place_counts(self) -> dict[PlaceKey, int]:
        # grouped in the index's order (no sort); a missing part reads as '' (records.record_place)
        rows = self._db().execute(
            "SELECT place_country, place_city, place_region, place_code, COUNT(*) AS n "
            "FROM entries INDEXED BY entries_places WHERE timeline_key IS NOT NULL "
            "AND (place_country <> '' OR place_city <> '') "
            "GROUP BY place_country, place_city, place_region, place_code"
        )
        counts: dict[PlaceKey, int] = {}
        for country, city, region, code, n in rows:
            key = (country or "", city or "", region or "", code or "")
            counts[key] = counts.get(key, 0) + int(n)
        return counts
