"""Items as the user sees them: list a folder page by page, look one up, rename, move, trash;
favourite one or a selection, set or shift the date taken (core/edits.py has the date rules),
describe and tag one, tag a selection (core/tags.py has the tag rules).

Rename and move are metadata-only (blob keys are ids); every clash raises Conflict and nothing
is overwritten. Deleting moves an item to the trash; purging removes its record, then its blobs.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

from rdrive_app.core.domain import (
    Kind,
    MediaItem,
    Status,
    normalize_folder,
    numbered_name,
    selection,
    utcnow,
    validate_name,
)
from rdrive_app.core.edits import check_shift, parse_taken_at, shifted
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.core.keys import derived_prefix
from rdrive_app.core.listing import Page, SortOrder
from rdrive_app.core.tags import check_description, check_tags, with_tags
from rdrive_app.services.sidecars import (
    attach_sidecars,
    move_sidecars,
    sidecars_beside,
    trash_sidecars,
    trashed_with,
)
from rdrive_app.storage import Storage
from rdrive_app.storage.protocols import BlobStore, Catalog

MAX_PAGE = 200
MAX_FREE_NAME_TRIES = 1000
SELECTION_WORKERS = 16  # catalog calls in flight at once for a selection (DynamoDB: ~1000/s)


def parse_kind(kind: object) -> Kind | None:
    """'' / 'all' / None → every kind; 'image'/'photos', 'video'/'videos', 'file'/'files' →
    that kind."""
    if kind in (None, "", "all"):
        return None
    aliases = {
        "image": Kind.IMAGE,
        "photo": Kind.IMAGE,
        "photos": Kind.IMAGE,
        "video": Kind.VIDEO,
        "videos": Kind.VIDEO,
        "file": Kind.FILE,
        "files": Kind.FILE,
    }
    if isinstance(kind, str) and kind.lower() in aliases:
        return aliases[kind.lower()]
    raise InvalidInput("kind must be one of: all, image, video")


def parse_sort(sort: object) -> SortOrder:
    """'name' (default), 'taken' or 'uploaded'."""
    if sort in (None, ""):
        return SortOrder.NAME
    try:
        return SortOrder(str(sort))
    except ValueError:
        raise InvalidInput("sort must be one of: name, taken, uploaded") from None


class ItemService:
    """Browse and organise items (both accounts share one library)."""

    def __init__(self, storage: Storage, trash_retention_days: int = 30) -> None:
        self._catalog = storage.catalog
        self._blobs = storage.blobs
        self._retention = timedelta(days=trash_retention_days)

    def list_page(
        self,
        folder: object,
        *,
        kind: object = None,
        sort: object = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        """One page of a folder's items; never the whole folder. A client's housekeeping files
        (core.housekeeping) are left out, so a page may hold fewer than ``limit``."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
        path = normalize_folder(folder)
        self._catalog.get_folder(path)
        page = self._catalog.list_items(
            path, kind=parse_kind(kind), sort=parse_sort(sort), limit=limit, cursor=cursor or None
        )
        return replace(page, items=[i for i in page.items if not i.housekeeping])

    def get(self, item_id: object) -> MediaItem:
        """An item that is not in the trash; NotFound otherwise."""
        item = self._get_any(item_id)
        if item.deleted_at is not None:
            raise NotFound("no such item (it is in the trash)")
        return item

    def _get_any(self, item_id: object) -> MediaItem:
        if not isinstance(item_id, str) or not item_id or len(item_id) > 64:
            raise NotFound("no such item")
        return self._catalog.get_item(item_id)

    def rename_or_move(
        self, item_id: object, *, name: object = None, folder: object = None
    ) -> MediaItem:
        """Give an item a new name and/or folder in one conditional write (409 on a clash);
        its sidecars beside it follow (services/sidecars.py)."""
        item = self.get(item_id)
        new_name = validate_name(name) if name is not None else item.name
        new_folder = normalize_folder(folder) if folder is not None else item.folder
        if (new_name, new_folder) == (item.name, item.folder):
            return item
        self._catalog.get_folder(new_folder)
        if self._catalog.name_taken(new_folder, new_name):
            where = "this folder" if new_folder == item.folder else new_folder
            raise Conflict(f"“{new_name}” already exists in {where}")
        moved = self._catalog.rename_item(item.id, new_folder, new_name)
        move_sidecars(self._catalog, item, moved)
        return attach_sidecars(self._catalog, self._blobs, moved)  # its new name may match

    def set_favorite(self, item_id: object, on: object) -> MediaItem:
        """Mark an item a favourite (``on`` True) or not."""
        flag = _favourite_flag(on)
        item = _favourable(self.get(item_id))
        return self._catalog.update_item(item.id, favorite=flag)

    def set_favorites(self, ids: object, on: object) -> list[MediaItem]:
        """Mark a selection favourites (``on`` True) or not. As for shift_dates, every id (404
        for an unknown or trashed one) and every item (a plain file cannot be one: 400) is
        checked before anything changes; an item already so is left as it is."""
        flag, chosen = _favourite_flag(on), selection(ids)
        with ThreadPoolExecutor(SELECTION_WORKERS) as pool:  # a round trip each, overlapped
            items = list(pool.map(lambda i: _favourable(self._chosen(i)), chosen))
            return list(
                pool.map(
                    lambda i: (
                        i if i.favorite == flag else self._catalog.update_item(i.id, favorite=flag)
                    ),
                    items,
                )
            )

    def set_taken_at(self, item_id: object, when: object) -> MediaItem:
        """Set the date an item was taken (core/edits.py: ISO 8601, naive is UTC, 1826 to a
        day ahead); it is then fixed: processing the item again keeps it."""
        taken = parse_taken_at(when, utcnow())
        item = self._datable(item_id)
        return self._catalog.update_item(item.id, taken_at=taken, date_fixed=True)

    def shift_dates(self, ids: object, seconds: object) -> list[MediaItem]:
        """Move the date taken of a selection by ``seconds`` (a camera's wrong clock or time
        zone); an item with no date taken moves from its upload date. Every id is checked,
        and every new date, before anything changes."""
        chosen, delta, now = selection(ids), check_shift(seconds), utcnow()
        with ThreadPoolExecutor(SELECTION_WORKERS) as pool:  # a round trip each, overlapped
            items = list(pool.map(self._datable, chosen))
            moved = [(item.id, shifted(item.sort_date, delta, now)) for item in items]
            return list(
                pool.map(
                    lambda m: self._catalog.update_item(m[0], taken_at=m[1], date_fixed=True), moved
                )
            )

    def describe(self, item_id: object, text: object) -> MediaItem:
        """Set an item's description (free text; '' clears it); it is found by its words."""
        description = check_description(text)
        return self._catalog.update_item(self.get(item_id).id, description=description)

    def set_tags(self, item_id: object, tags: object) -> MediaItem:
        """Replace an item's tags (normalised, each once, in the order given; [] clears)."""
        clean = check_tags(tags)
        return self._catalog.update_item(self.get(item_id).id, tags=clean)

    def edit_tags(self, ids: object, add: object = (), remove: object = ()) -> list[MediaItem]:
        """Add and remove tags on a selection. As for shift_dates, every id (404 for an unknown
        or trashed one) and every item's new tags (at most MAX_TAGS) are checked before
        anything changes."""
        chosen = selection(ids)
        added, removed = check_tags(add), check_tags(remove)
        if not added and not removed:
            raise InvalidInput("choose a tag to add or to remove")
        if both := set(added) & set(removed):
            raise InvalidInput(f"“{min(both)}” cannot be both added and removed")
        with ThreadPoolExecutor(SELECTION_WORKERS) as pool:  # a round trip each, overlapped
            items = list(pool.map(self._chosen, chosen))
            edits = [(item.id, with_tags(item.tags, added, removed)) for item in items]
            return list(pool.map(lambda e: self._catalog.update_item(e[0], tags=e[1]), edits))

    def _chosen(self, item_id: object) -> MediaItem:
        """An item of a selection (not trashed); NotFound names the id that is not one."""
        try:
            return self.get(item_id)
        except NotFound as exc:
            raise NotFound(f"{exc.detail}: {item_id}") from None

    def _datable(self, item_id: object) -> MediaItem:
        """An item whose date may be set: stored, not trashed, not being processed (which
        would write the camera's date over it)."""
        item = self._chosen(item_id)
        if item.kind == Kind.FILE:
            raise InvalidInput(f"“{item.name}” is not a photo or video; it has no date taken")
        if item.status == Status.UPLOADING:
            raise Conflict(f"“{item.name}” has not finished uploading")
        if item.status == Status.PROCESSING:
            raise Conflict(f"“{item.name}” is still being processed; try again in a moment")
        return item

    def trash(self, item_id: object, *, with_sidecars: bool = True) -> MediaItem:
        """Move an item to the trash (it can be restored), with the sidecars beside it unless
        it is an old version being replaced (the new one takes them)."""
        item = self.get(item_id)
        trashed = self._catalog.trash_item(item.id)
        if with_sidecars:
            trash_sidecars(self._catalog, item)
        return trashed

    def restore(self, item_id: object) -> MediaItem:
        """Put a trashed item back, with the sidecars trashed with it; a name taken meanwhile
        gets the next free one."""
        item = self._get_any(item_id)
        if item.deleted_at is None:
            raise NotFound("that item is not in the trash")
        restored = self._restore_one(item)
        for sidecar_id in trashed_with(self._catalog, item):
            with contextlib.suppress(Conflict, NotFound):
                self._restore_one(self._catalog.get_item(sidecar_id))
        return restored

    def sidecars_of(self, item: MediaItem) -> list[MediaItem]:
        """The sidecars beside ``item`` (services/sidecars.py)."""
        return sidecars_beside(self._catalog, item)

    def _restore_one(self, item: MediaItem) -> MediaItem:
        self._recreate_folder(item.folder)
        for n in range(MAX_FREE_NAME_TRIES):
            try:
                return self._catalog.restore_item(item.id, numbered_name(item.name, n))
            except Conflict:
                continue
        raise Conflict(f"no free name for “{item.name}” in {item.folder}")

    def _recreate_folder(self, path: str) -> None:
        """A restored item's folder may have been deleted meanwhile: make it again."""
        current = ""
        for segment in [s for s in path.split("/") if s]:
            current += "/" + segment
            try:
                self._catalog.get_folder(current)
            except NotFound:
                with contextlib.suppress(Conflict):
                    self._catalog.create_folder(current)

    def list_trash(self, *, limit: int = 100, cursor: str | None = None) -> Page:
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
        return self._catalog.list_trash(limit=limit, cursor=cursor or None)

    def purge(self, item_id: object) -> None:
        """Delete a trashed item for good: its record, then its blobs.

        Conflict when it is not in the trash, or no longer as read (restored meanwhile).
        """
        item = self._get_any(item_id)
        if item.deleted_at is None:
            raise Conflict("move the item to the trash before deleting it forever")
        if not self._forget(item):
            self._catalog.get_item(item.id)  # NotFound when someone else purged it first
            raise Conflict("the item changed meanwhile (restored?); it was not deleted")

    def _forget(self, item: MediaItem) -> bool:
        return forget_item(self._catalog, self._blobs, item)

    def empty_expired_trash(self, now: datetime | None = None) -> int:
        """Purge what has been in the trash longer than the retention period; returns how many."""
        cutoff = (now or utcnow()) - self._retention
        purged, cursor = 0, None
        while True:
            page = self._catalog.list_trash(limit=MAX_PAGE, cursor=cursor)
            for item in page.items:
                if item.deleted_at is not None and item.deleted_at < cutoff:
                    purged += self._forget(item)
            if page.next_cursor is None:
                return purged
            cursor = page.next_cursor


def forget_item(catalog: Catalog, blobs: BlobStore, item: MediaItem) -> bool:
    """Purge ``item`` as it was read: the record only if it still is that (a restore since
    keeps it), and the blobs only once the record is gone (a failure in between leaves
    blobs no item owns, which the reconciler deletes, never an item without its bytes)."""
    if not catalog.purge_item(item.id, unchanged=item):
        return False
    blobs.delete(item.original_key)
    blobs.delete_prefix(derived_prefix(item.id))
    return True


def _favourite_flag(on: object) -> bool:
    if not isinstance(on, bool):
        raise InvalidInput("favorite must be true or false")
    return on


def _favourable(item: MediaItem) -> MediaItem:
    """A favourite is a photo or a video: a plain file is never one."""
    if item.kind == Kind.FILE:
        raise InvalidInput(f"“{item.name}” is not a photo or video; it cannot be a favourite")
    return item
