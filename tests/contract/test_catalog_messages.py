"""Both backends word every refusal alike: the API shows these messages to users as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rdrive_app.core.domain import MediaItem, User, utcnow
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, RDriveError
from rdrive_app.storage import Storage

MakeItem = Callable[..., MediaItem]


def said(error: type[RDriveError], call: Callable[[], Any]) -> str:
    """The message of the ``error`` that ``call`` raises."""
    with pytest.raises(error) as caught:
        call()
    return caught.value.detail


def test_folder_refusals(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/a")
    c.add_item(make_item("x.jpg", "/a"))
    assert said(Conflict, lambda: c.create_folder("/")) == "the root folder always exists"
    assert said(Conflict, lambda: c.create_folder("/a")) == "'a' already exists in /"
    assert said(NotFound, lambda: c.create_folder("/b/c")) == "folder /b does not exist"
    assert said(NotFound, lambda: c.get_folder("/b")) == "folder /b does not exist"
    assert said(NotFound, lambda: c.list_folders("/b")) == "folder /b does not exist"
    assert said(NotFound, lambda: c.list_items("/b")) == "folder /b does not exist"
    assert (
        said(InvalidInput, lambda: c.move_folder("/", "/z"))
        == "the root folder cannot be moved or replaced"
    )
    assert (
        said(InvalidInput, lambda: c.move_folder("/a", "/a/in"))
        == "a folder cannot be moved into itself"
    )
    assert said(NotFound, lambda: c.move_folder("/b", "/z")) == "folder /b does not exist"
    assert said(NotFound, lambda: c.move_folder("/a", "/b/z")) == "folder /b does not exist"
    c.create_folder("/taken")
    assert said(Conflict, lambda: c.move_folder("/a", "/taken")) == "'taken' already exists in /"
    assert said(InvalidInput, lambda: c.delete_folder("/")) == "the root folder cannot be deleted"
    assert said(Conflict, lambda: c.delete_folder("/a")) == "folder /a is not empty"
    assert said(NotFound, lambda: c.delete_folder("/b")) == "folder /b does not exist"


def test_item_refusals(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    c.create_folder("/a")
    item = c.add_item(make_item("x.jpg", "/a"))
    c.add_item(make_item("y.jpg", "/a"))
    assert said(Conflict, lambda: c.add_item(make_item("x.jpg", "/a"))) == (
        "'x.jpg' already exists in /a"
    )
    assert said(NotFound, lambda: c.add_item(make_item("x.jpg", "/b"))) == (
        "folder /b does not exist"
    )
    trashed = make_item("t.jpg", "/a", deleted_at=utcnow())
    assert said(InvalidInput, lambda: c.add_item(trashed)) == "a new item cannot be in the trash"
    assert said(NotFound, lambda: c.get_item("nope")) == "no such item"
    assert said(NotFound, lambda: c.trash_item("nope")) == "no such item"
    assert said(Conflict, lambda: c.rename_item(item.id, "/a", "y.jpg")) == (
        "'y.jpg' already exists in /a"
    )
    assert said(NotFound, lambda: c.rename_item(item.id, "/b", "x.jpg")) == (
        "folder /b does not exist"
    )
    assert said(InvalidInput, lambda: c.update_item(item.id, name="z.jpg")) == (
        "cannot change name this way"
    )
    assert said(InvalidInput, lambda: c.restore_item(item.id)) == "the item is not in the trash"
    c.trash_item(item.id)
    assert said(NotFound, lambda: c.rename_item(item.id, "/a", "z.jpg")) == (
        "the item is in the trash"
    )
    assert said(Conflict, lambda: c.restore_item(item.id, "y.jpg")) == (
        "'y.jpg' already exists in /a"
    )
    c.purge_item(c.list_items("/a").items[0].id)
    c.delete_folder("/a")
    assert said(NotFound, lambda: c.restore_item(item.id)) == "folder /a no longer exists"


def test_listing_refusals(storage: Storage) -> None:
    c = storage.catalog
    assert said(InvalidInput, lambda: c.list_items("/", limit=0)) == (
        "limit must be between 1 and 1000"
    )
    assert said(InvalidInput, lambda: c.list_trash(cursor="%%")) == "the cursor is not valid"


def test_user_refusals(storage: Storage) -> None:
    c = storage.catalog
    c.add_user(User(name="ann", password_hash="h"))
    assert said(Conflict, lambda: c.add_user(User(name="ann", password_hash="h"))) == (
        "user ann already exists"
    )
    assert said(NotFound, lambda: c.set_password("bob", "h", "id")) == "no user bob"
    assert said(NotFound, lambda: c.bump_token_version("bob", "id")) == "no user bob"
    assert said(NotFound, lambda: c.remove_user("bob")) == "no user bob"
