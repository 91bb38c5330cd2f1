"""DynamoDB only: a folder move that crashes part-way loses nothing and can be run again.

(SQLite moves a folder in one transaction, so there is no part-way state to test there.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import Conflict, NotFound
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import Storage
from rdrive_app.storage.aws import tx as dynamo_tx
from rdrive_app.storage.protocols import Catalog

MakeItem = Callable[..., MediaItem]


@pytest.fixture
def aws(storage_settings: Settings, request: pytest.FixtureRequest) -> Storage:
    if storage_settings.backend is not Backend.AWS:
        pytest.skip("the SQLite catalog moves a folder in one transaction")
    return request.getfixturevalue("storage")


@contextmanager
def crash_on_commit(n: int) -> Iterator[None]:
    """Make the n-th transaction from now on fail as if the process died before sending it."""
    real = dynamo_tx.Transaction.commit
    calls = {"n": 0}

    def commit(self: dynamo_tx.Transaction) -> None:
        calls["n"] += 1
        if calls["n"] == n:
            raise RuntimeError("crash")
        real(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dynamo_tx.Transaction, "commit", commit)
        yield


@pytest.mark.parametrize("crash_at", [3, 5], ids=["mid-content", "before-finish"])
def test_interrupted_move_resumes(aws: Storage, make_item: MakeItem, crash_at: int) -> None:
    c = aws.catalog
    c.create_folder("/src")
    c.create_folder("/src/sub")
    ids = {c.add_item(make_item(f"{n:03d}.jpg", "/src")).id for n in range(55)}
    ids.add(c.add_item(make_item("deep.jpg", "/src/sub")).id)
    # transactions: 1 claim, 2-3 the 56 records of /src, 4 /src/sub, 5 finish
    with crash_on_commit(crash_at), pytest.raises(RuntimeError):
        c.move_folder("/src", "/dst")

    seen = [i for f in ("/src", "/dst", "/src/sub", "/dst/sub") for i in _ids_in(c, f)]
    assert sorted(seen) == sorted(ids)  # nothing lost, nothing doubled
    c.move_folder("/src", "/dst")  # run it again: it resumes
    assert {i.id for i in c.list_items("/dst", limit=1000).items} | {
        i.id for i in c.list_items("/dst/sub").items
    } == ids
    assert [f.path for f in c.list_folders("/")] == ["/dst"]
    assert c.get_folder("/dst").path == "/dst"


def test_another_move_cannot_take_a_claimed_target(aws: Storage, make_item: MakeItem) -> None:
    c = aws.catalog
    c.create_folder("/a")
    c.create_folder("/b")
    c.add_item(make_item("x.jpg", "/a"))
    with crash_on_commit(2), pytest.raises(RuntimeError):
        c.move_folder("/a", "/target")
    with pytest.raises(Conflict):
        c.move_folder("/b", "/target")  # /target is /a's, half-moved
    c.move_folder("/a", "/target")
    assert [i.name for i in c.list_items("/target").items] == ["x.jpg"]


def _ids_in(catalog: Catalog, folder: str) -> list[str]:
    try:
        return [i.id for i in catalog.list_items(folder, limit=1000).items]
    except NotFound:
        return []


def test_a_write_racing_a_rename_finds_the_item_where_it_went(
    aws: Storage, make_item: MakeItem
) -> None:
    """The id index named the old key, the rename left it before the read: the write looks the
    item up again instead of calling it gone (processing left such an item in ``processing``)."""
    c = aws.catalog
    c.create_folder("/a")
    item = c.add_item(make_item("x.jpg", "/a"))
    real_get = c.table.get  # type: ignore[attr-defined]
    raced: list[bool] = []

    def get(folder: str, name: str) -> object:
        if not raced:
            raced.append(True)
            c.rename_item(item.id, "/a", "y.jpg")  # between the index query and this read
        return real_get(folder, name)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(c.table, "get", get)  # type: ignore[attr-defined]
        updated = c.update_item(item.id, favorite=True)
    assert raced and (updated.name, updated.favorite) == ("y.jpg", True)
    assert c.get_item(item.id).favorite
