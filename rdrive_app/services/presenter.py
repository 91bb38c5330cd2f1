"""How an item leaves the server: its fields plus short-lived signed URLs (null while missing)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.playback import MP4, Playback, PlaybackState
from rdrive_app.storage.protocols import BlobStore


def item_urls(item: MediaItem, blobs: BlobStore, lifetime_s: int) -> dict[str, str | None]:
    """Signed URLs of the original (inline, sniffed type; ``url_type`` with its codecs), the
    thumbnail and the preview; of what a browser plays (``playback_url``: the original when
    it is browser-safe, else its rendition, null while that is made) and of a Live Photo's
    motion."""

    def thumb(size: str) -> str | None:
        key = item.thumbnails.get(size)
        if not key:
            return None
        return blobs.signed_get_url(key, expires_in=lifetime_s, content_type="image/webp")

    def signed(key: str | None, content_type: str) -> str | None:
        if not key:
            return None
        return blobs.signed_get_url(key, expires_in=lifetime_s, content_type=content_type)

    original = None
    if item.status in (Status.PROCESSING, Status.READY, Status.FAILED):
        original = signed(item.original_key, item.content_type)
    playback, motion = item.playback, item.motion
    play_key, play_content = None, item.content_type
    if playback is not None and playback.state == PlaybackState.ORIGINAL:
        play_key = item.original_key
    elif playback is not None and playback.state == PlaybackState.READY:
        play_key, play_content = playback.key, MP4
    return {
        "url": original,
        "url_type": playback.source_type if playback else item.content_type,
        "thumbnail_url": thumb("thumb"),
        "preview_url": thumb("preview"),
        "playback_url": signed(play_key, play_content),
        "playback_type": playback.type if play_key and playback else None,
        "motion_url": signed(motion.play_key, MP4) if motion else None,
        "motion_type": motion.play_type if motion else None,
    }


def download_url(item: MediaItem, blobs: BlobStore, lifetime_s: int) -> str:
    """A signed URL that downloads the original under its own name."""
    return blobs.signed_get_url(
        item.original_key,
        expires_in=lifetime_s,
        content_type=item.content_type,
        download_name=item.name,
    )


def item_fields(item: MediaItem) -> dict[str, Any]:
    """The item's metadata as plain JSON-able values; ``width`` and ``height`` as shown (after
    the user's turn, ``rotation``)."""
    width, height = item.shown_size
    return {
        "id": item.id,
        "folder": item.folder,
        "name": item.name,
        "kind": item.kind.value,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "status": item.status.value,
        "status_reason": item.status_reason,
        "uploaded_by": item.uploaded_by,
        "uploaded_at": item.uploaded_at.isoformat(),
        "taken_at": item.taken_at.isoformat() if item.taken_at else None,
        "width": width,
        "height": height,
        "rotation": item.turn,
        "date_fixed": item.date_fixed,
        "favorite": item.favorite,
        "duration": item.duration,
        "camera": item.camera,
        "lens": item.lens,
        "gps": {"lat": item.gps.lat, "lon": item.gps.lon} if item.gps else None,
        "place": asdict(item.place) if item.place else None,
        "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None,
        "playback": _playback_fields(item.playback),
        "live": item.motion is not None and item.motion.play_key is not None,
        "albums": list(item.albums),
        "description": item.description,
        "tags": list(item.tags),
        "rating": item.rating,
        "sidecars": list(item.sidecars),
    }


def _playback_fields(playback: Playback | None) -> dict[str, Any] | None:
    """A video's playback state as the API says it: state, progress (0..1) and reason."""
    if playback is None:
        return None
    return {"state": playback.state.value, "progress": playback.progress, "reason": playback.reason}


def present(item: MediaItem, blobs: BlobStore, lifetime_s: int) -> dict[str, Any]:
    """The API's item: metadata and signed URLs."""
    return {**item_fields(item), **item_urls(item, blobs, lifetime_s)}
