"""Copying an item inside the library (a file client's COPY): a new item, with its own id, whose
original and derived files are copies the store makes itself (S3 copies server-side, in parts
past 5 GB), never read through the backend. The copy shares no blob with the item, so trashing
or purging one never takes the other's bytes; it is not a favourite nor in the item's albums.
"""

from __future__ import annotations

import dataclasses

from rdrive_app.core.domain import MediaItem, Status, new_id, utcnow
from rdrive_app.core.keys import derived_prefix, original_key
from rdrive_app.storage import Storage

COPIED_AS_IS = (Status.READY, Status.FAILED)  # what is still processing has files to come


def can_copy_in_store(item: MediaItem) -> bool:
    """True when the item's files are all made, so copying them copies the whole item."""
    return item.status in COPIED_AS_IS and item.deleted_at is None


def copy_in_store(storage: Storage, item: MediaItem, folder: str, name: str, by: str) -> MediaItem:
    """A copy of ``item`` at ``folder``/``name`` (Conflict when the name is taken: nothing is
    left behind)."""
    copy_id = new_id()
    old, new = derived_prefix(item.id), derived_prefix(copy_id)

    def rekey(key: str) -> str:
        return new + key[len(old) :] if key.startswith(old) else key

    blobs = storage.blobs
    try:
        blobs.copy(original_key(item.id), original_key(copy_id))
        for key in list(blobs.list_keys(old)):
            blobs.copy(key, rekey(key))
        playback, motion = item.playback, item.motion
        copy = dataclasses.replace(
            item,
            id=copy_id,
            folder=folder,
            name=name,
            uploaded_by=by,
            uploaded_at=utcnow(),
            thumbnails={size: rekey(key) for size, key in item.thumbnails.items()},
            playback=playback
            and dataclasses.replace(playback, key=playback.key and rekey(playback.key)),
            motion=motion
            and dataclasses.replace(
                motion, key=rekey(motion.key), play_key=motion.play_key and rekey(motion.play_key)
            ),
            favorite=False,
            albums=(),
            upload_id=None,
            fingerprint=None,
        )
        return storage.catalog.add_item(copy)
    except Exception:
        blobs.delete(original_key(copy_id))
        blobs.delete_prefix(new)
        raise
