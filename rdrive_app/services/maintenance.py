"""Housekeeping that runs in the app: resume interrupted processing, sweep, empty the trash.

Uploads that never completed (the browser closed, the network died) leave an ``uploading``
record and maybe some bytes; after ``stale_upload_hours`` both are removed. Items that have
been in the trash longer than the retention period are deleted for good.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rdrive_app.domain import Status, utcnow
from rdrive_app.errors import NotFound
from rdrive_app.services.media import MediaService
from rdrive_app.settings import Settings
from rdrive_app.storage import Storage

if TYPE_CHECKING:
    from rdrive_app.services.container import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep removed."""

    stale_uploads: int
    trash_purged: int


def sweep(
    storage: Storage, media: MediaService, settings: Settings, now: datetime | None = None
) -> SweepReport:
    """Remove stale unfinished uploads and trash past its retention period."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=settings.stale_upload_hours)
    stale = 0
    for item in storage.catalog.items_with_status(Status.UPLOADING, older_than=cutoff):
        storage.blobs.delete(item.original_key)
        try:
            storage.catalog.purge_item(item.id)
        except NotFound:
            continue
        stale += 1
    purged = media.empty_expired_trash(now)
    if stale or purged:
        log.info("swept %d stale uploads, purged %d trashed items", stale, purged)
    return SweepReport(stale_uploads=stale, trash_purged=purged)


async def housekeeping(services: Services, interval_s: float = 3600.0) -> None:
    """Run for the app's lifetime: resume interrupted processing once, then sweep hourly."""
    recover = getattr(services.processing, "recover", None)
    if recover is not None:
        await asyncio.to_thread(recover)
    while True:
        try:
            await asyncio.to_thread(sweep, services.storage, services.media, services.settings)
        except Exception:
            log.exception("housekeeping sweep failed; trying again later")
        await asyncio.sleep(interval_s)
