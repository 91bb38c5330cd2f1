"""Every catalog error a user reads, worded once for both backends.

The API shows an RDriveError's message as it is, so the SQLite and DynamoDB catalogs must say
the same thing for the same refusal; they build their errors here rather than writing the text.
Each is a function, so every raise gets a fresh exception (and traceback).
"""

from __future__ import annotations

from rdrive_app.core.errors import Conflict, InvalidInput, NotFound

# folders


def folder_missing(path: str) -> NotFound:
    return NotFound(f"folder {path} does not exist")


def folder_gone(path: str) -> NotFound:
    """A trashed item's folder was deleted after it was trashed."""
    return NotFound(f"folder {path} no longer exists")


def name_taken(folder: str, name: str) -> Conflict:
    return Conflict(f"'{name}' already exists in {folder}")


def folder_not_empty(path: str) -> Conflict:
    return Conflict(f"folder {path} is not empty")


def root_exists() -> Conflict:
    return Conflict("the root folder always exists")


def root_not_movable() -> InvalidInput:
    return InvalidInput("the root folder cannot be moved or replaced")


def root_not_deletable() -> InvalidInput:
    return InvalidInput("the root folder cannot be deleted")


def move_into_itself() -> InvalidInput:
    return InvalidInput("a folder cannot be moved into itself")


# items


def no_item() -> NotFound:
    return NotFound("no such item")


def new_item_trashed() -> InvalidInput:
    return InvalidInput("a new item cannot be in the trash")


def item_trashed() -> NotFound:
    return NotFound("the item is in the trash")


def item_not_trashed() -> InvalidInput:
    return InvalidInput("the item is not in the trash")


class ItemChanged(Conflict):
    """A conditional write found the item moved or changed since it was read: the catalog
    reads it again and retries (catalog_base), so a caller sees it only if that keeps failing."""


def item_changed() -> ItemChanged:
    """A conditional write found the item moved or changed since it was read."""
    return ItemChanged("the item changed meanwhile; try again")


def item_kept_changing() -> Conflict:
    return Conflict("the item kept changing; try again")


# users


def user_exists(name: str) -> Conflict:
    return Conflict(f"user {name} already exists")


def no_user(name: str) -> NotFound:
    return NotFound(f"no user {name}")


# albums


def no_album() -> NotFound:
    return NotFound("no such album")


def album_name_taken(name: str) -> Conflict:
    return Conflict(f"an album called '{name}' already exists")


def album_changed() -> ItemChanged:
    """The album (or an item being added) changed between the read and the write."""
    return ItemChanged("the album changed meanwhile; try again")


def unknown_items(ids: list[str]) -> NotFound:
    return NotFound(f"no such item: {_some(ids)}")


def items_not_shown(ids: list[str]) -> Conflict:
    return Conflict(
        f"only photos and videos, not in the trash nor still uploading, can join an album: "
        f"{_some(ids)}; "
        "nothing was added"
    )


def not_in_album() -> InvalidInput:
    return InvalidInput("the cover must be an item in this album")


def newer_needs_cursor() -> InvalidInput:
    """Paging upwards (the timeline's or an album's) starts from a position."""
    return InvalidInput("newer items need a cursor to start from")


def bad_ids(most: int) -> InvalidInput:
    return InvalidInput(f"send a list of 1 to {most} item ids")


def _some(ids: list[str]) -> str:
    """The ids, shortened when there are many (the message stays a sentence)."""
    shown = ", ".join(ids[:10])
    return shown + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
