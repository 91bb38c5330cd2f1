"""The catalog in DynamoDB (pynamodb), with the same records and order as the SQLite one.

The rules live in catalog_base; this module stores and finds records. DynamoDB has no lock to
hold across a read and a write, so every change that could clash is one conditional write or one
transaction: a rename deletes the old key (only if it still holds the same id) and puts the new
one (only if it is free) together, so two people renaming at once never overwrite each other;
one of them gets Conflict. Folder moves re-key whole subtrees and are resumable instead
(moves.py): running an interrupted move again finishes it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from itertools import islice
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from rdrive_app.core.domain import ROOT
from rdrive_app.core.errors import RDriveError
from rdrive_app.storage import catalog_errors as E
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.albums import DynamoAlbums
from rdrive_app.storage.aws.credentials import PREFIX, DynamoCredentials, credential_model
from rdrive_app.storage.aws.models import ItemModel, ItemTable, Models, record
from rdrive_app.storage.aws.moves import FolderMove
from rdrive_app.storage.aws.search import DynamoSearch, LiveIndex
from rdrive_app.storage.aws.tx import CHECK_FAILED, Transaction, written
from rdrive_app.storage.catalog_base import BaseCatalog, Write

# An item found by its id index at a key it has just left (a rename, the trash) is looked up
# again, so a write racing a rename finds it where it went rather than "gone" (processing would
# otherwise give up on it, left in ``processing``); the index catches up within a second.
MOVED_READS = 5
MOVED_PAUSE_S = 0.05


def _holds_keys_beyond(month: str, start: str, newer: bool) -> bool:
    """Whether ``month`` can hold timeline keys strictly below (or above) ``start``."""
    if newer:
        return month >= start[:7]
    return f"{month}-01T00:00:00.000000Z" < start


class _Moved(RDriveError):
    """A transactional rewrite or delete found the record changed since it was read."""


def _moved() -> _Moved:
    return _Moved("the record changed meanwhile")


class DynamoCatalog(DynamoSearch, DynamoAlbums, DynamoCredentials, BaseCatalog):
    """Catalog on the items and users tables described in aws/models.py; its search index
    (search.py) lives as long as it does."""

    def __init__(self, models: Models) -> None:
        self.models = models
        self.table = ItemTable(models)
        self.Item = models.items
        self.User = models.users
        self.Credential = credential_model(models.users)
        # A timeline page reads its months in parallel (botocore clients are thread-safe).
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="timeline")
        self._live = LiveIndex(self.table)

    def record_model(self, rec: R.Record) -> ItemModel:
        """The model of a record, as the catalog puts it (bench/ batch-writes these)."""
        return self.table.put_model(rec)

    def interrupted_moves(self) -> list[tuple[str, str]]:
        """(source, target) of every folder move that stopped half-way, for the reconciler
        (services/upkeep/fsck.py) to finish: their target's marker still notes ``moving_from``."""
        found: list[tuple[str, str]] = []
        todo = [ROOT]
        while todo:
            for marker in self._subfolder_records(todo.pop()):
                path = R.record_folder(marker).path
                if marker.get("moving_from"):
                    found.append((marker["moving_from"], path))
                todo.append(path)
        return found

    # reading

    def _atomic(self) -> AbstractContextManager[object]:
        return nullcontext()  # no lock: the writes below are conditional instead

    def _read(self, folder: str, name: str) -> R.Record | None:
        return self.table.get(folder, name)

    def _item_record(self, item_id: str, *, consistent: bool) -> R.Record | None:
        for attempt in range(MOVED_READS):
            hits = list(self.Item.by_id.query(item_id))
            if not hits:
                return None
            if not consistent:
                return record(hits[0])
            # the id index lags a little: read the record itself, consistently
            for hit in hits:
                rec = self.table.get(hit.folder, hit.name)
                if rec is not None and rec.get("id") == item_id:
                    return rec
            # its key was left (renamed, trashed) between the index and the read: ask again
            time.sleep(MOVED_PAUSE_S * 2**attempt)
        return None

    def first_records(self, folder: str, n: int) -> list[R.Record]:
        return self.table.first(folder, n)

    def _subfolder_records(self, parent: str) -> list[R.Record]:
        return self.table.subfolders(parent)

    def _query(
        self, folder: str, plan: R.ListPlan, start: dict[str, str] | None, n: int
    ) -> list[R.Record]:
        Item = self.Item
        common: dict[str, Any] = {
            "scan_index_forward": not plan.descending,
            "last_evaluated_key": {k: {"S": v} for k, v in start.items()} if start else None,
            "page_size": n,
            # the trash is listed from a global index, which cannot be read consistently
            "consistent_read": folder != R.TRASH,
        }
        if plan.index is None:
            results = Item.query(folder, filter_condition=Item.kind != R.FOLDER_KIND, **common)
        else:
            condition = (
                getattr(Item, plan.sort_attr).startswith(plan.prefix) if plan.prefix else None
            )
            results = getattr(Item, plan.index).query(folder, condition, **common)
        # the page ends at the n-th record, not at DynamoDB's last raw page
        return [record(m) for m in islice(results, n)]

    def _status_records(self, status: str, before: str | None) -> list[R.Record]:
        condition = self.Item.uploaded_at < before if before is not None else None
        return [record(m) for m in self.Item.by_status.query(status, condition)]

    def _sha256_records(self, sha256: str) -> list[R.Record]:
        keys = sorted(
            (m.folder, m.name) for m in self.Item.by_sha256.query(sha256) if m.folder != R.TRASH
        )
        found = (self.table.get(folder, name) for folder, name in keys)
        return [rec for rec in found if rec is not None]

    def _timeline_records(
        self, start: str | None, n: int, *, newer: bool, favorites: bool
    ) -> list[R.Record]:
        if favorites:
            return self._index_page(self.Item.by_favorite, R.FAVORITES, start, n, newer)
        # Month by month from the start, skipping empty months: the counters say which months
        # (and how many) fill the page, and those are read at once, in parallel.
        counts = self._month_counts(favorites=False)
        months = [m for m in sorted(counts, reverse=not newer) if counts[m] > 0]
        if start is not None:
            months = [m for m in months if _holds_keys_beyond(m, start, newer)]
        found: list[R.Record] = []
        while months and len(found) < n:
            batch, wanted = [], n - len(found)
            while months and wanted > 0:
                batch.append(months.pop(0))
                wanted -= counts[batch[-1]]
            need = n - len(found)

            def read(month: str, need: int = need) -> list[R.Record]:
                key = start if start is not None and month == start[:7] else None
                return self._index_page(self.Item.by_timeline, month, key, need, newer)

            for page in self._pool.map(read, batch):
                found += page
        return found[:n]

    def _index_page(
        self, index: Any, partition: str, start: str | None, n: int, newer: bool
    ) -> list[R.Record]:
        Item = self.Item
        condition = None
        if start is not None:
            condition = Item.timeline_key > start if newer else Item.timeline_key < start
        hits = index.query(partition, condition, scan_index_forward=newer, page_size=n)
        return [record(m) for m in islice(hits, n)]

    def _untimed_records(self) -> list[R.Record]:
        Item = self.Item
        hits = self.Item.scan(
            Item.timeline_key.does_not_exist()
            & (Item.kind != R.FOLDER_KIND)
            & Item.folder.startswith("/")
        )
        return [record(m) for m in hits]

    def _month_counts(self, *, favorites: bool) -> dict[str, int]:
        if favorites:  # one partition, read keys only: favourites are few
            hits = self.Item.by_favorite.query(R.FAVORITES, attributes_to_get=["tl_month"])
            counts: dict[str, int] = {}
            for m in hits:
                counts[m.tl_month] = counts.get(m.tl_month, 0) + 1
            return counts
        return {m.name: int(m.tally or 0) for m in self.Item.query(R.MONTHS, consistent_read=True)}

    def count(self) -> tuple[int, int]:
        items = folders = 0
        for m in self.Item.scan(attributes_to_get=["folder", "kind"]):
            if m.kind == R.FOLDER_KIND:
                folders += 1
            elif m.folder.startswith("/"):  # not the trash or a bookkeeping partition
                items += 1
        return items, folders

    # writing

    def _count_months(self, tx: Transaction, old: R.Record | None, new: R.Record | None) -> None:
        """Move the month counters as ``old`` → ``new`` does, in the same transaction."""
        for month, delta in R.month_deltas(old, new).items():
            counter = self.table.model({"folder": R.MONTHS, "name": month, "kind": "counter"})
            tx.update(_moved(), counter, [self.Item.tally.add(delta)], None)

    def _commit(self, write: Write) -> None:
        table, put = self.table, self.table.put_model(write.put)
        missing = write.missing if write.put["folder"] != ROOT else None  # the root always is
        counted = bool(R.month_deltas(write.replaces, write.put))
        if missing is None and write.replaces is None and not counted:  # a plain put
            try:
                put.save(condition=table.key_free())
            except PutError as exc:
                if exc.cause_response_code == CHECK_FAILED:
                    raise write.clash from None
                raise
            return
        tx = table.transaction()
        if missing is not None:
            table.require_folder(tx, write.put["folder"], missing)
        if write.replaces is not None:
            tx.delete(E.item_changed(), table.model(write.replaces), table.same(write.replaces))
        tx.put(write.clash, put, table.key_free())
        self._count_months(tx, write.replaces, write.put)
        tx.commit()

    def _rewrite(self, old: R.Record, new: R.Record) -> bool:
        actions = self.table.changes(old, new)
        if not actions:
            return True
        if R.month_deltas(old, new):
            tx = self.table.transaction()
            tx.update(_moved(), self.table.model(old), actions, self.table.same(old))
            self._count_months(tx, old, new)
            try:
                tx.commit()
            except _Moved:
                return False
            return True
        try:
            self.table.model(old).update(actions=actions, condition=self.table.same(old))
        except UpdateError as exc:
            if exc.cause_response_code != CHECK_FAILED:
                raise
            return False  # it moved meanwhile: the caller looks it up again
        return True

    def _delete(self, rec: R.Record, *, missing: RDriveError | None) -> bool:
        try:
            if rec.get("id"):  # an item: its tombstone tells the search indexes (search.py)
                tx = self.table.transaction()
                tx.delete(_moved(), self.table.model(rec), self.table.same(rec))
                tx.put(_moved(), self.table.tombstone(rec["id"]), None)
                self._count_months(tx, rec, None)
                tx.commit()
            else:
                self.table.model(rec).delete(condition=self.table.same(rec))
        except (DeleteError, _Moved) as exc:
            if isinstance(exc, DeleteError) and exc.cause_response_code != CHECK_FAILED:
                raise
            if missing is not None:
                raise missing from None
            return False
        return True

    def _move_folder(self, src: str, dst: str, created: datetime) -> None:
        FolderMove(self.table, src, dst, first_records=self.first_records).run(created)

    # users

    def _insert_user(self, rec: R.Record) -> bool:
        return written(lambda: self.User(**rec).save(condition=self.User.name.does_not_exist()))

    def _user_record(self, name: str) -> R.Record | None:
        try:
            return record(self.User.get(name, consistent_read=True))
        except DoesNotExist:
            return None

    def _user_records(self) -> list[R.Record]:
        return [record(m) for m in self.User.scan(~self.User.name.startswith(PREFIX))]

    def _bump_token_version(
        self, name: str, account_id: str, password_hash: str | None
    ) -> R.Record | None:
        model = self.User(name)
        actions: list[Any] = [self.User.token_version.add(1)]
        if password_hash is not None:
            actions.append(self.User.password_hash.set(password_hash))
        try:
            model.update(
                actions=actions,
                condition=self.User.name.exists() & (self.User.account_id == account_id),
            )
        except UpdateError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                return None
            raise
        return record(model)

    def _claim_account_id(self, name: str, account_id: str) -> R.Record | None:
        model = self.User(name)
        try:
            model.update(
                actions=[self.User.account_id.set(account_id)],
                condition=self.User.name.exists() & self.User.account_id.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == CHECK_FAILED:  # gone, or claimed by another reader
                return self._user_record(name)
            raise
        return record(model)

    def _delete_user(self, name: str) -> bool:
        return written(lambda: self.User(name).delete(condition=self.User.name.exists()))
