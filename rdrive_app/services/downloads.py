"""ZIP downloads that stream: stored (photos and videos are compressed already), ZIP64, sized.

Entries are read from storage chunk by chunk while the response is being sent, so a ZIP of many
gigabytes starts at once and the server's memory stays flat. Names inside the ZIP are the items'
names (already free of '/', '..' and control characters), made unique, under their folder path;
a Live Photo is its two files, each under its own name.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from rdrive_app.core.domain import MediaItem, Status, normalize_folder, numbered_name, split_path
from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.core.listing import StoredFile
from rdrive_app.services.read_ahead import ReadAhead
from rdrive_app.services.zip_writer import StoredZip, ZipEntry
from rdrive_app.storage import Storage

MAX_ZIP_ITEMS = 500
PAGE = 200
ZIP_CHUNK = 4 * 1024 * 1024  # fewer, larger writes: the response sends each from a thread
log = logging.getLogger(__name__)
Zipped = MediaItem | StoredFile  # all an entry needs: name, size, CRC-32, time, key, motion


@dataclass
class ZipDownload:
    """A ready-to-stream ZIP: its file name, exact length and the chunks."""

    filename: str
    length: int
    chunks: Iterator[bytes]


def _reader(storage: Storage, key: str) -> Callable[[], Iterator[bytes]]:
    """The blob's chunks, opened only when the ZIP writer reaches its entry."""
    return lambda: storage.blobs.iter_chunks(key, ZIP_CHUNK)


def _store_crc(storage: Storage, item_id: str, motion_key: str | None, crc: int) -> None:
    """Keep a CRC-32 the ZIP computed on the way (the item's, or its video half's), so the
    next ZIP of it is a copy."""
    catalog = storage.catalog
    try:
        if motion_key is None:
            catalog.update_item(item_id, crc32=crc)
            return
        motion = catalog.get_item(item_id).motion
        if motion is not None and motion.key == motion_key:
            catalog.update_item(item_id, motion=dataclasses.replace(motion, crc32=crc))
    except NotFound:
        log.info("item %s went while its ZIP was sent; its CRC-32 is not kept", item_id)


def shared_in_zip(item: Zipped) -> bool:
    """A folder's ZIP holds what the web page lists: stored items, not housekeeping files."""
    return item.status != Status.UPLOADING and not item.housekeeping


class DownloadService:
    """Builds streamed ZIPs of chosen items or of a whole folder."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def _zip(self, entries: Sequence[tuple[str, Zipped]], filename: str) -> ZipDownload:
        files: list[ZipEntry] = []
        used: set[str] = set()
        storage = self._storage
        for prefix, item in entries:
            files.append(ZipEntry(
                self._unique(used, prefix, item.name), item.size, item.crc32,
                _reader(storage, item.original_key), item.uploaded_at,
                functools.partial(_store_crc, storage, item.id, None),
            ))  # fmt: skip
            motion = item.motion
            if motion is not None and motion.name:  # a Live Photo's video half, as it came
                files.append(ZipEntry(
                    self._unique(used, prefix, motion.name), motion.size, motion.crc32,
                    _reader(storage, motion.key), item.uploaded_at,
                    functools.partial(_store_crc, storage, item.id, motion.key),
                ))  # fmt: skip
        stream = StoredZip(files)
        # read ahead: the next block is read from storage while this one is sent
        return ZipDownload(filename=filename, length=len(stream), chunks=ReadAhead(iter(stream)))

    @staticmethod
    def _unique(used: set[str], prefix: str, name: str) -> str:
        for n in range(10_000):
            candidate = f"{prefix}{numbered_name(name, n)}"
            if candidate.casefold() not in used:
                used.add(candidate.casefold())
                return candidate
        raise InvalidInput("too many files with the same name")

    def zip_items(self, ids: object) -> ZipDownload:
        """The chosen items, flat; trashed, unknown or unfinished ids are refused."""
        if not isinstance(ids, list) or not ids:
            raise InvalidInput("choose at least one item")
        if len(ids) > MAX_ZIP_ITEMS:
            raise InvalidInput(
                f"a ZIP can hold at most {MAX_ZIP_ITEMS} chosen items; download the folder instead"
            )
        seen: set[str] = set()
        entries = []
        for item_id in ids:
            if not isinstance(item_id, str) or not item_id or len(item_id) > 64:
                raise InvalidInput("invalid item id")
            if item_id in seen:
                continue
            seen.add(item_id)
            entries.append(("", self._downloadable(item_id)))
        return self._zip(entries, "rDrive.zip")

    def _downloadable(self, item_id: str) -> MediaItem:
        try:
            item = self._storage.catalog.get_item(item_id)
        except NotFound:
            raise NotFound(f"no item {item_id}") from None
        if item.deleted_at is not None:
            raise NotFound(f"“{item.name}” is in the trash")
        if item.status == Status.UPLOADING:
            raise InvalidInput(f"“{item.name}” has not finished uploading")
        return item

    def zip_album(self, album_id: str) -> ZipDownload:
        """The items an album shows (not trashed, not uploading), flat, under the album's name."""
        catalog = self._storage.catalog
        album = catalog.get_album(album_id)
        entries: list[tuple[str, Zipped]] = []
        cursor = None
        while True:
            page = catalog.album_items(album.id, limit=PAGE, cursor=cursor)
            entries.extend((f"{album.name}/", item) for item in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        return self._zip(entries, f"{album.name}.zip")

    def zip_folder(self, path: object) -> ZipDownload:
        """A folder with its subfolders, kept as paths inside the ZIP."""
        root = normalize_folder(path)
        catalog = self._storage.catalog
        catalog.get_folder(root)
        top = "rDrive" if root == "/" else split_path(root)[1]
        entries: list[tuple[str, Zipped]] = []
        pending = [(root, f"{top}/")]
        while pending:
            folder, prefix = pending.pop()
            entries.extend((prefix, f) for f in catalog.list_files(folder) if shared_in_zip(f))
            subfolders = catalog.list_folders(folder)
            pending.extend((sub.path, f"{prefix}{sub.name}/") for sub in subfolders)
        return self._zip(entries, f"{top}.zip")
