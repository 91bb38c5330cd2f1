"""Images of an item at the widths a page asks for (srcset), made on first request and kept.

A stored WebP under the item's derived prefix per width and turn (``width`` as shown, after a
user's turn); scaled from the preview (turned already) when that is wide enough, decoded from
the original (in a sandbox) and turned otherwise.
"""

from __future__ import annotations

from typing import Any

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, UnsupportedMedia
from rdrive_app.core.keys import original_key, thumbnail_key
from rdrive_app.core.settings import Settings
from rdrive_app.media.sniff import SNIFF_BYTES, sniff
from rdrive_app.media.types import PREVIEW, SIZES, MediaError, fit_size
from rdrive_app.services.decoding import decoder_pool, in_sandbox
from rdrive_app.storage import Storage

RENDITION_WIDTHS = (200, 400, 800, 1600, 2560)
WEBP = "image/webp"


def rendition_key(item_id: str, width: int, turn: int = 0) -> str:
    """Immutable key of the WebP rendition ``width`` pixels wide, turned ``turn`` degrees."""
    return thumbnail_key(item_id, f"w{width}", turn)


def rendition_url(storage: Storage, settings: Settings, item_id: str, width: object) -> str:
    """A signed URL of the item as a WebP ``width`` wide, made and stored on first request.

    InvalidInput (400) for a width outside RENDITION_WIDTHS, NotFound for an unknown item or
    one that failed, Conflict while it is still being processed.
    """
    width = _rendition_width(width)
    item = storage.catalog.get_item(item_id)
    if item.status == Status.FAILED:
        raise NotFound(f"no image of an item that failed: {item.status_reason}")
    if item.status != Status.READY:
        raise Conflict("the item is still being processed")
    key = rendition_key(item.id, width, item.turn)
    if storage.blobs.size(key) is None:
        storage.blobs.put(key, _render(storage, settings, item, width), WEBP)
    return storage.blobs.signed_get_url(
        key, expires_in=settings.signed_url_lifetime_s, content_type=WEBP
    )


def _rendition_width(width: object) -> int:
    if isinstance(width, str) and width.isdigit():
        width = int(width)
    if isinstance(width, bool) or width not in RENDITION_WIDTHS:
        allowed = ", ".join(str(w) for w in RENDITION_WIDTHS)
        raise InvalidInput(f"width must be one of {allowed}")
    assert isinstance(width, int)
    return width


def _render(storage: Storage, settings: Settings, item: MediaItem, width: int) -> bytes:
    """Scale the stored preview when it is wide enough; otherwise decode the original."""
    pool = decoder_pool("renditions", settings)
    key, op, kwargs = _rendition_source(storage, item, width)
    size = storage.blobs.size(key)
    if size is None:
        raise NotFound("the item's original is missing")
    try:
        return in_sandbox(pool, settings, storage, key, size, op, kwargs)
    except MediaError as exc:
        raise UnsupportedMedia(f"cannot make that size: {exc.reason}") from None


def _rendition_source(
    storage: Storage, item: MediaItem, width: int
) -> tuple[str, str, dict[str, Any]]:
    preview = item.thumbnails.get(PREVIEW)
    shown_width, shown_height = item.shown_size
    if preview and shown_width and shown_height:
        preview_width = fit_size((shown_width, shown_height), SIZES[PREVIEW])[0]
        if preview_width >= width and storage.blobs.size(preview) is not None:
            return preview, "render_image", {"content_type": WEBP, "box": (width, 1 << 30)}
    key = original_key(item.id)
    if item.kind == Kind.VIDEO:
        found = sniff(storage.blobs.read_range(key, 0, SNIFF_BYTES))
        return key, "render_poster", {"width": width, "demuxer": found.demuxer if found else None}
    box = (width, 1 << 30)
    return key, "render_image", {"content_type": item.content_type, "box": box, "turn": item.turn}
