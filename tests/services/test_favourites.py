"""Favouriting a selection at once (the selection bar's "Favourite"), on both backends."""

from __future__ import annotations

import pytest

from rdrive_app.core.domain import MAX_SELECTION, Kind, Status
from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.services.items import ItemService
from rdrive_app.storage import Storage
from tests.services.test_processing import add


@pytest.fixture
def items(storage: Storage) -> ItemService:
    return ItemService(storage)


def test_a_selection_becomes_favourites_and_back(storage: Storage, items: ItemService) -> None:
    a, b, c = (add(storage, b"x", f"{n}.jpg", status=Status.READY) for n in "abc")
    items.set_favorite(b.id, True)  # already one: left as it is
    marked = items.set_favorites([a.id, b.id, a.id], True)  # a twice: once
    assert [m.id for m in marked] == [a.id, b.id]
    assert all(storage.catalog.get_item(i).favorite for i in (a.id, b.id))
    assert not storage.catalog.get_item(c.id).favorite
    cleared = items.set_favorites([a.id, b.id], False)
    assert not any(m.favorite for m in cleared)
    assert not any(storage.catalog.get_item(i).favorite for i in (a.id, b.id))


def test_one_bad_item_in_the_selection_changes_nothing(
    storage: Storage, items: ItemService
) -> None:
    photo = add(storage, b"x", "p.jpg", status=Status.READY)
    plain = storage.catalog.update_item(
        add(storage, b"%PDF", "t.pdf", status=Status.READY).id, kind=Kind.FILE
    )
    trashed = storage.catalog.trash_item(add(storage, b"x", "t.jpg", status=Status.READY).id)
    for ids, on, error, match in [
        ([photo.id, "nope"], True, NotFound, "nope"),
        ([photo.id, trashed.id], True, NotFound, "trash"),
        ([photo.id, plain.id], True, InvalidInput, "t.pdf"),
        ([photo.id], "yes", InvalidInput, "true or false"),
        ([], True, InvalidInput, "at least one"),
        (["x"] * (MAX_SELECTION + 1), True, InvalidInput, "at most"),
    ]:
        with pytest.raises(error, match=match):
            items.set_favorites(ids, on)
    assert not storage.catalog.get_item(photo.id).favorite
