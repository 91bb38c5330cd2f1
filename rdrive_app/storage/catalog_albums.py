"""The albums half of the catalog's rules, written once for both backends (see catalog_base).

Every change is a list of ``Step``s a backend commits all or nothing (``_transact``): SQLite in
the write transaction ``_atomic`` holds around the rule's reads, DynamoDB as one conditional
transaction per ``ALBUM_BATCH`` items (at most 100 actions), where an item that changed between
the read and the write fails its condition and the batch is read again. Adding or removing an
item writes its member record and its ``albums`` list together, so the two always agree.

Trashing an item keeps its memberships (an album shows only items ``on_timeline``, so it is
hidden, and restoring brings it back); purging it drops them (``_forget_memberships``); a new
date taken moves it within its albums (``_follow_sort_date``). Both hooks are called by
catalog_base.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import ClassVar, TypeVar

from rdrive_app.core.albums import MAX_IDS_PER_CALL, Album, AlbumChange, AlbumSummary
from rdrive_app.core.domain import MediaItem, new_id, validate_name
from rdrive_app.core.listing import Page
from rdrive_app.storage import album_records as A
from rdrive_app.storage import catalog_errors as E
from rdrive_app.storage import records as R
from rdrive_app.storage.album_records import Step

_T = TypeVar("_T")
ATTEMPTS = 5  # a batch whose items changed under it is read again this often


class AlbumsCatalog:
    """create_album … remove_from_album of the Catalog protocol, over a few primitives."""

    ALBUM_BATCH: ClassVar[int] = MAX_IDS_PER_CALL  # items per _transact (DynamoDB: fewer)

    def create_album(self, name: str) -> Album:
        album = Album(id=new_id(), name=validate_name(name))
        self._transact(
            [
                Step("put", A.album_record(album), E.album_changed()),
                Step("put", A.claim_record(album.name), E.album_name_taken(album.name)),
            ]
        )
        return album

    def get_album(self, album_id: str) -> Album:
        return A.record_album(self._album_record(album_id))

    def list_albums(self) -> list[AlbumSummary]:
        albums = [A.record_album(rec) for rec in self._partition(A.ALBUMS)]
        albums.sort(key=lambda a: (a.name.casefold(), a.name, a.id))
        return [self._summary(album) for album in albums]

    def album_summary(self, album_id: str) -> AlbumSummary:
        return self._summary(self.get_album(album_id))

    def _summary(self, album: Album) -> AlbumSummary:
        members = {m["name"]: m["taken_key"] for m in self._partition(A.members_of(album.id))}
        found = self._records_by_ids(list(members), consistent=False)
        shown = [i for i in map(R.record_item, found.values()) if i.on_timeline]
        shown.sort(key=lambda i: members[i.id], reverse=True)
        chosen = [i for i in shown if i.id == album.cover_id]
        cover = (chosen or shown)[0] if shown else None
        return AlbumSummary(album=album, count=len(shown), cover=cover)

    def rename_album(self, album_id: str, name: str) -> Album:
        name = validate_name(name)
        for _ in range(ATTEMPTS):
            with self._atomic():
                old = self._album_record(album_id)
                album = A.record_album(old)
                if album.name == name:
                    return album
                renamed = replace(album, name=name)
                steps = [Step("replace", A.album_record(renamed), E.album_changed(), old=old)]
                if A.claim_record(name) != A.claim_record(album.name):
                    steps += [
                        Step("delete", A.claim_record(album.name), E.album_changed()),
                        Step("put", A.claim_record(name), E.album_name_taken(name)),
                    ]
                try:
                    self._transact(steps)
                except E.ItemChanged:
                    continue
                return renamed
        raise E.item_kept_changing()

    def set_album_cover(self, album_id: str, item_id: str | None) -> Album:
        for _ in range(ATTEMPTS):
            with self._atomic():
                old = self._album_record(album_id)
                album = A.record_album(old)
                if item_id is not None:
                    self._check_cover(album_id, item_id)
                if album.cover_id == item_id:
                    return album
                chosen = replace(album, cover_id=item_id)
                try:
                    self._transact(
                        [Step("replace", A.album_record(chosen), E.album_changed(), old=old)]
                    )
                except E.ItemChanged:
                    continue
                return chosen
        raise E.item_kept_changing()

    def _check_cover(self, album_id: str, item_id: str) -> None:
        rec = self._item_record(item_id, consistent=True) if _is_id(item_id) else None
        if rec is None:
            raise E.no_item()
        item = R.record_item(rec)
        if album_id not in item.albums or not item.on_timeline:
            raise E.not_in_album()

    def delete_album(self, album_id: str) -> None:
        for _ in range(ATTEMPTS):
            with self._atomic():
                old = self._album_record(album_id)
                self._clear_members(album_id)
                claim = A.claim_record(old["album_name"])
                try:
                    self._transact(
                        [
                            Step("delete", old, E.album_changed()),
                            Step("delete", claim, E.album_changed()),
                        ]
                    )
                except E.ItemChanged:
                    continue
                self._clear_members(album_id)  # any added while it was being deleted
                return
        raise E.item_kept_changing()

    def _clear_members(self, album_id: str) -> None:
        while members := [m["name"] for m in self._partition(A.members_of(album_id))]:
            self._remove_known(album_id, members)

    # members

    def album_items(
        self, album_id: str, *, limit: int = 100, cursor: str | None = None, newer: bool = False
    ) -> Page:
        limit = R.check_limit(limit)
        part = A.members_of(album_id)
        plan = A.MEMBERS_UP if newer else A.MEMBERS_PLAN
        start = R.decode_cursor(cursor, plan, part) if _is_id(album_id) else None
        self._album_record(album_id)
        if newer and start is None:
            raise E.newer_needs_cursor()
        shown: list[tuple[R.Record, R.Record]] = []  # (member, item), in the order read
        while len(shown) <= limit:
            batch = self._query(part, plan, start, limit + 1)
            found = self._records_by_ids([m["name"] for m in batch], consistent=False)
            for member in batch:
                rec = found.get(member["name"])
                if rec is not None and R.record_item(rec).on_timeline:
                    shown.append((member, rec))
            if len(batch) <= limit:
                break  # the album ends here
            start = {f: batch[-1][f] for f in plan.cursor_fields}
        more = len(shown) > limit
        shown = shown[:limit]
        items = [R.record_item(rec) for _, rec in shown]
        if newer:
            items.reverse()  # read upwards from the start; shown newest first
        return Page(
            items=items,
            next_cursor=R.encode_cursor(shown[-1][0], plan) if more else None,
        )

    def album_cursor(self, album_id: str, item: MediaItem) -> str:
        if not _is_id(album_id):
            raise E.no_album()
        return R.encode_cursor(A.member_position(album_id, item), A.MEMBERS_PLAN)

    def add_to_album(self, album_id: str, item_ids: list[str]) -> AlbumChange:
        ids = _checked_ids(item_ids)
        added: list[str] = []
        with self._atomic():
            album = self._album_record(album_id)
            found = self._shown_items(ids, consistent=False)
            claimed = [i for i in ids if album["name"] in R.record_item(found[i]).albums]
            if claimed:  # "in it already" must not rest on an old read
                found.update(self._shown_items(claimed, consistent=True))
            for chunk in _chunks(ids, self.ALBUM_BATCH):
                added += self._add_batch(album, chunk, found)
        return AlbumChange(changed=tuple(added), unchanged=tuple(i for i in ids if i not in added))

    def _add_batch(self, album: R.Record, ids: list[str], found: dict[str, R.Record]) -> list[str]:
        """Add ``ids`` (read as ``found``) in one transaction; the ids it added."""
        for _ in range(ATTEMPTS):
            steps = [Step("exists", album, E.no_album())]
            added = []
            for item_id in ids:
                old = found[item_id]
                item = R.record_item(old)
                if album["name"] in item.albums:
                    continue
                joined = item.with_changes(albums=(*item.albums, album["name"]))
                steps.append(Step("put", A.member_record(album["name"], item), E.album_changed()))
                steps.append(Step("replace", R.item_record(joined), E.album_changed(), old=old))
                added.append(item_id)
            if not added:
                return []
            try:
                self._transact(steps)
            except E.ItemChanged:
                found.update(self._shown_items(ids, consistent=True))
                continue
            return added
        raise E.item_kept_changing()

    def _shown_items(self, ids: list[str], *, consistent: bool) -> dict[str, R.Record]:
        """The items' records; NotFound or Conflict unless all exist and are shown. A first
        read may be a little old (half the reads on DynamoDB): the writes are conditional on
        the records as read, so an old one fails its step and the batch is read again."""
        found = self._records_by_ids(ids, consistent=consistent)
        missing = [i for i in ids if i not in found]
        if missing:
            raise E.unknown_items(missing)
        hidden = [i for i in ids if not R.record_item(found[i]).on_timeline]
        if hidden:
            raise E.items_not_shown(hidden)
        return found

    def remove_from_album(self, album_id: str, item_ids: list[str]) -> AlbumChange:
        ids = _checked_ids(item_ids)
        with self._atomic():
            self._album_record(album_id)
            found = self._records_by_ids(ids, consistent=True)
            orphans = {i for i in ids if i not in found and self._read(A.members_of(album_id), i)}
            missing = [i for i in ids if i not in found and i not in orphans]
            if missing:
                raise E.unknown_items(missing)
            members = [i for i in ids if i in orphans or album_id in R.record_item(found[i]).albums]
            self._remove_known(album_id, members, found)
        return AlbumChange(
            changed=tuple(members), unchanged=tuple(i for i in ids if i not in members)
        )

    def _remove_known(
        self, album_id: str, ids: list[str], found: dict[str, R.Record] | None = None
    ) -> None:
        """Take members ``ids`` (items read as ``found``) out of the album: member records and
        the items' lists (an item purged meanwhile has only its member record left)."""
        for chunk in _chunks(ids, self.ALBUM_BATCH):
            items, changed = found, False
            for _ in range(ATTEMPTS):
                if items is None or changed:
                    items = self._records_by_ids(chunk, consistent=changed)
                steps = []
                for item_id in chunk:
                    if not changed or self._read(A.members_of(album_id), item_id) is not None:
                        steps.append(
                            Step("delete", A.member_stub(album_id, item_id), E.album_changed())
                        )
                    old = items.get(item_id)
                    if old is not None and album_id in R.record_item(old).albums:
                        item = R.record_item(old)
                        left = tuple(a for a in item.albums if a != album_id)
                        steps.append(
                            Step(
                                "replace",
                                R.item_record(item.with_changes(albums=left)),
                                E.album_changed(),
                                old=old,
                            )
                        )
                try:
                    if steps:
                        self._transact(steps)
                except E.ItemChanged:
                    changed = True  # read the members and items again
                    continue
                break
            else:
                raise E.item_kept_changing()

    # hooks catalog_base calls

    def _forget_memberships(self, rec: R.Record) -> None:
        """An item's record was purged: drop its member records."""
        albums = R.record_item(rec).albums
        for chunk in _chunks(list(albums), self.ALBUM_BATCH * 2):
            steps = [
                Step("delete", A.member_stub(album_id, rec["id"]), E.album_changed())
                for album_id in chunk
                if self._read(A.members_of(album_id), rec["id"]) is not None
            ]
            if steps:
                self._transact(steps)

    def _follow_sort_date(self, old: R.Record, new: R.Record) -> None:
        """An item was rewritten: if its date taken moved, so do its member records."""
        before, after = R.record_item(old), R.record_item(new)
        if not after.albums or A.member_key(before) == A.member_key(after):
            return
        steps = []
        for album_id in after.albums:
            member = self._read(A.members_of(album_id), after.id)
            if member is not None:
                moved = {**member, "taken_key": A.member_key(after)}
                steps.append(Step("replace", moved, E.album_changed(), old=member))
        for chunk in _chunks(steps, self.ALBUM_BATCH * 2):
            self._transact(chunk)

    # reading

    def _album_record(self, album_id: str) -> R.Record:
        rec = self._read(A.ALBUMS, album_id) if _is_id(album_id) else None
        if rec is None or rec.get("kind") != A.ALBUM_KIND:
            raise E.no_album()
        return rec

    # the primitives

    @abstractmethod
    def _transact(self, steps: list[Step]) -> None:
        """Commit ``steps`` all or none (see Step); at most ``2 * ALBUM_BATCH + 1`` of them."""

    @abstractmethod
    def _records_by_ids(self, ids: list[str], *, consistent: bool) -> dict[str, R.Record]:
        """The item records of these ids that exist, by id."""

    @abstractmethod
    def _partition(self, folder: str) -> list[R.Record]:
        """Every record of a partition, by name."""

    # catalog_base's primitives the rules use

    @abstractmethod
    def _atomic(self) -> AbstractContextManager[object]: ...

    @abstractmethod
    def _read(self, folder: str, name: str) -> R.Record | None: ...

    @abstractmethod
    def _item_record(self, item_id: str, *, consistent: bool) -> R.Record | None: ...

    @abstractmethod
    def _query(
        self, folder: str, plan: R.ListPlan, start: dict[str, str] | None, n: int
    ) -> list[R.Record]: ...


def _is_id(value: object) -> bool:
    """Ids are short text (new_id's hex); anything else names nothing."""
    return isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable()


def _checked_ids(ids: object) -> list[str]:
    """1 to MAX_IDS_PER_CALL ids, each once, in the order sent."""
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_IDS_PER_CALL:
        raise E.bad_ids(MAX_IDS_PER_CALL)
    if not all(isinstance(i, str) for i in ids):
        raise E.bad_ids(MAX_IDS_PER_CALL)
    bad = [i for i in ids if not _is_id(i)]
    if bad:
        raise E.unknown_items(bad)
    return list(dict.fromkeys(ids))


def _chunks(values: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
