"""The library as a tree of files, for the WebDAV server (``api/dav``): folders are folders, and
each item is its original under its own name.

A path names a folder or an item (``/2024/Rome/IMG_1.jpg``), in NFC: macOS sends names in NFD,
and both are the same entry. Items still uploading are not in the tree (their bytes are not
all there yet); trashed ones neither. A file's bytes are read through a seekable file of ranged
reads (``media/range_reader.py``), so a Range request never reads the whole original.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from rdrive_app.core.domain import ROOT, Folder, MediaItem, Status, normalize_folder, split_path
from rdrive_app.core.errors import Conflict, InvalidInput, LostRace, NotFound
from rdrive_app.core.keys import original_key
from rdrive_app.media.range_reader import open_ranges
from rdrive_app.services.copies import can_copy_in_store, copy_in_store
from rdrive_app.services.folders import FolderService
from rdrive_app.services.items import ItemService, forget_item
from rdrive_app.services.uploads import UploadService
from rdrive_app.services.uploads.direct import StreamedUpload
from rdrive_app.storage import Storage

PAGE = 500
READ_BLOCK = 1024 * 1024  # one ranged read of storage per block a client reads


@dataclass(frozen=True, slots=True)
class Listing:
    folders: list[Folder]
    items: list[MediaItem]


class Drive:
    """Folders and items by path, their bytes, and the changes a file client makes (each the
    same use-case the web page runs: an upload, a rename or move, the trash)."""

    def __init__(
        self,
        storage: Storage,
        uploads: UploadService,
        items: ItemService,
        folders: FolderService,
        *,
        url_lifetime_s: int = 3600,
    ) -> None:
        self._storage, self._url_lifetime_s = storage, url_lifetime_s
        self._catalog = storage.catalog
        self._uploads, self._items, self._folders = uploads, items, folders

    @staticmethod
    def normal(path: str) -> str:
        """``path`` in NFC, without a trailing slash ("/" for the root)."""
        text = unicodedata.normalize("NFC", path)
        return "/" + text.strip("/") if text.strip("/") else ROOT

    def folder(self, path: str) -> Folder | None:
        try:
            return self._catalog.get_folder(normalize_folder(self.normal(path)))
        except (NotFound, InvalidInput):
            return None

    def item(self, path: str) -> MediaItem | None:
        """The item at ``path`` (a folder's path and a name), or None."""
        normal = self.normal(path)
        if normal == ROOT:
            return None
        try:
            folder, name = split_path(normal)
            found = self._catalog.item_named(folder, name)
        except (NotFound, InvalidInput):
            return None
        if found is None or found.deleted_at is not None or found.status is Status.UPLOADING:
            return None
        return found

    def listing(self, path: str) -> Listing:
        """Everything a folder holds: its subfolders and its items (every page)."""
        return Listing(self.folders_in(path), list(self.items_in(path)))

    def folders_in(self, path: str) -> list[Folder]:
        return self._catalog.list_folders(normalize_folder(self.normal(path)))

    def items_in(self, path: str) -> Iterator[MediaItem]:
        """A folder's items a page at a time (a 10 000-photo folder is never all in memory)."""
        folder = normalize_folder(self.normal(path))
        cursor: str | None = None
        while True:
            page = self._catalog.list_items(folder, limit=PAGE, cursor=cursor)
            yield from (i for i in page.items if i.status is not Status.UPLOADING)
            cursor = page.next_cursor
            if not cursor:
                return

    def open(self, item: MediaItem) -> BinaryIO:
        """The original's bytes as a seekable file, read from storage a block at a time."""
        key, blobs = original_key(item.id), self._storage.blobs
        return open_ranges(
            lambda start, length: blobs.read_range(key, start, length), item.size, READ_BLOCK
        )

    def space(self) -> tuple[int, int] | None:
        """(bytes the library holds, bytes free for more) where the backend can say (the local
        disk), else None."""
        return self._storage.space.space() if self._storage.space is not None else None

    def offloaded_url(self, item: MediaItem) -> str | None:
        """A signed URL of the original that the store serves itself (S3), or None where
        this process would serve it anyway (the local store)."""
        if not self._storage.store_serves_urls:
            return None
        return self._storage.blobs.signed_get_url(
            original_key(item.id),
            expires_in=self._url_lifetime_s,
            content_type=item.content_type,
            download_name=item.name,
        )

    # changes
    def make_folder(self, path: str) -> Folder:
        return self._folders.create_folder(self.normal(path))

    def put(
        self, username: str, path: str, stream: BinaryIO, size: int, content_type: str
    ) -> MediaItem:
        """Store a whole file at ``path`` (a body of unknown length, spooled; a copy)."""
        folder, name = split_path(self.normal(path))
        made = self._uploads.upload_stream(
            username, folder, name, stream, size, content_type, empty_ok=True
        )
        return self._settle(made, name)

    def begin_put(self, username: str, path: str, size: int, content_type: str) -> PendingPut:
        """A file of ``size`` bytes for ``path`` whose bytes go to storage as they arrive;
        refused before any of them if it may not be stored."""
        folder, name = split_path(self.normal(path))
        upload = self._uploads.begin_stream(username, folder, name, size, content_type)
        return PendingPut(self, upload, name)

    def _settle(self, made: MediaItem, name: str) -> MediaItem:
        """Put a stored file under ``name``: a new item, or a new version of the item there,
        whose old version goes to the trash (never away). An empty old version holds nothing
        to lose (Finder and Explorer write one, then its bytes): it is replaced."""
        if made.name == name:
            return made
        existing = self._catalog.item_named(made.folder, name)
        # (an upload still arriving under that name keeps it: this one loses the race)
        if existing is not None and existing.status is not Status.UPLOADING:
            if existing.size == 0:
                forget_item(self._catalog, self._storage.blobs, existing)
            else:  # the old version goes alone: its sidecars belong to the new one
                self._items.trash(existing.id, with_sidecars=False)
        try:
            return self._items.rename_or_move(made.id, name=name)
        except Conflict:  # another client stored that name meanwhile: it wins, this waits
            self._items.trash(made.id)
            raise LostRace(
                f"“{name}” was stored by another client meanwhile; this version is in the trash"
            ) from None

    def copy_item(self, username: str, item: MediaItem, path: str) -> MediaItem:
        """A new item at ``path`` with ``item``'s bytes: copied by the store (services/copies),
        or, while the item is still being processed, read and uploaded again."""
        if not can_copy_in_store(item) or self.item(path) is not None:
            with self.open(item) as source:
                return self.put(username, path, source, item.size, item.content_type)
        folder, name = split_path(self.normal(path))
        self._catalog.get_folder(folder)  # NotFound (409 to a client) without a parent
        return copy_in_store(self._storage, item, folder, name, username)

    def move_item(self, item: MediaItem, path: str) -> MediaItem:
        folder, name = split_path(self.normal(path))
        return self._items.rename_or_move(item.id, name=name, folder=folder)

    def move_folder(self, path: str, new_path: str) -> Folder:
        return self._folders.move_folder(self.normal(path), self.normal(new_path))

    def trash(self, item: MediaItem) -> None:
        self._items.trash(item.id)

    def remove_folder(self, path: str) -> None:
        """Remove a folder and what is under it: its items go to the trash (never away), then
        the folders go, deepest first (a MOVE or COPY over a folder replaces it so)."""
        normal = self.normal(path)
        listing = self.listing(normal)
        for sub in listing.folders:
            self.remove_folder(sub.path)
        for item in listing.items:
            with contextlib.suppress(NotFound):  # a sidecar went with its photo already
                self._items.trash(item.id)
        self._folders.delete_folder(normal)


class PendingPut:
    """A file being written to ``Drive`` as its bytes arrive (a WebDAV PUT)."""

    def __init__(self, drive: Drive, upload: StreamedUpload, name: str) -> None:
        self._drive, self._upload, self._name = drive, upload, name

    def write(self, chunk: bytes) -> None:
        self._upload.write(chunk)

    def finish(self) -> MediaItem:
        """All bytes are in: check them and put the file under its name."""
        return self._drive._settle(self._upload.finish(), self._name)

    def abort(self) -> None:
        """The body broke off: forget what arrived."""
        self._upload.abort()
