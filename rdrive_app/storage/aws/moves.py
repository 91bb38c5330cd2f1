"""Moving a folder on DynamoDB: every record below it changes key, so it is resumable, not atomic.

DynamoDB cannot re-key a whole subtree in one transaction (100 writes at most), so a move goes:

1. claim the target: put its marker (only if the name is free) noting ``moving_from``;
2. move each partition below the source in transactions of at most 100 writes (a conditional
   delete and a conditional put per record), walking the *target* tree so that a re-run also
   finds subfolders whose markers already moved;
3. point trashed items that came from the subtree at its new place;
4. delete the source marker and clear ``moving_from`` together.

A crash in step 2 leaves both folders holding part of the content. Nothing is lost or
overwritten (every put requires a free key, every delete the same record), and running the same
move again resumes it: step 1 accepts a target whose ``moving_from`` is this source, and no
other move can take that target meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import UpdateError

from rdrive_app.core.domain import Folder, join_path, split_path
from rdrive_app.core.errors import Conflict, RDriveError
from rdrive_app.storage import catalog_errors as E
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.models import ItemTable
from rdrive_app.storage.aws.tx import CHECK_FAILED

MOVE_BATCH = 50  # records per transaction: a delete and a put each, 100 writes
MAX_RETRIES = 5

FirstRecords = Callable[[str, int], list[R.Record]]


class _Changed(RDriveError):
    """A record changed while its batch was being moved; the batch is read again."""


class FolderMove:
    """One move of ``src`` to ``dst`` (both normalised, checked by the caller).

    ``first_records`` reads a partition's first records; the catalog passes its own, so that
    whatever stands in for it (a fault-injection test) also sees the move's reads.
    """

    def __init__(self, table: ItemTable, src: str, dst: str, first_records: FirstRecords) -> None:
        self.table = table
        self.Item = table.Item
        self.src = src
        self.dst = dst
        self.first_records = first_records

    def run(self, created: datetime) -> None:
        self._claim_target(created)
        self._move_tree()
        while self.first_records(self.src, 1):  # something arrived meanwhile
            self._move_tree()
        self._update_trash_origins()
        self._finish()

    def _claim_target(self, created: datetime) -> None:
        parent, name = split_path(self.dst)
        tx = self.table.transaction()
        self.table.require_folder(tx, parent, E.folder_missing(parent))
        tx.put(
            E.name_taken(parent, name),
            self.table.model(R.folder_record(Folder(self.dst, created), moving_from=self.src)),
            self.table.key_free(),
        )
        try:
            tx.commit()
        except Conflict:
            existing = self.table.get(parent, name)
            if existing is None or existing.get("moving_from") != self.src:
                raise
            # the same move was interrupted before: resume it

    def _move_tree(self) -> None:
        stack = [(self.src, self.dst)]
        while stack:
            src, dst = stack.pop()
            self._move_partition(src, dst)
            stack.extend(
                (join_path(src, rec["name"]), join_path(dst, rec["name"]))
                for rec in self.table.subfolders(dst)
            )

    def _move_partition(self, src: str, dst: str) -> None:
        retries = 0
        while batch := self.first_records(src, MOVE_BATCH):
            tx = self.table.transaction()
            for rec in batch:
                tx.delete(_Changed("changed"), self.table.model(rec), self.table.same(rec))
                tx.put(
                    Conflict(
                        f"'{rec['name']}' already exists in {dst}: the move stopped part-way "
                        "(nothing was lost; both folders hold part of the content)"
                    ),
                    self.table.put_model({**rec, "folder": dst}),  # stamped: search.py
                    self.table.key_free(),
                )
            try:
                tx.commit()
            except _Changed:
                retries += 1
                if retries > MAX_RETRIES:
                    raise Conflict("the folder kept changing while moving; move it again") from None

    def _update_trash_origins(self) -> None:
        """Trashed items from the moved folder will restore into its new place."""
        Item, src = self.Item, self.src
        moved = (Item.orig_folder == src) | Item.orig_folder.startswith(src + "/")
        for model in Item.query(R.TRASH, filter_condition=moved, consistent_read=True):
            old = model.orig_folder
            try:
                model.update(
                    actions=[Item.orig_folder.set(self.dst + old[len(src) :])],
                    condition=Item.orig_folder == old,
                )
            except UpdateError as exc:
                if exc.cause_response_code != CHECK_FAILED:
                    raise

    def _finish(self) -> None:
        Item = self.Item
        tx = self.table.transaction()
        src_marker = self.table.model(R.folder_record(Folder(self.src)))
        dst_marker = self.table.model(R.folder_record(Folder(self.dst)))
        tx.delete(E.folder_missing(self.src), src_marker, Item.kind == R.FOLDER_KIND)
        tx.update(
            Conflict("the folder was moved by someone else meanwhile"),
            dst_marker,
            [Item.moving_from.remove()],
            Item.moving_from == self.src,
        )
        tx.commit()
