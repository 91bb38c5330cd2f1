"""The import target for `rdrive import` without --url: the services of this process.

The bytes still go to the URLs the upload service signs, as a browser's would: S3 presigned
URLs over HTTP, or, for a store that serves its own URLs (the local one), straight into its
writers after the same signature check its file route makes (no web server needs to be running).
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from rdrive_app.client.importer import LibraryEntry, LocalFile
from rdrive_app.client.part_sender import ByteSink, HttpSink, Progress, SendPlan
from rdrive_app.core.domain import Status
from rdrive_app.core.errors import NotFound, RDriveError
from rdrive_app.services.wiring import Services
from rdrive_app.storage.protocols import InvalidSignature, ServesSignedFiles

LIST_PAGE = 1000
POLL_S = 0.2
COPY_SLICE = 64 * 1024 * 1024  # how often the progress bar moves


class LocalSink:
    """Writes a signed PUT into the local store directly, checking the URL's signature; parts
    go in place at their offset, as the app's file route writes them. The bytes are copied
    file to file in the kernel (``append_file``): an import runs at the disk's speed."""

    def __init__(self, store: ServesSignedFiles) -> None:
        self._store = store

    def put(
        self,
        url: str,
        headers: dict[str, str],
        path: Path,
        offset: int,
        length: int,
        progress: Progress,
    ) -> str:
        parts = urlsplit(url)
        key = unquote(parts.path.split("/api/files/", 1)[-1])
        try:
            signed = self._store.verify(key, dict(parse_qsl(parts.query)), ("put", "part"))
        except InvalidSignature as exc:
            raise RDriveError(f"refused: {exc}") from None
        writer = self._store.writer_for(signed, offset=offset)
        with writer:
            for start in range(offset, offset + length, COPY_SLICE):  # copied in the kernel
                size = min(COPY_SLICE, offset + length - start)
                writer.append_file(path, start, size)
                progress(size)  # a file that became shorter raises OSError (copy_span)
            try:
                writer.commit()
            except FileExistsError:  # stored by an earlier try (never replaced): HTTP's 412
                return ""
        return f'"{writer.etag}"'


class InProcessTarget:
    """Imports as ``username`` into the library these services hold."""

    def __init__(self, services: Services, username: str) -> None:
        self._services = services
        self._username = username
        self._completed: list[str] = []
        signed_files = services.storage.signed_files
        self.sink: ByteSink = LocalSink(signed_files) if signed_files is not None else HttpSink()

    def ensure_folder(self, path: str) -> None:
        self._services.folders.ensure_folders("/", path)

    def folder_entries(self, path: str) -> list[LibraryEntry]:
        catalog = self._services.storage.catalog
        entries, cursor = [], None
        while True:
            try:
                page = catalog.list_items(path, limit=LIST_PAGE, cursor=cursor)
            except NotFound:
                return []
            entries += [LibraryEntry(i.name, i.size, i.status.value, i.sha256) for i in page.items]
            if page.next_cursor is None:
                return entries
            cursor = page.next_cursor

    def existing_sha256(self, hashes: list[str]) -> set[str]:
        return set(self._services.uploads.existing_sha256(hashes))

    def start(self, file: LocalFile) -> SendPlan:
        ticket = self._services.uploads.start(
            self._username, file.folder, file.name, file.size, file.content_type, file.fingerprint
        )
        return SendPlan(
            item_id=ticket.item.id,
            name=ticket.item.name,
            size=ticket.item.size,
            multipart=ticket.multipart,
            url=ticket.url,
            headers={} if ticket.multipart else {"Content-Type": ticket.content_type},
            part_size=ticket.part_size,
            part_count=ticket.part_count,
            done_parts=ticket.done_parts,
        )

    def sign_parts(self, item_id: str, numbers: list[int]) -> dict[int, str]:
        return self._services.uploads.sign_parts(item_id, numbers)

    def complete(self, item_id: str) -> None:
        self._services.uploads.complete(item_id)
        self._completed.append(item_id)

    def finish(self) -> None:
        """Locally, processing (thumbnails, sha256) runs in this process's worker pool: wait
        until it has settled every item this import completed, or they would stay unfinished
        until the app's next start; then the pool is shut down. On AWS the Lambda does it, so
        there is nothing to wait for.
        """
        if self._services.settings.processing.value != "app":
            return
        pending = list(self._completed)
        while pending:
            time.sleep(POLL_S)
            pending = [i for i in pending if self._status(i) == Status.PROCESSING]
        self._services.processing.shutdown(wait=True)

    def _status(self, item_id: str) -> Status | None:
        try:
            return self._services.storage.catalog.get_item(item_id).status
        except NotFound:
            return None
