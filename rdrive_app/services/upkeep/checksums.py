"""The backfill of CRC-32s for items processed before processing stored them.

A ZIP entry with a stored CRC-32 is a plain copy of its bytes (services/zip_writer.py); one
without costs a CRC pass while the ZIP is sent (which then stores it). The reconciler
(services/upkeep/fsck.py) finds the ready items, and the Live Photo video halves a ZIP holds,
that still lack one, and with repair computes them here: at most ``budget_s`` of reading per
run, so a library of years after an upgrade is done over a few hourly runs, not in one that
holds up the rest of housekeeping.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import NotFound
from rdrive_app.services.digests import crc32_of
from rdrive_app.storage import Storage

log = logging.getLogger(__name__)

BUDGET_S = 600.0


def lacks_checksum(item: MediaItem) -> bool:
    """A ready item whose original, or whose Live Photo video half (a ZIP holds both), has no
    stored CRC-32."""
    if item.status != Status.READY:
        return False
    motion = item.motion
    return item.crc32 is None or (motion is not None and bool(motion.name) and motion.crc32 is None)


def missing_checksums(items: Iterable[MediaItem]) -> list[str]:
    return sorted(item.id for item in items if lacks_checksum(item))


def backfill_checksums(
    storage: Storage, item_ids: Iterable[str], budget_s: float = BUDGET_S
) -> int:
    """Compute and store the missing CRC-32s of these items until ``budget_s`` has passed;
    how many items were completed. An item changed or gone meanwhile is skipped."""
    catalog = storage.catalog
    deadline = time.monotonic() + budget_s
    done = 0
    for item_id in item_ids:
        if time.monotonic() > deadline:
            break
        try:
            item = catalog.get_item(item_id)
            if not lacks_checksum(item):
                continue
            fields: dict[str, object] = {}
            if item.crc32 is None:
                fields["crc32"] = crc32_of(storage, item.original_key)
            motion = item.motion
            if motion is not None and motion.name and motion.crc32 is None:
                fields["motion"] = dataclasses.replace(motion, crc32=crc32_of(storage, motion.key))
            catalog.update_item(item_id, **fields)
            done += 1
        except NotFound:
            continue
    if done:
        log.info("stored the CRC-32 of %d items processed before CRC-32s were kept", done)
    return done
