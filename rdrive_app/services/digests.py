"""What is computed from an original's bytes in one streamed pass: its sha256 (duplicates,
WebDAV ETags, fsck) and its CRC-32 (its ZIP entry's header, so a ZIP of it is a copy:
services/zip_writer.py). A 4 GB video is read chunk by chunk, never held in memory."""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

from rdrive_app.storage import Storage

HASH_CHUNK = 4 * 1024 * 1024


def digests(storage: Storage, key: str) -> dict[str, Any]:
    """``{"sha256": hex, "crc32": int}`` of a blob, as MediaItem's fields of those names."""
    digest, crc = hashlib.sha256(), 0
    for chunk in storage.blobs.iter_chunks(key, HASH_CHUNK):
        digest.update(chunk)
        crc = zlib.crc32(chunk, crc)
    return {"sha256": digest.hexdigest(), "crc32": crc}


def crc32_of(storage: Storage, key: str) -> int:
    """A blob's CRC-32 alone (a Live Photo's video half has no sha256 of its own)."""
    crc = 0
    for chunk in storage.blobs.iter_chunks(key, HASH_CHUNK):
        crc = zlib.crc32(chunk, crc)
    return crc
