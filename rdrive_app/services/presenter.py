"""How an item leaves the server: its fields plus short-lived signed URLs (null while missing)."""

from __future__ import annotations

from typing import Any

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.storage.protocols import BlobStore


def item_urls(item: MediaItem, blobs: BlobStore, lifetime_s: int) -> dict[str, str | None]:
    """Signed URLs for the original (inline, sniffed type), the thumbnail and the preview."""

    def thumb(size: str) -> str | None:
        key = item.thumbnails.get(size)
        if not key:
            return None
        return blobs.signed_get_url(key, expires_in=lifetime_s, content_type="image/webp")

    original = None
    if item.status in (Status.PROCESSING, Status.READY, Status.FAILED):
        original = blobs.signed_get_url(
            item.original_key, expires_in=lifetime_s, content_type=item.content_type
        )
    return {"url": original, "thumbnail_url": thumb("thumb"), "preview_url": thumb("preview")}


def download_url(item: MediaItem, blobs: BlobStore, lifetime_s: int) -> str:
    """A signed URL that downloads the original under its own name."""
    return blobs.signed_get_url(
        item.original_key,
        expires_in=lifetime_s,
        content_type=item.content_type,
        download_name=item.name,
    )


def item_fields(item: MediaItem) -> dict[str, Any]:
    """The item's metadata as plain JSON-able values."""
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
        "width": item.width,
        "height": item.height,
        "duration": item.duration,
        "camera": item.camera,
        "lens": item.lens,
        "gps": {"lat": item.gps.lat, "lon": item.gps.lon} if item.gps else None,
        "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None,
    }


def present(item: MediaItem, blobs: BlobStore, lifetime_s: int) -> dict[str, Any]:
    """The API's item: metadata and signed URLs."""
    return {**item_fields(item), **item_urls(item, blobs, lifetime_s)}
