"""The catalog in DynamoDB (pynamodb), with the same records and order as the SQLite one.

Every change that could clash is one conditional write or one transaction: a rename deletes the
old key (only if it still holds the same id) and puts the new one (only if it is free) together,
so two people renaming at once never overwrite each other; one of them gets Conflict. Folder
moves re-key whole subtrees and are resumable instead (dynamo_moves).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

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
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, RDriveError
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.models import Models
from rdrive_app.storage.aws.moves import FolderMove
from rdrive_app.storage.aws.tx import CHECK_FAILED, Transaction
from rdrive_app.storage.protocols import Page, SortOrder


class DynamoCatalog:
    """Catalog on the items and users tables described in dynamo_models."""

    def __init__(self, models: Models) -> None:
        self.models = models
        self.Item = models.items
        self.User = models.users
        self._connection = models.connection

    # helpers (record_model, get_record, require_folder... are also used by dynamo_moves)

    def transaction(self) -> Transaction:
        return Transaction(self._connection)

    def record_model(self, rec: dict[str, Any]) -> Any:
        return self.Item(**{k: v for k, v in rec.items() if v is not None})

    def get_record(self, folder: str, name: str) -> Any | None:
        try:
            return self.Item.get(folder, name, consistent_read=True)
        except DoesNotExist:
            return None

    def _folder_exists(self, path: str) -> bool:
        if path == ROOT:
            return True
        marker = self.get_record(*split_path(path))
        return marker is not None and marker.kind == R.FOLDER_KIND

    def require_folder(self, tx: Transaction, path: str, error: RDriveError | None = None) -> None:
        """Make the transaction depend on ``path`` existing (the root always does)."""
        if path != ROOT:
            parent, name = split_path(path)
            error = error or NotFound(f"folder {path} does not exist")
            tx.check(error, self.Item, parent, name, self.Item.kind == R.FOLDER_KIND)

    def _locate(self, item_id: str) -> Any:
        """The item's record, read consistently (the id index itself lags a little)."""
        for hit in self.Item.by_id.query(item_id):
            model = self.get_record(hit.folder, hit.name)
            if model is not None and model.id == item_id:
                return model
        raise NotFound("no such item")

    @staticmethod
    def _changed() -> Conflict:
        return Conflict("the item changed meanwhile; try again")

    # folders

    def create_folder(self, path: str) -> Folder:
        path = normalize_folder(path)
        if path == ROOT:
            raise Conflict("the root folder always exists")
        folder = Folder(path=path)
        tx = self.transaction()
        self.require_folder(tx, folder.parent)
        tx.put(
            Conflict(f"'{folder.name}' already exists in {folder.parent}"),
            self.record_model(R.folder_record(folder)),
            self.Item.folder.does_not_exist(),
        )
        tx.commit()
        return folder

    def get_folder(self, path: str) -> Folder:
        path = normalize_folder(path)
        if path == ROOT:
            return Folder(path=ROOT, created_at=R.EPOCH)
        marker = self.get_record(*split_path(path))
        if marker is None or marker.kind != R.FOLDER_KIND:
            raise NotFound(f"folder {path} does not exist")
        return R.record_folder(marker.attribute_values)

    def first_records(self, folder: str, n: int) -> list[Any]:
        """The first ``n`` records (items and folder markers) of a partition, by name."""
        return list(islice(self.Item.query(folder, consistent_read=True, page_size=n), n))

    def subfolder_records(self, parent: str) -> list[Any]:
        """The folder markers in ``parent``, by name."""
        return list(
            self.Item.by_kind.query(
                parent,
                self.Item.kind_name.startswith(f"{R.FOLDER_KIND}#"),
                consistent_read=True,
            )
        )

    def interrupted_moves(self) -> list[tuple[str, str]]:
        """(source, target) of every folder move that stopped half-way, for the reconciler
        (services/upkeep/fsck.py) to finish: their target's marker still notes ``moving_from``."""
        found, todo = [], [ROOT]
        while todo:
            for marker in self.subfolder_records(todo.pop()):
                path = R.record_folder(marker.attribute_values).path
                if marker.moving_from:
                    found.append((marker.moving_from, path))
                todo.append(path)
        return found

    def list_folders(self, parent: str) -> list[Folder]:
        parent = normalize_folder(parent)
        found = self.subfolder_records(parent)
        if not found and not self._folder_exists(parent):
            raise NotFound(f"folder {parent} does not exist")
        return [R.record_folder(m.attribute_values) for m in found]

    def move_folder(self, path: str, new_path: str) -> Folder:
        """See dynamo_moves: a move is resumable, not atomic."""
        src, dst = normalize_folder(path), normalize_folder(new_path)
        if ROOT in (src, dst):
            raise InvalidInput("the root folder cannot be moved or replaced")
        if src == dst:
            return self.get_folder(src)
        if is_same_or_inside(dst, src):
            raise InvalidInput("a folder cannot be moved into itself")
        created = self.get_folder(src).created_at
        FolderMove(self, src, dst).run(created)
        return Folder(path=dst, created_at=created)

    def delete_folder(self, path: str) -> None:
        path = normalize_folder(path)
        if path == ROOT:
            raise InvalidInput("the root folder cannot be deleted")
        self.get_folder(path)
        if self.first_records(path, 1):
            raise Conflict(f"folder {path} is not empty")
        parent, name = split_path(path)
        try:
            self.Item(parent, name).delete(condition=self.Item.kind == R.FOLDER_KIND)
        except DeleteError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                raise NotFound(f"folder {path} does not exist") from None
            raise

    # items

    def add_item(self, item: MediaItem) -> MediaItem:
        folder, name = normalize_folder(item.folder), validate_name(item.name)
        if item.deleted_at is not None:
            raise InvalidInput("a new item cannot be in the trash")
        item = item.with_changes(folder=folder, name=name)
        clash = Conflict(f"'{name}' already exists in {folder}")
        model = self.record_model(R.item_record(item))
        if folder == ROOT:  # nothing to check but the name: a plain conditional put
            try:
                model.save(condition=self.Item.folder.does_not_exist())
            except PutError as exc:
                if exc.cause_response_code == CHECK_FAILED:
                    raise clash from None
                raise
            return item
        tx = self.transaction()
        self.require_folder(tx, folder)
        tx.put(clash, model, self.Item.folder.does_not_exist())
        tx.commit()
        return item

    def get_item(self, item_id: str) -> MediaItem:
        for hit in self.Item.by_id.query(item_id):
            return R.record_item(hit.attribute_values)
        raise NotFound("no such item")

    def update_item(self, item_id: str, **fields: object) -> MediaItem:
        Item = self.Item
        for _ in range(5):
            model = self._locate(item_id)
            old = dict(model.attribute_values)
            item = R.apply_changes(R.record_item(old), fields)
            new = R.item_record(item)
            actions = [
                getattr(Item, col).set(new[col])
                if new.get(col) is not None
                else getattr(Item, col).remove()
                for col in R.ITEM_COLUMNS
                if col not in ("folder", "name") and new.get(col) != old.get(col)
            ]
            if not actions:
                return item
            try:
                model.update(actions=actions, condition=Item.id == item_id)
                return item
            except UpdateError as exc:
                if exc.cause_response_code != CHECK_FAILED:
                    raise  # else it moved meanwhile: look it up again
        raise Conflict("the item kept changing; try again")

    def rename_item(self, item_id: str, folder: str, name: str) -> MediaItem:
        folder, name = normalize_folder(folder), validate_name(name)
        model = self._locate(item_id)
        item = R.record_item(model.attribute_values)
        if item.deleted_at is not None:
            raise NotFound("the item is in the trash")
        if (item.folder, item.name) == (folder, name):
            return item
        item = item.with_changes(folder=folder, name=name)
        tx = self.transaction()
        self.require_folder(tx, folder)
        tx.delete(self._changed(), model, self.Item.id == item_id)
        tx.put(
            Conflict(f"'{name}' already exists in {folder}"),
            self.record_model(R.item_record(item)),
            self.Item.folder.does_not_exist(),
        )
        tx.commit()
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
        Item = self.Item
        common: dict[str, Any] = {
            "scan_index_forward": not plan.descending,
            "last_evaluated_key": self._dynamo_key(start),
            "page_size": limit + 1,
            "consistent_read": True,
        }
        if plan.index is None:
            results = Item.query(folder, filter_condition=Item.kind != R.FOLDER_KIND, **common)
        else:
            condition = (
                getattr(Item, plan.sort_attr).startswith(plan.prefix) if plan.prefix else None
            )
            results = getattr(Item, plan.index).query(folder, condition, **common)
        page = self._page(results, limit, plan)
        if not page.items and start is None and not self._folder_exists(folder):
            raise NotFound(f"folder {folder} does not exist")
        return page

    @staticmethod
    def _dynamo_key(key: dict[str, str] | None) -> dict[str, dict[str, str]] | None:
        return {k: {"S": v} for k, v in key.items()} if key else None

    @staticmethod
    def _page(results: Iterable[Any], limit: int, plan: R.ListPlan) -> Page:
        """Read ``limit + 1`` records: the extra one says whether another page exists, and the
        cursor is the key of the last record returned, not of DynamoDB's last raw page."""
        recs = [m.attribute_values for m in islice(results, limit + 1)]
        more = len(recs) > limit
        recs = recs[:limit]
        next_cursor = R.encode_cursor(recs[-1], plan) if more else None
        return Page(items=[R.record_item(r) for r in recs], next_cursor=next_cursor)

    def name_taken(self, folder: str, name: str) -> bool:
        return self.get_record(normalize_folder(folder), name) is not None

    def trash_item(self, item_id: str) -> MediaItem:
        model = self._locate(item_id)
        item = R.record_item(model.attribute_values)
        if item.deleted_at is not None:
            return item
        item = item.with_changes(deleted_at=utcnow())
        tx = self.transaction()
        tx.delete(self._changed(), model, self.Item.id == item_id)
        tx.put(
            self._changed(),  # the trash key is the id: taken only if someone trashed it first
            self.record_model(R.item_record(item)),
            self.Item.folder.does_not_exist(),
        )
        tx.commit()
        return item

    def restore_item(self, item_id: str, name: str | None = None) -> MediaItem:
        model = self._locate(item_id)
        item = R.record_item(model.attribute_values)
        if item.deleted_at is None:
            raise InvalidInput("the item is not in the trash")
        target = validate_name(name) if name is not None else item.name
        item = item.with_changes(name=target, deleted_at=None)
        tx = self.transaction()
        self.require_folder(tx, item.folder, NotFound(f"folder {item.folder} no longer exists"))
        tx.delete(self._changed(), model, self.Item.id == item_id)
        tx.put(
            Conflict(f"'{target}' already exists in {item.folder}"),
            self.record_model(R.item_record(item)),
            self.Item.folder.does_not_exist(),
        )
        tx.commit()
        return item

    def list_trash(self, *, limit: int = 100, cursor: str | None = None) -> Page:
        limit = R.check_limit(limit)
        plan = R.TRASH_PLAN
        start = R.decode_cursor(cursor, plan, R.TRASH)
        results = self.Item.by_deleted.query(
            R.TRASH,
            scan_index_forward=False,
            last_evaluated_key=self._dynamo_key(start),
            page_size=limit + 1,
        )
        return self._page(results, limit, plan)

    def purge_item(self, item_id: str) -> None:
        """Forget the record; purging a missing item is not an error (sweeps may overlap)."""
        try:
            model = self._locate(item_id)
            model.delete(condition=self.Item.id == item_id)
        except NotFound:
            return
        except DeleteError as exc:
            if exc.cause_response_code != CHECK_FAILED:
                raise

    def items_with_status(
        self, status: str, *, older_than: datetime | None = None
    ) -> list[MediaItem]:
        condition = self.Item.uploaded_at < R.iso(older_than) if older_than else None
        hits = self.Item.by_status.query(str(status), condition)
        return [R.record_item(m.attribute_values) for m in hits]

    def find_by_sha256(self, sha256: str) -> list[MediaItem]:
        keys = sorted(
            (m.folder, m.name) for m in self.Item.by_sha256.query(sha256) if m.folder != R.TRASH
        )
        found = (self.get_record(folder, name) for folder, name in keys)
        return [R.record_item(m.attribute_values) for m in found if m is not None]

    def count(self) -> tuple[int, int]:
        items = folders = 0
        for m in self.Item.scan(attributes_to_get=["folder", "kind"]):
            if m.kind == R.FOLDER_KIND:
                folders += 1
            elif m.folder != R.TRASH:
                items += 1
        return items, folders

    # users

    def _user(self, model: Any) -> User:
        return User(
            name=model.name,
            password_hash=model.password_hash,
            token_version=int(model.token_version),
            created_at=R.parse_iso(model.created_at),
        )

    def add_user(self, user: User) -> User:
        model = self.User(
            user.name,
            password_hash=user.password_hash,
            token_version=user.token_version,
            created_at=R.iso(user.created_at),
        )
        try:
            model.save(condition=self.User.name.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                raise Conflict(f"user {user.name} already exists") from None
            raise
        return user

    def get_user(self, name: str) -> User | None:
        try:
            return self._user(self.User.get(name, consistent_read=True))
        except DoesNotExist:
            return None

    def list_users(self) -> list[User]:
        return sorted((self._user(m) for m in self.User.scan()), key=lambda u: u.name)

    def set_password(self, name: str, password_hash: str) -> User:
        model = self.User(name)
        try:
            model.update(
                actions=[
                    self.User.password_hash.set(password_hash),
                    self.User.token_version.add(1),
                ],
                condition=self.User.name.exists(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                raise NotFound(f"no user {name}") from None
            raise
        return self._user(model)

    def remove_user(self, name: str) -> None:
        try:
            self.User(name).delete(condition=self.User.name.exists())
        except DeleteError as exc:
            if exc.cause_response_code == CHECK_FAILED:
                raise NotFound(f"no user {name}") from None
            raise
