"""The catalog's rules, written once for both backends (the model: fsspec's AbstractFileSystem).

``BaseCatalog`` implements the ``Catalog`` protocol: it normalises and validates input, applies
the root-folder, clash, paging, trash, restore and field-change rules, and raises every error a
user reads (catalog_errors). A backend implements only the primitives at the end of the class:
read records by key, id, partition or listing plan, and commit a ``Write`` all or nothing. Both
backends store the same records (records.py), so the rules work on those plain dicts.

Atomicity stays the backend's: ``_atomic`` holds SQLite's write lock around a read-then-write;
DynamoDB has no lock, so its primitives make every write conditional on the whole record read
instead, and the rules here read again and retry when that condition fails (``_retrying``): a
rename, move, trash or restore never writes back a record older than a change that landed
between its read and its write (a processing result, say).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from rdrive_app.core.domain import (
    ROOT,
    Folder,
    Kind,
    MediaItem,
    is_same_or_inside,
    normalize_folder,
    split_path,
    utcnow,
    validate_name,
)
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.listing import StoredFile
from rdrive_app.storage import catalog_errors as E
from rdrive_app.storage import records as R
from rdrive_app.storage.catalog_albums import AlbumsCatalog
from rdrive_app.storage.catalog_credentials import CredentialsCatalog
from rdrive_app.storage.catalog_search import SearchCatalog
from rdrive_app.storage.catalog_timeline import TimelineCatalog
from rdrive_app.storage.catalog_users import UsersCatalog
from rdrive_app.storage.file_records import record_file
from rdrive_app.storage.protocols import Catalog, Page, SortOrder

FILES_PAGE = 1000  # list_files reads a folder this many records at a time
UPDATE_ATTEMPTS = 5  # a write re-reads an item that changed under it this often
_STATE = ("folder", "name", "status", "uploaded_at", "deleted_at")  # see _as_read


@dataclass(frozen=True, slots=True)
class Write:
    """One change, committed all or nothing.

    ``put`` goes in at its (folder, name) key, which must be free (else ``clash``); its folder
    must exist (else ``missing``; None for the trash, which always does). ``replaces`` is
    deleted in the same step, only if it still holds the same item (else E.item_changed).
    """

    put: R.Record
    clash: RDriveError
    missing: RDriveError | None = None
    replaces: R.Record | None = None


class BaseCatalog(
    UsersCatalog, CredentialsCatalog, TimelineCatalog, SearchCatalog, AlbumsCatalog, Catalog
):
    """Every Catalog method, once; subclasses supply the storage primitives (the users' in
    ``UsersCatalog``, the credentials' in ``CredentialsCatalog``, the timeline's in
    ``TimelineCatalog``, the albums' in ``AlbumsCatalog``)."""

    # folders

    def create_folder(self, path: str) -> Folder:
        path = normalize_folder(path)
        if path == ROOT:
            raise E.root_exists()
        folder = Folder(path=path)
        self._commit(_into_folder(R.folder_record(folder)))
        return folder

    def get_folder(self, path: str) -> Folder:
        path = normalize_folder(path)
        if path == ROOT:
            return Folder(path=ROOT, created_at=R.EPOCH)
        return R.record_folder(self._marker(path))

    def list_folders(self, parent: str) -> list[Folder]:
        parent = normalize_folder(parent)
        found = self._subfolder_records(parent)
        if not found and not self._folder_exists(parent):
            raise E.folder_missing(parent)
        return [R.record_folder(rec) for rec in found]

    def move_folder(self, path: str, new_path: str) -> Folder:
        src, dst = normalize_folder(path), normalize_folder(new_path)
        if ROOT in (src, dst):
            raise E.root_not_movable()
        if src == dst:
            return self.get_folder(src)
        if is_same_or_inside(dst, src):
            raise E.move_into_itself()
        with self._atomic():
            created = self.get_folder(src).created_at
            self._move_folder(src, dst, created)
        return Folder(path=dst, created_at=created)

    def delete_folder(self, path: str) -> None:
        path = normalize_folder(path)
        if path == ROOT:
            raise E.root_not_deletable()
        with self._atomic():
            marker = self._marker(path)
            if self.first_records(path, 1):
                raise E.folder_not_empty(path)
            self._delete(marker, missing=E.folder_missing(path))

    # items

    def add_item(self, item: MediaItem) -> MediaItem:
        folder, name = normalize_folder(item.folder), validate_name(item.name)
        if item.deleted_at is not None:
            raise E.new_item_trashed()
        item = item.with_changes(folder=folder, name=name)
        self._commit(_into_folder(R.item_record(item)))
        return item

    def get_item(self, item_id: str) -> MediaItem:
        rec = self._item_record(item_id, consistent=False)
        if rec is None:
            raise E.no_item()
        return R.record_item(rec)

    def update_item(self, item_id: str, **fields: object) -> MediaItem:
        for _ in range(UPDATE_ATTEMPTS):
            with self._atomic():
                old = self._current(item_id)
                item = R.apply_changes(R.record_item(old), fields)
                new = R.item_record(item)
                if self._rewrite(old, new):
                    self._follow_sort_date(old, new)  # its place in its albums
                    return item
        raise E.item_kept_changing()

    def rename_item(self, item_id: str, folder: str, name: str) -> MediaItem:
        folder, name = normalize_folder(folder), validate_name(name)
        return self._retrying(lambda: self._rename_once(item_id, folder, name))

    def _rename_once(self, item_id: str, folder: str, name: str) -> MediaItem:
        with self._atomic():
            old = self._current(item_id)
            item = R.record_item(old)
            if item.deleted_at is not None:
                raise E.item_trashed()
            if (item.folder, item.name) == (folder, name):
                return item
            item = item.with_changes(folder=folder, name=name)
            self._commit(_into_folder(R.item_record(item), replaces=old))
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
        found = self._query(folder, plan, start, limit + 1)
        if not found and start is None and not self._folder_exists(folder):
            raise E.folder_missing(folder)
        return _page(found, limit, plan)

    def list_files(self, folder: str) -> list[StoredFile]:
        """Page after page of the name order, each record read as a StoredFile (a backend that
        can read the whole folder in one narrow query does so instead)."""
        folder, plan = normalize_folder(folder), R.list_plan(None, SortOrder.NAME)
        files: list[StoredFile] = []
        start = None
        while True:
            found = self._query(folder, plan, start, FILES_PAGE + 1)
            files.extend(record_file(rec) for rec in found[:FILES_PAGE])
            if len(found) <= FILES_PAGE:
                return files
            start = {f: found[FILES_PAGE - 1][f] for f in plan.cursor_fields}

    def name_taken(self, folder: str, name: str) -> bool:
        return self._read(normalize_folder(folder), name) is not None

    def item_named(self, folder: str, name: str) -> MediaItem | None:
        rec = self._read(normalize_folder(folder), name)
        return R.record_item(rec) if rec is not None and rec["kind"] != R.FOLDER_KIND else None

    def trash_item(self, item_id: str) -> MediaItem:
        return self._retrying(lambda: self._trash_once(item_id))

    def _trash_once(self, item_id: str) -> MediaItem:
        with self._atomic():
            old = self._current(item_id)
            item = R.record_item(old)
            if item.deleted_at is not None:
                return item
            item = item.with_changes(deleted_at=utcnow())
            # the trash key is the id: it is taken only if someone trashed the item first
            self._commit(Write(R.item_record(item), clash=E.item_changed(), replaces=old))
        return item

    def restore_item(self, item_id: str, name: str | None = None) -> MediaItem:
        target = validate_name(name) if name is not None else None
        return self._retrying(lambda: self._restore_once(item_id, target))

    def _restore_once(self, item_id: str, name: str | None) -> MediaItem:
        with self._atomic():
            old = self._current(item_id)
            item = R.record_item(old)
            if item.deleted_at is None:
                raise E.item_not_trashed()
            item = item.with_changes(name=name or item.name, deleted_at=None)
            self._commit(
                _into_folder(R.item_record(item), replaces=old, missing=E.folder_gone(item.folder))
            )
        return item

    def list_trash(self, *, limit: int = 100, cursor: str | None = None) -> Page:
        limit = R.check_limit(limit)
        start = R.decode_cursor(cursor, R.TRASH_PLAN, R.TRASH)
        return _page(self._query(R.TRASH, R.TRASH_PLAN, start, limit + 1), limit, R.TRASH_PLAN)

    def purge_item(self, item_id: str, *, unchanged: MediaItem | None = None) -> bool:
        """Forget the record; False when there is none (sweeps may overlap) or, given the item
        as the caller read it (``unchanged``), when it is no longer that: restored, trashed
        again, completed or touched since (see ``_as_read``)."""
        with self._atomic():
            rec = self._item_record(item_id, consistent=True)
            if rec is None or (unchanged is not None and not _as_read(rec, unchanged)):
                return False
            if not self._delete(rec, missing=None):
                return False
            self._forget_memberships(rec)
            return True

    def items_with_status(
        self, status: str, *, older_than: datetime | None = None
    ) -> list[MediaItem]:
        before = R.iso(older_than) if older_than is not None else None
        return [R.record_item(rec) for rec in self._status_records(str(status), before)]

    def find_by_sha256(self, sha256: str) -> list[MediaItem]:
        return [R.record_item(rec) for rec in self._sha256_records(sha256)]

    # rules both backends lean on

    def _folder_exists(self, path: str) -> bool:
        if path == ROOT:
            return True
        marker = self._read(*split_path(path))
        return marker is not None and marker["kind"] == R.FOLDER_KIND

    def _marker(self, path: str) -> R.Record:
        """The marker record of folder ``path`` (not the root). Raises NotFound."""
        marker = self._read(*split_path(path))
        if marker is None or marker["kind"] != R.FOLDER_KIND:
            raise E.folder_missing(path)
        return marker

    def _current(self, item_id: str) -> R.Record:
        """The item's record as it is now, to write from. Raises NotFound."""
        rec = self._item_record(item_id, consistent=True)
        if rec is None:
            raise E.no_item()
        return rec

    @staticmethod
    def _retrying(change: Callable[[], MediaItem]) -> MediaItem:
        """Run a read-then-write again from a fresh read while its write finds the item changed
        since the read (DynamoDB's conditional writes; under SQLite's lock it never does)."""
        for _ in range(UPDATE_ATTEMPTS):
            try:
                return change()
            except E.ItemChanged:
                continue
        raise E.item_kept_changing()

    # primitives: what each backend implements

    @abstractmethod
    def _atomic(self) -> AbstractContextManager[object]:
        """Hold the catalog still for a read-then-write where the backend can; nests."""

    @abstractmethod
    def _read(self, folder: str, name: str) -> R.Record | None:
        """The record at (folder, name), read consistently, or None."""

    @abstractmethod
    def _item_record(self, item_id: str, *, consistent: bool) -> R.Record | None:
        """The item's record by id, or None; ``consistent=False`` allows a slightly old one."""

    @abstractmethod
    def first_records(self, folder: str, n: int) -> list[R.Record]:
        """The first ``n`` records (items and folder markers) of a partition, by name."""

    @abstractmethod
    def _subfolder_records(self, parent: str) -> list[R.Record]:
        """The folder markers in ``parent``, by name."""

    @abstractmethod
    def _query(
        self, folder: str, plan: R.ListPlan, start: dict[str, str] | None, n: int
    ) -> list[R.Record]:
        """Up to ``n`` records of ``folder`` in ``plan``'s order, after the key ``start``;
        with ``plan.index`` None (the name order) folder markers are left out."""

    @abstractmethod
    def _commit(self, write: Write) -> None:
        """Make ``write`` all or nothing (see Write for the errors it raises)."""

    @abstractmethod
    def _rewrite(self, old: R.Record, new: R.Record) -> bool:
        """Replace ``old`` by ``new`` under the same key; False if the key no longer holds
        ``old``'s item (it moved meanwhile)."""

    @abstractmethod
    def _delete(self, rec: R.Record, *, missing: RDriveError | None) -> bool:
        """Delete ``rec`` if its key still holds it as read (for a marker: a folder); if not,
        raise ``missing``, or return False when that is None."""

    @abstractmethod
    def _move_folder(self, src: str, dst: str, created: datetime) -> None:
        """Move folder ``src`` (which exists, created at ``created``) and all below it to
        ``dst``; raise E.folder_missing for a missing new parent, E.name_taken for a taken
        name. Trashed items from inside it will restore into the new place."""

    @abstractmethod
    def _status_records(self, status: str, before: str | None) -> list[R.Record]:
        """Records in ``status`` (trash included) uploaded before ``before`` (iso), oldest
        upload first."""

    @abstractmethod
    def _sha256_records(self, sha256: str) -> list[R.Record]:
        """Untrashed records with this sha256, by (folder, name)."""

    @abstractmethod
    def count(self) -> tuple[int, int]:
        """(untrashed items, folders); each backend counts its own way (SQL, a scan)."""


def _into_folder(
    rec: R.Record, *, replaces: R.Record | None = None, missing: RDriveError | None = None
) -> Write:
    """The Write that puts ``rec`` into its folder under its name: Conflict if the name is
    taken there, NotFound (``missing``, else "does not exist") if the folder is gone."""
    folder, name = rec["folder"], rec["name"]
    return Write(
        rec,
        clash=E.name_taken(folder, name),
        missing=missing or E.folder_missing(folder),
        replaces=replaces,
    )


def _as_read(rec: R.Record, item: MediaItem) -> bool:
    """Whether the record still is ``item`` as read: in the same place (a trashed item's is the
    trash), in the same status, with the same upload activity and trashing time."""
    then = R.item_record(item)
    return all(rec.get(col) == then.get(col) for col in _STATE)


def _page(found: list[R.Record], limit: int, plan: R.ListPlan) -> Page:
    """A page from ``limit + 1`` records: the extra one says whether another page exists, and
    the cursor is the key of the last record returned."""
    more = len(found) > limit
    found = found[:limit]
    next_cursor = R.encode_cursor(found[-1], plan) if more else None
    return Page(items=[R.record_item(rec) for rec in found], next_cursor=next_cursor)
