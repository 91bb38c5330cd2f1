"""The lean record of an item a ZIP reads (Catalog.list_files): a few columns, no MediaItem.

Both backends store the same records (records.py); these are the fields a StoredFile takes,
so a backend that can read only some columns (SQLite) reads just these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdrive_app.core.domain import Status
from rdrive_app.core.listing import StoredFile
from rdrive_app.core.playback import Motion
from rdrive_app.storage.records import parse_iso

FILE_COLUMNS = ("id", "name", "size", "crc32", "uploaded_at", "status", "motion")


def record_file(rec: Mapping[str, Any]) -> StoredFile:
    """The StoredFile a record (of an untrashed item: its folder and name are its own) holds."""
    crc, motion = rec.get("crc32"), rec.get("motion")
    return StoredFile(
        rec["id"], rec["name"], int(rec["size"]), int(crc) if crc is not None else None,
        parse_iso(rec["uploaded_at"]), Status(rec["status"]),
        Motion.from_json(motion) if motion else None,
    )  # fmt: skip
