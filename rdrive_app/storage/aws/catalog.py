"""The catalog in DynamoDB (pynamodb), with the same records and order as the SQLite one.

The rules live in catalog_base; this module stores and finds records. DynamoDB has no lock to
hold across a read and a write, so every change that could clash is one conditional write or one
transaction: a rename deletes the old key (only if it still holds the same id) and puts the new
one (only if it is free) together, so two people renaming at once never overwrite each other;
one of them gets Conflict. Folder moves re-key whole subtrees and are resumable instead
(moves.py): running an interrupted move again finishes it.
"""

from __future__ import annotations

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
from rdrive_app.storage.aws.models import ItemModel, ItemTable, Models, record
from rdrive_app.storage.aws.moves import FolderMove
from rdrive_app.storage.aws.tx import CHECK_FAILED
from rdrive_app.storage.catalog_base import BaseCatalog, Write


class DynamoCatalog(DynamoAlbums, BaseCatalog):
    """Catalog on the items and users tables described in aws/models.py."""

    def __init__(self, models: Models) -> None:
        self.models = models
        self.table = ItemTable(models)
        self.Item = models.items
        self.User = models.users

    def record_model(self, rec: R.Record) -> ItemModel:
        """The model of a record (bench/ batch-writes these)."""
        return self.table.model(rec)

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
        for hit in self.Item.by_id.query(item_id):
            if not consistent:
                return record(hit)
            # the id index lags a little: read the record itself, consistently
            rec = self.table.get(hit.folder, hit.name)
            if rec is not None and rec.get("id") == item_id:
                return rec
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

    def count(self) -> tuple[int, int]:
        items = folders = 0
        for m in self.Item.scan(attributes_to_get=["folder", "kind"]):
            if m.kind == R.FOLDER_KIND:
                folders += 1
            elif m.folder.startswith("/"):  # not the trash, not an album's records
                items += 1
        return items, folders

    # writing

    def _commit(self, write: Write) -> None:
        table, put = self.table, self.table.model(write.put)
        missing = write.missing if write.put["folder"] != ROOT else None  # the root always is
        if missing is None and write.replaces is None:  # nothing but the key: a plain put
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
        tx.commit()

    def _rewrite(self, old: R.Record, new: R.Record) -> bool:
        actions = self.table.changes(old, new)
        if not actions:
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
            self.table.model(rec).delete(condition=self.table.same(rec))
        except DeleteError as exc:
            if exc.cause_response_code != CHECK_FAILED:
                raise
            if missing is not None:
                raise missing from None
            return False
        return True

    def _move_folder(self, src: str, dst: str, created: datetime) -> None:
        FolderMove(self.table, src, dst, first_records=self.first_records).run(created)

    # users

    def _insert_user(self, rec: R.Record) -> bool:
        try:
            self.User(**rec).save(condition=self.User.name.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                return False
            raise
        return True

    def _user_record(self, name: str) -> R.Record | None:
        try:
            return record(self.User.get(name, consistent_read=True))
        except DoesNotExist:
            return None

    def _user_records(self) -> list[R.Record]:
        return [record(m) for m in self.User.scan()]

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
        try:
            self.User(name).delete(condition=self.User.name.exists())
        except DeleteError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                return False
            raise
        return True
