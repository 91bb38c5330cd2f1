"""What every upload step shares: the storage, the settings, and the two ways an upload ends
early (not found, or discarded because it must not be kept)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from rdrive_app.core.domain import Kind, MediaItem, utcnow
from rdrive_app.core.errors import NotFound
from rdrive_app.core.settings import Settings
from rdrive_app.services.uploads.parts import MultipartPolicy
from rdrive_app.storage import Storage

Sniffer = Callable[[bytes], tuple[Kind, str] | None]
ACTIVITY_STEP = timedelta(minutes=1)  # an upload's activity is written at most this often


class ProcessingQueue(Protocol):
    """Whatever makes thumbnails and reads metadata once an upload is complete.

    What ``submit`` returns is the queue's own business (the worker pool hands back a
    future); completion only hands the item over. ``Any`` rather than ``object`` because
    ``submit`` is also passed on as a callback whose result nobody reads (fsck's ``reprocess``).
    """

    def submit(self, item_id: str) -> Any: ...

    def recover(self, stuck_before: datetime | None = None) -> int:
        """Queue again what is left in ``processing``: on start (None) what a crash of this
        process interrupted; from the reconciler, what has been there since before
        ``stuck_before``, whoever was processing it. Returns how many."""
        ...

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; ``wait`` finishes what is queued first."""
        ...


class UploadBase:
    """The state of the upload service; each step (starting, signing, the put rule,
    completion, direct uploads) is a class of its own module built on this one."""

    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        sniff: Sniffer,
        queue: ProcessingQueue,
        *,
        policy: MultipartPolicy | None = None,
    ) -> None:
        self._catalog = storage.catalog
        self._blobs = storage.blobs
        self._settings = settings
        self._sniff = sniff
        self._queue = queue
        self._policy = policy or MultipartPolicy(settings.multipart_threshold_bytes)

    @property
    def policy(self) -> MultipartPolicy:
        return self._policy

    def _uploading(self, item_id: object) -> MediaItem:
        if not isinstance(item_id, str) or not item_id:
            raise NotFound("no such upload")
        item = self._catalog.get_item(item_id)
        if item.deleted_at is not None:
            raise NotFound("no such upload")
        return item

    def _touch(self, item: MediaItem, *, always: bool = False) -> MediaItem:
        """Note activity on an unfinished upload (its ``uploaded_at``, which the stale-upload
        sweeper goes by): a part URL signed, a PUT arriving, a completion starting. At most
        once every ACTIVITY_STEP unless ``always``; a sweep that listed the upload before
        then finds it changed and spares it (``purge_item(unchanged=...)``)."""
        now = utcnow()
        if not always and now - item.uploaded_at < ACTIVITY_STEP:
            return item
        return self._catalog.update_item(item.id, uploaded_at=now)

    def discard(self, item: MediaItem) -> None:
        """Forget an upload that must not be kept."""
        if item.upload_id is not None:
            self._blobs.abort_multipart(item.original_key, item.upload_id)
        self._blobs.delete(item.original_key)
        self._catalog.purge_item(item.id)
