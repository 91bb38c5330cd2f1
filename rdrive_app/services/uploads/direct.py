"""Uploads whose bytes come through the backend itself: ``POST /api/media`` (a whole stream,
stored and completed in one call) and a WebDAV PUT (written as it arrives, ``StreamedUpload``),
with the same checks as a signed upload."""

from __future__ import annotations

from typing import BinaryIO

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.keys import original_key
from rdrive_app.services.uploads.completion import Completion
from rdrive_app.services.uploads.starting import DeclaredFile, UploadStarting
from rdrive_app.storage.writer_protocol import BlobWriter


class StreamedUpload:
    """An upload being written as its body arrives: its item is reserved (``uploading``, so
    in no listing) and its bytes go straight to storage. ``finish`` completes it (checked,
    sniffed, queued); ``abort`` forgets it, so an interrupted body leaves nothing behind."""

    def __init__(self, uploads: DirectUploads, item: MediaItem, writer: BlobWriter) -> None:
        self._uploads, self.item, self._writer = uploads, item, writer
        self._open = True

    def write(self, chunk: bytes) -> None:
        self._writer.write(chunk)

    def finish(self) -> MediaItem:
        self._open = False
        try:
            self._writer.commit()
        except Exception:
            self._writer.abort()
            self._uploads.discard(self.item)
            raise
        return self._uploads.complete(self.item.id)

    def abort(self) -> None:
        if self._open:
            self._open = False
            self._writer.abort()
            self._uploads.discard(self.item)


class DirectUploads(UploadStarting, Completion):
    """Reserve, store and complete in one step, or as the bytes arrive."""

    def upload_stream(
        self,
        username: str,
        folder: object,
        name: object,
        stream: BinaryIO,
        size: int,
        content_type: object,
        *,
        empty_ok: bool = False,
    ) -> MediaItem:
        """Store a file that came through the API (``POST /api/media``) or WebDAV (which
        keeps empty files: ``empty_ok``) and complete it."""
        declared = DeclaredFile(folder, name, size, content_type)
        item = self.reserve(username, declared, empty_ok=empty_ok)
        try:
            self._blobs.put(original_key(item.id), stream, item.content_type)
        except Exception:
            self.discard(item)
            raise
        return self.complete(item.id)

    def begin_stream(
        self, username: str, folder: object, name: object, size: int, content_type: object
    ) -> StreamedUpload:
        """Reserve a file of ``size`` bytes (refused now if it may not be stored: too large,
        no such folder, a name that claims a type it cannot be) and open its blob for writing."""
        declared = DeclaredFile(folder, name, size, content_type)
        item = self.reserve(username, declared, empty_ok=True)
        writer = self._blobs.writer(original_key(item.id), item.content_type, size)
        return StreamedUpload(self, item, writer)
