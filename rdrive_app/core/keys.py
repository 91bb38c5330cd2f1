"""Every blob key rDrive writes, built and parsed in this one module.

Keys are immutable ids, never folder paths (DESIGN.md): renaming or moving an item changes its
catalog record only. The layout:

    originals/<id>                 the bytes as uploaded
    thumbs/<id>/<size>.webp        derived images (thumb, preview, poster), one prefix per item
    thumbs/<id>/<size>-t<turn>.webp  the same for a photo the user turned (90, 180, 270)
    thumbs/<id>/turned-t<turn>.jpg   a turned photo's full-size JPEG (download, made on request)
    thumbs/<id>/playback.mp4       a video's playback rendition (H.264 + AAC)
    thumbs/<id>/motion.<ext>       a Live or Motion Photo's video half, as it came
    thumbs/<id>/motion-playback.mp4  that video's playback rendition

The S3 event filter of the deployment (``infra/config.py``) and the reconciler both use these
prefixes, so a new kind of derived file goes under ``thumbs/<id>/`` or gets a prefix here.
"""

from __future__ import annotations

import re

ORIGINALS_PREFIX = "originals/"
DERIVED_PREFIX = "thumbs/"
ITEM_ID_PATTERN = r"[A-Za-z0-9_-]{1,128}"
_ORIGINAL = re.compile(re.escape(ORIGINALS_PREFIX) + f"({ITEM_ID_PATTERN})")


def original_key(item_id: str) -> str:
    """Blob key of an item's original bytes."""
    return f"{ORIGINALS_PREFIX}{item_id}"


def derived_prefix(item_id: str) -> str:
    """The prefix under which every derived file of one item lives (deleted together)."""
    return f"{DERIVED_PREFIX}{item_id}/"


TURNS = (0, 90, 180, 270)  # the user's turns of a photo, clockwise degrees


def _turn_suffix(turn: int) -> str:
    """'' upright, '-t90' and so on: a turned image gets its own key, so its URL changes and no
    browser or CDN shows a cached copy of the other way round."""
    if turn not in TURNS:
        raise ValueError(f"not a turn: {turn!r}")
    return f"-t{turn}" if turn else ""


def thumbnail_key(item_id: str, size: str, turn: int = 0) -> str:
    """Blob key of a derived image as turned ``turn`` degrees (immutable: same id, same turn,
    same picture)."""
    return f"{derived_prefix(item_id)}{size}{_turn_suffix(turn)}.webp"


def turned_download_key(item_id: str, turn: int) -> str:
    """Blob key of the full-size JPEG of a photo turned ``turn`` degrees (not 0: upright, the
    original is the download)."""
    if not turn:
        raise ValueError("an upright photo downloads as its original")
    return f"{derived_prefix(item_id)}turned{_turn_suffix(turn)}.jpg"


def playback_key(item_id: str) -> str:
    """Blob key of a video's playback rendition."""
    return f"{derived_prefix(item_id)}playback.mp4"


def motion_key(item_id: str, extension: str) -> str:
    """Blob key of a still's video half (``extension`` without the dot: 'mov', 'mp4')."""
    if not extension.isalnum():
        raise ValueError(f"not a file extension: {extension!r}")
    return f"{derived_prefix(item_id)}motion.{extension.lower()}"


def motion_playback_key(item_id: str) -> str:
    """Blob key of the playback rendition of a still's video half."""
    return f"{derived_prefix(item_id)}motion-playback.mp4"


def item_of_original(key: str) -> str | None:
    """The item id of an ``originals/<id>`` key, or None for any other key."""
    match = _ORIGINAL.fullmatch(key)
    return match.group(1) if match else None


def owner_of(key: str) -> str | None:
    """The item id a blob key belongs to (original or derived), or None for a foreign key."""
    for prefix in (ORIGINALS_PREFIX, DERIVED_PREFIX):
        if key.startswith(prefix):
            return key[len(prefix) :].split("/", 1)[0] or None
    return None
