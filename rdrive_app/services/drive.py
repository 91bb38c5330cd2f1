"""The library as a tree of files, for the WebDAV server (``api/dav``): folders are folders, and
each item is its original under its own name.

A path names a folder or an item (``/2024/Rome/IMG_1.jpg``), in NFC: macOS sends names in NFD,
and both are the same entry. Items still uploading are not in the tree (their bytes are not
all there yet); trashed ones neither. A file's bytes are read through a seekable file of ranged
reads (``media/range_reader.py``), so a Range request never reads the whole original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from rdrive_app.core.domain import ROOT, Folder, MediaItem, Status, normalize_folder, split_path
from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.core.keys import original_key
from rdrive_app.media.range_reader import open_ranges
from rdrive_app.storage import Storage

PAGE = 500
READ_BLOCK = 256 * 1024  # one ranged read of storage per block a client reads


@dataclass(frozen=True, slots=True)
class Listing:
    folders: list[Folder]
    items: list[MediaItem]


class Drive:
    """Folders and items by path, and their bytes."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._catalog = storage.catalog

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
        folder = normalize_folder(self.normal(path))
        items: list[MediaItem] = []
        cursor: str | None = None
        while True:
            page = self._catalog.list_items(folder, limit=PAGE, cursor=cursor)
            items += [i for i in page.items if i.status is not Status.UPLOADING]
            cursor = page.next_cursor
            if not cursor:
                break
        return Listing(self._catalog.list_folders(folder), items)

    def open(self, item: MediaItem) -> BinaryIO:
        """The original's bytes as a seekable file, read from storage a block at a time."""
        key, blobs = original_key(item.id), self._storage.blobs
        return open_ranges(
            lambda start, length: blobs.read_range(key, start, length), item.size, READ_BLOCK
        )
