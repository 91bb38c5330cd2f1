"""Live Photos and Motion Photos: a still and its short video are one item.

An iPhone's Live Photo arrives as two files (``IMG_1234.HEIC`` + ``IMG_1234.MOV``), in either
order, through any upload path. When the second half is ready, the pair is found (Apple's
content identifier in both files; without it the same stem in the same folder, uploaded
close together, and a short video) and the still takes the video in: its bytes are copied
under the still's derived prefix (``core/keys.motion_key``) with its playable file, the
still records it as ``motion`` with the video's own name, and the video's item is purged. So
trash, move, restore and purge act on both halves at once, and nothing is lost at any step:
until the still records the copy, the video stays an item of its own.

An Android Motion Photo carries its MP4 after the image in the same file; the span is read
from its XMP when it is analysed and copied out the same way (the original stays whole).
"""

from __future__ import annotations

import logging
from datetime import datetime

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.errors import NotFound
from rdrive_app.core.keys import motion_key, motion_playback_key, original_key
from rdrive_app.core.playback import MP4, Motion, PlaybackState, player_type
from rdrive_app.core.settings import Settings
from rdrive_app.media.range_reader import open_ranges
from rdrive_app.media.sandbox import SandboxPool
from rdrive_app.media.types import PLAY_ORIGINAL, Analysis, MediaError
from rdrive_app.services.decoding import in_sandbox
from rdrive_app.services.items import forget_item
from rdrive_app.services.playback import render_playback
from rdrive_app.storage import Storage

log = logging.getLogger(__name__)

STILL_EXTENSIONS = ("heic", "jpg", "jpeg", "heif")
VIDEO_EXTENSIONS = ("mov", "mp4")
MAX_MOTION_BYTES = 200 * 1024**2  # an embedded video beyond this is not a Motion Photo's
_EXTENSION_OF = {"video/quicktime": "mov", "video/mp4": "mp4"}


def pair_live_photo(storage: Storage, settings: Settings, item: MediaItem) -> MediaItem:
    """After ``item`` is ready: if it is one half of a Live Photo whose other half is ready
    too, join them (the still takes the video); returns ``item`` as it now is (None-safe:
    the video half, once taken in, is gone and the still is returned instead)."""
    if item.status != Status.READY or item.deleted_at is not None:
        return item
    if item.kind == Kind.IMAGE:
        if item.motion is not None:
            return item
        video = _partner(storage, item, VIDEO_EXTENSIONS, Kind.VIDEO)
        if video is None or not _belong_together(settings, item, video):
            return item
        return _join(storage, item, video)
    still = _partner(storage, item, STILL_EXTENSIONS, Kind.IMAGE)
    if still is None or still.motion is not None or not _belong_together(settings, still, item):
        return item
    return _join(storage, still, item)


def extract_motion_photo(
    storage: Storage,
    settings: Settings,
    item: MediaItem,
    span: tuple[int, int],
    pool: SandboxPool,
) -> Motion | None:
    """The video a Motion Photo carries at ``span`` of its original, copied out (the original
    stays whole) with a playable file; None when it is not a video that can be used."""
    offset, length = span
    if length <= 0 or length > MAX_MOTION_BYTES:
        return None
    source, key = original_key(item.id), motion_key(item.id, "mp4")

    def fetch(start: int, size: int) -> bytes:
        return storage.blobs.read_range(source, offset + start, min(size, length - start))

    storage.blobs.put(key, open_ranges(fetch, length), MP4)
    try:
        probe: Analysis = in_sandbox(
            pool, settings, storage, key, length, "analyse_video", {"demuxer": "mov"}
        )
        plan = probe.info.playback
        if plan is None:
            raise MediaError("no video stream")
        if plan.action == PLAY_ORIGINAL:
            return Motion(key, MP4, length, play_key=key, play_type=player_type(plan.mime))
        made = render_playback(
            storage,
            settings,
            key,
            motion_playback_key(item.id),
            action=plan.action,
            pool=pool,
        )
    except MediaError as exc:
        log.info("item %s: its embedded video is not used: %s", item.id, exc.reason)
        storage.blobs.delete(key)
        return None
    return Motion(key, MP4, length, play_key=motion_playback_key(item.id), play_type=made.mime)


def _partner(
    storage: Storage, item: MediaItem, extensions: tuple[str, ...], kind: Kind
) -> MediaItem | None:
    """The ready item of ``kind`` in the same folder named like ``item`` with one of
    ``extensions`` (any case), or None."""
    stem = item.name.rpartition(".")[0]
    if not stem:
        return None
    for ext in extensions:
        for name in (f"{stem}.{ext.upper()}", f"{stem}.{ext}"):
            other = storage.catalog.item_named(item.folder, name)
            if other is not None and other.kind == kind and other.status == Status.READY:
                return other
    return None


def _belong_together(settings: Settings, still: MediaItem, video: MediaItem) -> bool:
    """Apple's identifier decides when both halves carry one; otherwise a short video
    uploaded close to the still."""
    if still.content_id and video.content_id:
        return still.content_id == video.content_id
    if video.duration is None or video.duration > settings.live_photo_max_seconds:
        return False
    return _seconds_apart(still.uploaded_at, video.uploaded_at) <= settings.live_photo_window_s


def _seconds_apart(a: datetime, b: datetime) -> float:
    return abs((a - b).total_seconds())


def _join(storage: Storage, still: MediaItem, video: MediaItem) -> MediaItem:
    """Copy the video half under the still, record it, then purge the video's item."""
    blobs = storage.blobs
    ext = _EXTENSION_OF.get(video.content_type, "mov")
    key = motion_key(still.id, ext)
    _copy(storage, video.original_key, key, video.size, video.content_type)
    play_key, play_type = None, None
    playback = video.playback
    if playback is not None and playback.state == PlaybackState.ORIGINAL:
        play_key, play_type = key, playback.type
    elif playback is not None and playback.state == PlaybackState.READY and playback.key:
        size = blobs.size(playback.key)
        if size is not None:
            play_key, play_type = motion_playback_key(still.id), playback.type
            _copy(storage, playback.key, play_key, size, MP4)
    motion = Motion(
        key, video.content_type, video.size, video.name, play_key, play_type, video.crc32
    )
    try:
        joined = storage.catalog.update_item(still.id, motion=motion)
    except NotFound:
        return video  # the still went meanwhile: the video stays an item of its own
    if forget_item(storage.catalog, blobs, video):
        log.info("Live Photo: %s took in its video %s", still.id, video.id)
    return joined


def _copy(storage: Storage, source: str, dest: str, size: int, content_type: str) -> None:
    """Copy a blob through ranged reads (never all of it in memory)."""

    def fetch(start: int, length: int) -> bytes:
        return storage.blobs.read_range(source, start, length)

    storage.blobs.put(dest, open_ranges(fetch, size), content_type)
