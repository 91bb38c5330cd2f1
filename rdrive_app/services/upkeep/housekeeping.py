"""Housekeeping that runs in the app: resume interrupted processing, sweep, empty the trash,
and reconcile the catalog with the blob store (services/upkeep/fsck.py).

Uploads that never completed (the browser closed, the network died) leave an ``uploading``
record and maybe some bytes or multipart parts; after ``stale_upload_hours`` without activity
(``uploaded_at``, which signing parts, a part arriving and completion refresh) all are removed
(their multipart upload is aborted by its stored id), and so are the part directories no record
points at any more in a store that keeps parts itself (``DropsOldUploads``, the local one). On
S3 the bucket's lifecycle rule aborts incomplete multipart uploads after a day as well. Items
that have been in the trash longer than the retention period are deleted for good.

A sweep deletes what it listed only as it listed it (``purge_item(unchanged=...)``): an upload
completed or touched meanwhile, an item restored meanwhile, is left alone; and the record goes
before the blobs, so a failure in between leaves blobs no item owns (fsck deletes those), never
an item whose bytes are gone.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rdrive_app.core.domain import Status, utcnow
from rdrive_app.core.settings import Settings
from rdrive_app.services.items import ItemService
from rdrive_app.storage import Storage

if TYPE_CHECKING:
    from rdrive_app.services.wiring import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep removed."""

    stale_uploads: int
    trash_purged: int
    orphan_uploads: int = 0


def sweep(
    storage: Storage, media: ItemService, settings: Settings, now: datetime | None = None
) -> SweepReport:
    """Remove stale unfinished uploads and trash past its retention period."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=settings.stale_upload_hours)
    stale = 0
    for item in storage.catalog.items_with_status(Status.UPLOADING, older_than=cutoff):
        # the record first, and only as listed: an upload that moved since (a part signed or
        # arriving, a completion under way or done) is no longer stale and keeps its bytes
        if not storage.catalog.purge_item(item.id, unchanged=item):
            continue
        if item.upload_id is not None:
            storage.blobs.abort_multipart(item.original_key, item.upload_id)
        storage.blobs.delete(item.original_key)
        stale += 1
    orphans = 0
    if storage.old_uploads is not None:
        orphans = storage.old_uploads.abort_uploads_before(cutoff.timestamp())
    purged = media.empty_expired_trash(now)
    if stale or purged or orphans:
        log.info(
            "swept %d stale uploads and %d orphan part sets, purged %d trashed items",
            stale, orphans, purged,
        )  # fmt: skip
    return SweepReport(stale_uploads=stale, trash_purged=purged, orphan_uploads=orphans)


async def housekeeping(services: Services, interval_s: float = 3600.0) -> None:
    """Run for the app's lifetime: resume interrupted processing once, then sweep hourly."""
    await asyncio.to_thread(services.processing.recover)
    while True:
        try:
            await asyncio.to_thread(sweep, services.storage, services.items, services.settings)
        except Exception:
            log.exception("housekeeping sweep failed; trying again later")
        try:
            await asyncio.to_thread(reconcile, services)
        except Exception:
            log.exception("reconciling catalog and blobs failed; trying again later")
        await asyncio.sleep(interval_s)


def reconcile(services: Services, now: datetime | None = None) -> None:
    """The reconciler with repair (services/upkeep/fsck.py); thumbnails are made again in the app's
    pool, or left to be reported when processing runs elsewhere (the Lambda on AWS). Then items
    in ``processing`` for longer than ``stuck_processing_minutes`` go to the processing queue
    again (``recover``): nothing else would ever take them up on AWS."""
    from rdrive_app.core.settings import ProcessingMode
    from rdrive_app.services.upkeep.fsck import fsck

    settings = services.settings
    in_app = settings.processing is ProcessingMode.APP
    fsck(services.storage, repair=True, reprocess=services.processing.submit if in_app else None)
    stuck_before = (now or utcnow()) - timedelta(minutes=settings.stuck_processing_minutes)
    if services.processing.recover(stuck_before=stuck_before):
        log.info("took up again the items in processing since before %s", stuck_before)
