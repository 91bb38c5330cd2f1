"""Processing: from an uploaded original to a ready item with thumbnails and metadata.

``process_item`` is the one use-case; it runs in the app's ``ProcessingPool`` locally and in the
Lambda handler on AWS. It is idempotent (duplicate S3 events are normal): a ready or failed
item is left alone, and re-running writes the same thumbnails under the same keys. An item still
``uploading`` is never processed: its bytes have not passed completion's checks (size, type,
screening) yet. What the user chose stays: the thumbnails follow the photo's turn, and a date
the user fixed is not replaced by the camera's.

Decoding happens in sandboxed child processes with a time limit (see ``sandbox``); this module
only moves bytes between storage and the sandbox and records the outcome.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.errors import NotFound, UnsupportedMedia
from rdrive_app.core.keys import original_key, playback_key, thumbnail_key
from rdrive_app.core.playback import Motion, Playback, PlaybackState
from rdrive_app.core.settings import Settings
from rdrive_app.media.places import place_of
from rdrive_app.media.sandbox import SandboxPool
from rdrive_app.media.sniff import NOT_MEDIA, SNIFF_BYTES, sniff
from rdrive_app.media.types import (
    Analysis,
    MediaError,
    MediaInfo,
    Sniffed,
)
from rdrive_app.services.decoding import decoder_pool, in_sandbox
from rdrive_app.services.digests import digests
from rdrive_app.services.image_renditions import WEBP
from rdrive_app.services.live_photos import extract_motion_photo, pair_live_photo
from rdrive_app.services.playback import initial_playback, kept_rendition, prepare_playback
from rdrive_app.services.sidecars import attach_sidecars
from rdrive_app.storage import Storage

log = logging.getLogger(__name__)


def sniff_upload(storage: Storage, item_id: str) -> Sniffed:
    """At upload completion: the real type from the first bytes, recorded on the item.

    Anything outside the allowlist has its bytes deleted and its record purged, and raises
    UnsupportedMedia (415) "not a photo or video".
    """
    key = original_key(item_id)
    found = sniff(storage.blobs.read_range(key, 0, SNIFF_BYTES))
    if found is None:
        storage.blobs.delete(key)
        storage.catalog.purge_item(item_id)
        raise UnsupportedMedia(NOT_MEDIA)
    storage.catalog.update_item(item_id, kind=found.kind, content_type=found.content_type)
    return found


def process_item(
    storage: Storage,
    settings: Settings,
    item_id: str,
    *,
    force: bool = False,
    sandboxes: SandboxPool | None = None,
    deadline: float | None = None,
) -> MediaItem:
    """Make thumbnails, read metadata and, for a video no browser can play as it is, its
    playback rendition; the item ends ``ready`` or ``failed`` with a reason. ``deadline``
    (``time.monotonic()``) is when the caller must be done (a Lambda's end).

    A bad file (not media, damaged, too large, too slow to decode) is a ``failed`` item, not
    an exception. Storage errors propagate with the item still ``processing``, so a retry
    (SQS redelivery, ``ProcessingPool.recover``) can finish it.
    """
    catalog, blobs = storage.catalog, storage.blobs
    item = catalog.get_item(item_id)
    if item.status in (Status.READY, Status.FAILED) and not force:
        return item
    if item.status == Status.UPLOADING:  # unchecked bytes: completion checks them first
        log.info("item %s is not complete yet; not processed", item_id)
        return item
    if item.status != Status.PROCESSING:
        item = catalog.update_item(item_id, status=Status.PROCESSING, status_reason=None)
    key = original_key(item_id)
    size = blobs.size(key)
    if size is None:
        return _fail(storage, item_id, "the uploaded file is missing")
    if item.kind == Kind.FILE:  # kept as it is: only its hash (WebDAV's ETag, fsck) is made
        hashed = catalog.update_item(
            item_id, status=Status.READY, status_reason=None, **digests(storage, key)
        )
        return _with_sidecars(storage, hashed)
    found = sniff(blobs.read_range(key, 0, SNIFF_BYTES))
    if found is None:
        blobs.delete(key)
        return _fail(storage, item_id, NOT_MEDIA)
    pool = sandboxes or decoder_pool("processing", settings)
    try:
        analysis = _analyse(pool, settings, storage, key, size, found, item.turn)
    except MediaError as exc:
        log.info("item %s failed: %s", item_id, exc.reason)
        return _fail(storage, item_id, exc.reason)
    thumbnails = {}
    for name, data in analysis.images.items():
        thumbnails[name] = thumbnail_key(item_id, name, item.turn)
        blobs.put(thumbnails[name], data, WEBP)
    fields: dict[str, Any] = {
        "status_reason": None,
        "kind": found.kind,
        "content_type": found.content_type,
        **digests(storage, key),
        "thumbnails": thumbnails,
        **item_fields(analysis.info),
    }
    if storage.catalog.get_item(item_id).date_fixed:  # read now: it may have been set meanwhile
        del fields["taken_at"]
    if found.kind == Kind.VIDEO:
        fields["playback"] = _playback(storage, settings, item, analysis, fields, pool, deadline)
    else:
        fields["motion"] = item.motion or _embedded_motion(storage, settings, item, analysis, pool)
    ready = catalog.update_item(item_id, status=Status.READY, **fields)
    try:
        pair_live_photo(storage, settings, ready)
    except Exception:  # the item is ready; a pair not joined now stays two items
        log.warning("item %s: joining its Live Photo half failed", item_id, exc_info=True)
    return _with_sidecars(storage, ready)


def _with_sidecars(storage: Storage, ready: MediaItem) -> MediaItem:
    """Join a ready item to its sidecars, or a sidecar to its photo (services/sidecars.py)."""
    try:
        return attach_sidecars(storage.catalog, storage.blobs, ready)
    except NotFound:  # purged meanwhile (a Live Photo's video half joined its still)
        return ready
    except Exception:  # the item is ready; a sidecar not read now is still kept as a file
        log.warning("item %s: attaching sidecars failed", ready.id, exc_info=True)
        return ready


def _playback(
    storage: Storage,
    settings: Settings,
    item: MediaItem,
    analysis: Analysis,
    fields: dict[str, Any],
    pool: SandboxPool,
    deadline: float | None,
) -> Playback | None:
    """The video's playback: the original, a rendition kept from an earlier run, or one made
    now (the poster and metadata are stored first, the item still ``processing``)."""
    probed = initial_playback(analysis.info.playback)
    playback = kept_rendition(storage, item.playback, probed)
    if playback is None or playback.state != PlaybackState.PREPARING:
        return playback
    item = storage.catalog.update_item(item.id, playback=playback, **fields)
    return prepare_playback(
        storage, settings, item, playback_key(item.id), pool=pool, deadline=deadline
    )


def _embedded_motion(
    storage: Storage, settings: Settings, item: MediaItem, analysis: Analysis, pool: SandboxPool
) -> Motion | None:
    span = analysis.info.motion_span
    return extract_motion_photo(storage, settings, item, span, pool) if span else None


def mark_failed(storage: Storage, item_id: str, reason: str) -> MediaItem | None:
    """Record that processing gave up (used when retries are exhausted); None if gone."""
    try:
        return _fail(storage, item_id, reason)
    except NotFound:
        return None


def item_fields(info: MediaInfo) -> dict[str, Any]:
    """The MediaItem fields a MediaInfo fills (all of them, so a re-run clears stale ones),
    with the place its GPS position is in (the catalog indexes it for search)."""
    return {
        "width": info.width,
        "height": info.height,
        "taken_at": info.taken_at,
        "duration": info.duration,
        "camera": info.camera,
        "lens": info.lens,
        "gps": info.gps,
        "place": place_of(info.gps),
        "rotation": info.rotation,
        "codec": info.codec,
        "content_id": info.content_id,
    }


def _analyse(
    pool: SandboxPool,
    settings: Settings,
    storage: Storage,
    key: str,
    size: int,
    found: Sniffed,
    turn: int,
) -> Analysis:
    op, kwargs = "analyse_image", {"content_type": found.content_type, "turn": turn}
    if found.kind == Kind.VIDEO:
        op, kwargs = "analyse_video", {"demuxer": found.demuxer}
    return in_sandbox(pool, settings, storage, key, size, op, kwargs)


def _fail(storage: Storage, item_id: str, reason: str) -> MediaItem:
    return storage.catalog.update_item(item_id, status=Status.FAILED, status_reason=reason)


class ProcessingPool:
    """The app's bounded worker pool: ``submit`` returns at once (safe on the event loop).

    Threads only wait on storage and on the sandboxes, where the decoding (and its time
    limit) happens, so threads are enough here and nothing blocks the event loop.
    """

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self._storage = storage
        self._settings = settings
        workers = settings.processing_workers
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="rdrive-processing")
        self._sandboxes = SandboxPool(workers, settings.decoder_memory_bytes)
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def submit(self, item_id: str) -> Future[MediaItem | None] | None:
        """Queue an item; None when it is already queued or running."""
        with self._lock:
            if item_id in self._pending:
                return None
            self._pending.add(item_id)
        return self._executor.submit(self._run, item_id)

    def recover(self, stuck_before: datetime | None = None) -> int:
        """Queue the items left in ``processing``: all of them on start (what a crash left),
        those there since before ``stuck_before`` from the reconciler; returns how many
        (not counting those already queued)."""
        stuck = self._storage.catalog.items_with_status(Status.PROCESSING, older_than=stuck_before)
        queued = sum(1 for item in stuck if self.submit(item.id) is not None)
        if queued:
            log.info("re-queued %d items left in processing", queued)
        return queued

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; ``wait`` finishes what is queued, otherwise it is dropped
        (and picked up again by ``recover`` on the next start)."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
        self._sandboxes.close()

    def _run(self, item_id: str) -> MediaItem | None:
        try:
            return run_guarded(self._storage, self._settings, item_id, self._sandboxes)
        finally:
            with self._lock:
                self._pending.discard(item_id)


def run_guarded(
    storage: Storage, settings: Settings, item_id: str, sandboxes: SandboxPool | None = None
) -> MediaItem | None:
    """``process_item`` where nothing retries it: an item gone meanwhile is None, any error
    marks the item failed (with the reason) rather than leaving it in ``processing``."""
    try:
        return process_item(storage, settings, item_id, sandboxes=sandboxes)
    except NotFound:
        return None  # deleted while queued
    except Exception as exc:
        log.exception("processing %s failed", item_id)
        return mark_failed(storage, item_id, f"processing failed: {exc}"[:300])


class EventQueue:
    """The queue on AWS: processing starts from the S3 event (SQS → Lambda), so ``submit`` has
    nothing to do; what that path leaves in ``processing`` the reconciler hands to ``recover``,
    which processes it here, in the backend.

    Here rather than by sending SQS a message again: the backend's subnet reaches S3 and
    DynamoDB through free gateway endpoints and nothing else by IPv4 (SQS has no gateway
    endpoint; an interface endpoint, ~$7 a month, costs more than the t4g.micro), and its role
    already reads originals and writes thumbnails and the catalog, which is all processing
    needs (renditions are made here on demand the same way). A message sent again would also
    start the Lambda's delivery count afresh, so a poison item would go round forever.
    """

    def __init__(self, storage: Storage | None = None, settings: Settings | None = None) -> None:
        self._storage = storage
        self._settings = settings

    def submit(self, item_id: str) -> None:
        log.debug("item %s will be processed from its S3 event", item_id)

    def recover(self, stuck_before: datetime | None = None) -> int:
        """On start (None): nothing, SQS redelivers what a crashed Lambda did not finish.
        From the reconciler: process the items in ``processing`` since before
        ``stuck_before`` here, one after another; returns how many."""
        if stuck_before is None or self._storage is None or self._settings is None:
            return 0
        stuck = self._storage.catalog.items_with_status(Status.PROCESSING, older_than=stuck_before)
        for item in stuck:
            log.info("item %s was left in processing; processing it here", item.id)
            run_guarded(self._storage, self._settings, item.id)
        return len(stuck)

    def shutdown(self, wait: bool = True) -> None:
        """Nothing runs in the background here."""
