"""A processing result that lands between an operation's read and its write is never reverted.

Rename, move, trash, restore and folder moves read an item and write it back under a new key.
Each test here lets the operation read, then has another thread (as the Lambda or the worker
pool would) record the processing result, then lets the operation write. On DynamoDB, which has
no lock, the result lands in between and the operation's write must notice (its condition is
the record it read) and start again from the new record. On SQLite the operation holds the
write lock from its read to its write, so the result waits for the lock and lands after.
Either way the item ends ``ready`` in its new place, never back in ``processing``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import Storage

MakeItem = Callable[..., MediaItem]
RESULT: dict[str, Any] = {
    "status": Status.READY,
    "width": 640,
    "height": 480,
    "sha256": "cd" * 32,
    "thumbnails": {"s": "thumbs/x/s.webp"},
}
LOCK_WAIT_S = 0.5  # how long the hook waits for the other thread's write


@contextmanager
def result_lands_after(catalog: Any, primitive: str, item_id: str) -> Iterator[dict[str, Any]]:
    """After the first call of ``catalog.<primitive>`` (the operation's read), another thread
    writes the processing result to the item; ``landed`` says whether it was written before
    the operation went on (it was not when the operation holds a lock)."""
    real = getattr(catalog, primitive)
    state: dict[str, Any] = {"thread": None, "landed": None, "error": None}

    def write_result() -> None:
        try:
            catalog.update_item(item_id, **RESULT)
        except Exception as exc:  # re-raised in the test's thread
            state["error"] = exc

    def hooked(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if state["thread"] is None and kwargs.get("consistent", True):
            state["thread"] = thread = threading.Thread(target=write_result)
            thread.start()
            thread.join(LOCK_WAIT_S)
            state["landed"] = not thread.is_alive()
        return found

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalog, primitive, hooked)
        yield state
    assert state["thread"] is not None, f"{primitive} was never called"
    state["thread"].join()
    if state["error"] is not None:
        raise state["error"]


def _check_interleaving(settings: Settings, state: dict[str, Any]) -> None:
    if settings.backend is Backend.AWS:
        assert state["landed"], "the result should land between the read and the write"
    else:
        assert not state["landed"], "SQLite's write lock should hold the result back"


def _processing(catalog: Any, make_item: MakeItem, name: str = "a.jpg", folder: str = "/"):
    return catalog.add_item(make_item(name, folder, status=Status.PROCESSING))


def _assert_result_kept(item: MediaItem) -> None:
    assert item.status == Status.READY
    assert (item.width, item.height, item.sha256) == (640, 480, "cd" * 32)
    assert item.thumbnails == {"s": "thumbs/x/s.webp"}


@pytest.mark.parametrize("where", ["rename", "move"])
def test_rename_or_move_keeps_a_result_that_landed_meanwhile(
    storage: Storage, storage_settings: Settings, make_item: MakeItem, where: str
) -> None:
    c = storage.catalog
    c.create_folder("/other")
    item = _processing(c, make_item)
    folder, name = ("/", "b.jpg") if where == "rename" else ("/other", "a.jpg")
    with result_lands_after(c, "_item_record", item.id) as state:
        c.rename_item(item.id, folder, name)
    _check_interleaving(storage_settings, state)
    got = c.get_item(item.id)
    assert (got.folder, got.name) == (folder, name)
    _assert_result_kept(got)
    assert [i.id for i in c.items_with_status(Status.PROCESSING)] == []


def test_trash_keeps_a_result_that_landed_meanwhile(
    storage: Storage, storage_settings: Settings, make_item: MakeItem
) -> None:
    c = storage.catalog
    item = _processing(c, make_item)
    with result_lands_after(c, "_item_record", item.id) as state:
        c.trash_item(item.id)
    _check_interleaving(storage_settings, state)
    got = c.get_item(item.id)
    assert got.deleted_at is not None
    _assert_result_kept(got)
    assert [i.id for i in c.list_trash().items] == [item.id]


def test_restore_keeps_a_result_that_landed_meanwhile(
    storage: Storage, storage_settings: Settings, make_item: MakeItem
) -> None:
    c = storage.catalog
    item = _processing(c, make_item)
    c.trash_item(item.id)  # trashed while the Lambda was still at work
    with result_lands_after(c, "_item_record", item.id) as state:
        c.restore_item(item.id)
    _check_interleaving(storage_settings, state)
    got = c.get_item(item.id)
    assert (got.folder, got.name, got.deleted_at) == ("/", "a.jpg", None)
    _assert_result_kept(got)


def test_folder_move_keeps_a_result_that_landed_meanwhile(
    storage: Storage, storage_settings: Settings, make_item: MakeItem
) -> None:
    c = storage.catalog
    c.create_folder("/src")
    item = _processing(c, make_item, folder="/src")
    # DynamoDB moves a folder a batch of records at a time (aws/moves.py): the batch read is
    # the read; SQLite moves it in one statement after reading the folder's marker
    primitive = "first_records" if storage_settings.backend is Backend.AWS else "_read"
    with result_lands_after(c, primitive, item.id) as state:
        c.move_folder("/src", "/dst")
    _check_interleaving(storage_settings, state)
    got = c.get_item(item.id)
    assert got.folder == "/dst"
    _assert_result_kept(got)


def test_purge_of_what_was_read_spares_a_changed_item(
    storage: Storage, make_item: MakeItem
) -> None:
    """``purge_item(unchanged=...)`` deletes the record only while it is the one read."""
    c = storage.catalog
    item = _processing(c, make_item)
    c.trash_item(item.id)
    seen = c.get_item(item.id)  # as the trash sweep lists it
    c.restore_item(item.id)  # the other user restores it meanwhile
    assert c.purge_item(item.id, unchanged=seen) is False
    assert c.get_item(item.id).deleted_at is None
    again = c.trash_item(item.id)
    assert c.purge_item(item.id, unchanged=seen) is False  # trashed again: a new retention
    assert c.purge_item(item.id, unchanged=again) is True
    assert c.purge_item(item.id, unchanged=again) is False  # gone already
