"""Uploads: reserve a name, hand out signed URLs, and check what arrived before keeping it.

Bytes go straight from the browser to storage (S3 presigned PUT, or the local store's signed
route); the backend never holds a file in memory. Completion verifies the size and sniffs the
real type from the first bytes: anything else is deleted and refused (415).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from rdrive_app.domain import (
    Kind,
    MediaItem,
    Status,
    new_id,
    normalize_folder,
    numbered_name,
    original_key,
    validate_name,
)
from rdrive_app.errors import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from rdrive_app.settings import Settings
from rdrive_app.storage import Storage

NOT_MEDIA = "not a photo or video"
SNIFF_BYTES = 4096
MAX_FREE_NAME_TRIES = 1000

Sniffer = Callable[[bytes], tuple[Kind, str] | None]


class ProcessingQueue(Protocol):
    """Whatever makes thumbnails and reads metadata once an upload is complete."""

    def submit(self, item_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class UploadTicket:
    """What the browser needs to send the bytes: where to PUT them and with which type."""

    item: MediaItem
    url: str
    content_type: str
    expires_in: int


def declared_kind(name: str, content_type: object) -> tuple[Kind, str]:
    """The kind a file claims by its type or extension (checked again from the bytes later)."""
    claimed = content_type if isinstance(content_type, str) else ""
    claimed = claimed.split(";", 1)[0].strip().lower()
    if not claimed.startswith(("image/", "video/")):
        claimed = (mimetypes.guess_type(name)[0] or "").lower()
    if claimed.startswith("image/") and "svg" not in claimed:
        return Kind.IMAGE, claimed
    if claimed.startswith("video/"):
        return Kind.VIDEO, claimed
    lowered = name.lower()
    if lowered.endswith((".heic", ".heif", ".avif")):
        return Kind.IMAGE, "image/heic" if "hei" in lowered else "image/avif"
    if lowered.endswith((".mkv", ".m4v", ".mov", ".webm")):
        return Kind.VIDEO, "video/x-matroska" if lowered.endswith(".mkv") else "video/mp4"
    raise UnsupportedMedia(f"“{name}” is {NOT_MEDIA}")


class UploadService:
    """Starts, completes and cancels uploads."""

    def __init__(
        self, storage: Storage, settings: Settings, sniff: Sniffer, queue: ProcessingQueue
    ) -> None:
        self._catalog = storage.catalog
        self._blobs = storage.blobs
        self._settings = settings
        self._sniff = sniff
        self._queue = queue

    def _check_size(self, size: object) -> int:
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise InvalidInput("size must be a positive number of bytes")
        if size > self._settings.max_upload_bytes:
            limit_gib = self._settings.max_upload_bytes / 1024**3
            raise TooLarge(f"the file is too large (the limit is {limit_gib:g} GiB)")
        return size

    def reserve(
        self, username: str, folder: object, name: object, size: int, content_type: object
    ) -> MediaItem:
        """Record an ``uploading`` item under the first free name ("IMG_1 (1).jpg" on a clash)."""
        path = normalize_folder(folder)
        clean = validate_name(name)
        size = self._check_size(size)
        kind, claimed_type = declared_kind(clean, content_type)
        self._catalog.get_folder(path)
        item_id = new_id()
        for n in range(MAX_FREE_NAME_TRIES):
            candidate = numbered_name(clean, n)
            if n and len(candidate.encode()) > 255:
                break
            item = MediaItem(
                id=item_id,
                folder=path,
                name=candidate,
                kind=kind,
                content_type=claimed_type,
                size=size,
                uploaded_by=username,
            )
            try:
                return self._catalog.add_item(item)
            except Conflict:
                continue
        raise Conflict(f"no free name for “{clean}” in {path}")

    def start(
        self, username: str, folder: object, name: object, size: int, content_type: object
    ) -> UploadTicket:
        """Reserve the item and sign a PUT URL for its original."""
        item = self.reserve(username, folder, name, size, content_type)
        lifetime = self._settings.signed_url_lifetime_s
        url = self._blobs.signed_put_url(
            item.original_key, expires_in=lifetime, content_type=item.content_type
        )
        return UploadTicket(item=item, url=url, content_type=item.content_type, expires_in=lifetime)

    def _uploading(self, item_id: object) -> MediaItem:
        if not isinstance(item_id, str) or not item_id:
            raise NotFound("no such upload")
        item = self._catalog.get_item(item_id)
        if item.deleted_at is not None:
            raise NotFound("no such upload")
        return item

    def complete(self, item_id: object) -> MediaItem:
        """Check what arrived: size as declared and a real photo or video, then queue processing.

        Anything else is deleted (blob and record) and refused; completing twice is harmless.
        """
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            return item
        actual = self._blobs.size(item.original_key)
        if actual is None:
            raise InvalidInput("no bytes have arrived for this upload yet")
        if actual != item.size:
            self.discard(item)
            raise InvalidInput(
                f"the upload was {actual} bytes but {item.size} were declared; it was discarded"
            )
        head = self._blobs.read_range(item.original_key, 0, SNIFF_BYTES)
        sniffed = self._sniff(head)
        if sniffed is None:  # the bytes decide: a photo named .mov is still a photo
            self.discard(item)
            raise UnsupportedMedia(f"“{item.name}” is {NOT_MEDIA}")
        kind, content_type = sniffed
        item = self._catalog.update_item(
            item.id, status=Status.PROCESSING, kind=kind, content_type=content_type
        )
        self._queue.submit(item.id)
        return item

    def cancel(self, item_id: object) -> None:
        """Abandon an unfinished upload: its bytes and its reserved name are freed."""
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            raise Conflict("that upload is already complete")
        self.discard(item)

    def discard(self, item: MediaItem) -> None:
        """Forget an upload that must not be kept."""
        self._blobs.delete(item.original_key)
        self._catalog.purge_item(item.id)

    def upload_stream(
        self,
        username: str,
        folder: object,
        name: object,
        stream: BinaryIO,
        size: int,
        content_type: object,
    ) -> MediaItem:
        """Store a file that came through the API (``POST /api/media``) and complete it."""
        item = self.reserve(username, folder, name, size, content_type)
        try:
            self._blobs.put(original_key(item.id), stream, item.content_type)
        except Exception:
            self.discard(item)
            raise
        return self.complete(item.id)
