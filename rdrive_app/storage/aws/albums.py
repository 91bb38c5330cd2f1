"""The albums' primitives on DynamoDB (the rules are catalog_albums'): each change is one
conditional transaction (``ALBUM_BATCH`` items: a member put or delete and an item update
each, plus one check of the album, stays under DynamoDB's 100 actions)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar

from pynamodb.expressions.condition import Condition

from rdrive_app.storage import records as R
from rdrive_app.storage.album_records import Step
from rdrive_app.storage.aws.models import ItemLookup, ItemModel, ItemTable, record

_LOOKUPS = 8  # id lookups in flight at once (each is a query of the id index)
_KEY = frozenset({"folder", "name"})


class DynamoAlbums:
    """Mixed into DynamoCatalog, which supplies the table and the id lookup."""

    ALBUM_BATCH: ClassVar[int] = 49
    table: ItemTable
    Item: type[ItemModel]

    _item_record: ItemLookup  # supplied by DynamoCatalog

    def _transact(self, steps: list[Step]) -> None:
        tx, table, Item = self.table.transaction(), self.table, self.Item
        for step in steps:
            if step.op == "put":
                tx.put(step.error, table.model(step.rec), table.key_free())
            elif step.op == "replace":
                assert step.old is not None
                tx.update(
                    step.error,
                    table.model(step.old),
                    table.changes(step.old, step.rec),
                    self._exactly(step.old),
                )
            elif step.op == "delete":
                tx.delete(step.error, table.model(step.rec), Item.kind == step.rec["kind"])
            else:
                rec = step.rec
                tx.check(step.error, Item, rec["folder"], rec["name"], Item.kind == rec["kind"])
        tx.commit()

    def _exactly(self, rec: R.Record) -> Condition:
        """The key still holds ``rec`` with every attribute as read."""
        if rec.get("id"):
            return self.table.same(rec)
        Item = self.Item
        cond = Item.kind == rec["kind"]
        for col in R.ITEM_COLUMNS:
            if col in _KEY or col == "kind":
                continue
            value = rec.get(col)
            cond &= (
                getattr(Item, col).does_not_exist()
                if value is None
                else (getattr(Item, col) == value)
            )
        return cond

    def _records_by_ids(self, ids: list[str], *, consistent: bool) -> dict[str, R.Record]:
        if not ids:
            return {}
        with ThreadPoolExecutor(min(_LOOKUPS, len(ids))) as pool:
            found = pool.map(lambda i: self._item_record(i, consistent=consistent), ids)
            return {rec["id"]: rec for rec in found if rec is not None}

    def _partition(self, folder: str) -> list[R.Record]:
        return [record(m) for m in self.Item.query(folder, consistent_read=True)]
