"""Small direct uploads: a file whose bytes came through the API itself (``POST /api/media``)
is stored and completed in one call, with the same checks as a signed upload."""

from __future__ import annotations

from typing import BinaryIO

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.keys import original_key
from rdrive_app.services.uploads.completion import Completion
from rdrive_app.services.uploads.starting import DeclaredFile, UploadStarting


class DirectUploads(UploadStarting, Completion):
    """Reserve, store and complete in one step."""

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
