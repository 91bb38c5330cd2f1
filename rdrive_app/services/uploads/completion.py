"""Completion: check what arrived (the parts, the size as declared, a real photo or video, or
a plain file that claims to be nothing else) before it joins the library, or discard it; and
cancelling an unfinished upload."""

from __future__ import annotations

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, RDriveError, UnsupportedMedia
from rdrive_app.media.screening import screen_upload
from rdrive_app.media.sniff import NOT_MEDIA, SNIFF_BYTES
from rdrive_app.services.uploads.base import UploadBase
from rdrive_app.services.uploads.parts import parts_problem


class Completion(UploadBase):
    """Completes (verifying) and cancels uploads."""

    def complete(self, item_id: object) -> MediaItem:
        """Check what arrived: the parts (if multipart), the size as declared and a real photo
        or video, then queue processing.

        Anything wrong is deleted (blob and record) and refused, except an upload to which no
        bytes have arrived yet; completing twice is harmless.
        """
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            return item
        # first of all: a sweep that listed this upload as stale now leaves it alone
        item = self._touch(item, always=True)
        if item.upload_id is not None:
            self._join_parts(item)
        actual = self._blobs.size(item.original_key)
        if actual is None:
            raise InvalidInput("no bytes have arrived for this upload yet")
        if actual != item.size:
            self.discard(item)
            raise InvalidInput(
                f"the upload was {actual} bytes but {item.size} were declared; it was discarded"
            )
        head = self._blobs.read_range(item.original_key, 0, SNIFF_BYTES) if actual else b""
        sniffed = self._sniff(head) if head and not item.housekeeping else None
        if sniffed is None and item.kind == Kind.FILE:  # what it claims to be: a plain file
            return self._queued(item, kind=Kind.FILE, content_type=item.content_type)
        if sniffed is None:  # the bytes decide: a photo named .mov is still a photo
            self.discard(item)
            raise UnsupportedMedia(f"“{item.name}” is {NOT_MEDIA}")
        kind, content_type = sniffed
        try:  # polyglots, pixel bombs and cut-short videos are refused here too
            screen_upload(
                content_type,
                head,
                actual,
                lambda start, length: self._blobs.read_range(item.original_key, start, length),
                self._settings.max_pixels,
            )
        except RDriveError:
            self.discard(item)
            raise
        return self._queued(item, kind=kind, content_type=content_type)

    def _queued(self, item: MediaItem, *, kind: Kind, content_type: str) -> MediaItem:
        """Checked: in the library, and queued to be processed (a plain file: hashed)."""
        item = self._catalog.update_item(
            item.id, status=Status.PROCESSING, kind=kind, content_type=content_type, upload_id=None
        )
        self._queue.submit(item.id)
        return item

    def _join_parts(self, item: MediaItem) -> None:
        """Check the held parts against the plan and join them; refuse (and discard) if wrong."""
        assert item.upload_id is not None
        key = item.original_key
        try:
            held = self._blobs.list_parts(key, item.upload_id)
        except NotFound:
            if self._blobs.size(key) == item.size:
                return  # joined already by a completion running at the same time
            self.discard(item)
            raise InvalidInput(
                "the upload was aborted or has expired; it was discarded, start it again"
            ) from None
        if not held:
            raise InvalidInput("no bytes have arrived for this upload yet")
        problem = parts_problem(held, self._policy.plan(item.size))
        if problem is not None:
            self.discard(item)
            raise InvalidInput(f"{problem}; the upload was discarded")
        try:
            self._blobs.complete_multipart(key, item.upload_id, [(p.number, p.etag) for p in held])
        except InvalidInput as exc:
            self.discard(item)
            raise InvalidInput(f"{exc.detail}; the upload was discarded") from None

    def cancel(self, item_id: object) -> None:
        """Abandon an unfinished upload: its parts, its bytes and its reserved name are freed."""
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            raise Conflict("that upload is already complete")
        self.discard(item)
