"""The reconciler: makes the catalog and the blob store agree again after a crash or a fault.

``rdrive fsck`` runs it by hand (report, or ``--repair``); the app runs it with repair after each
hourly sweep (services/upkeep/housekeeping.py). What it finds and does:

- an item that is processing or ready whose original is gone: marked failed with the reason,
  so the person sees what was lost instead of a tile that never loads (a failed item may have
  no original: processing deletes what is not a photo or video);
- a ready item whose thumbnails or playback rendition are gone: made again (``reprocess``);
- a blob that no item owns (an upload cancelled while its bytes were still arriving, a crash
  between deleting a record and its blobs): deleted;
- a folder move that stopped half-way (a catalog with ``ResumableMoves``, DynamoDB): finished;
- items stored before the timeline existed, whose records lack its keys: written again, which
  adds them (and, on DynamoDB, counts them in their months);
- items processed before places and search existed: a position without its place gets it
  (media/places.py), and records without search terms (or with stale ones) are written again,
  which indexes them;
- ready items processed before CRC-32s were stored: computed, for a while each run
  (services/upkeep/checksums.py; not damage, so a report can be clean and list them);
- temp files that a killed write left behind (a store that ``CleansTempFiles``, the local one;
  older than ``temp_age_s``, so a write in progress is never touched): deleted.

Records are listed before and after the blobs, so nothing created meanwhile is mistaken for
damage: an upload's record always exists before its bytes. Deleting removes the record before
the bytes, so blobs seen without a record may be on their way out already; deleting them is
what the purge was doing anyway.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from rdrive_app.core.domain import MediaItem, Place, Status
from rdrive_app.core.errors import NotFound, RDriveError
from rdrive_app.core.keys import DERIVED_PREFIX, ORIGINALS_PREFIX, owner_of
from rdrive_app.services.places import missing_places
from rdrive_app.services.upkeep.checksums import backfill_checksums, missing_checksums
from rdrive_app.storage import Storage

log = logging.getLogger(__name__)

MISSING_ORIGINAL = "the original file is missing from storage"
TEMP_AGE_S = 6 * 3600.0


@dataclass
class FsckReport:
    """What was found (and, with repair, fixed)."""

    items: int = 0
    blobs: int = 0
    rows_without_blobs: list[str] = field(default_factory=list)
    missing_thumbnails: list[str] = field(default_factory=list)
    blobs_without_rows: list[str] = field(default_factory=list)
    interrupted_moves: list[tuple[str, str]] = field(default_factory=list)
    stale_temp_files: list[str] = field(default_factory=list)
    off_timeline: list[str] = field(default_factory=list)
    missing_places: dict[str, Place] = field(default_factory=dict)
    unindexed: list[str] = field(default_factory=list)
    missing_checksums: list[str] = field(default_factory=list)
    checksums_stored: int = 0
    repaired: bool = False

    @property
    def clean(self) -> bool:
        return not (
            self.rows_without_blobs
            or self.missing_thumbnails
            or self.blobs_without_rows
            or self.interrupted_moves
            or self.stale_temp_files
            or self.off_timeline
            or self.missing_places
            or self.unindexed
        )

    def lines(self) -> list[str]:
        """A report for people, one finding per line."""
        verb = "repaired" if self.repaired else "found"
        out = [f"checked {self.items} items and {self.blobs} blobs"]
        out += [
            f"{verb}: item {i} has no original (marked failed)" for i in self.rows_without_blobs
        ]
        out += [
            f"{verb}: item {i} lost its thumbnails (made again)" for i in self.missing_thumbnails
        ]
        out += [f"{verb}: blob {k} belongs to no item (deleted)" for k in self.blobs_without_rows]
        out += [
            f"{verb}: move {a} → {b} was interrupted (finished)" for a, b in self.interrupted_moves
        ]
        out += [f"{verb}: unfinished write {p} (deleted)" for p in self.stale_temp_files]
        out += [f"{verb}: item {i} was not on the timeline (added)" for i in self.off_timeline]
        out += [
            f"{verb}: item {i} has no place for its position (now {p.label})"
            for i, p in self.missing_places.items()
        ]
        out += [f"{verb}: item {i} was not in the search index (added)" for i in self.unindexed]
        if self.missing_checksums:
            stored = f" ({self.checksums_stored} stored now)" if self.repaired else ""
            out.append(f"{len(self.missing_checksums)} items have no stored CRC-32{stored}")
        if self.clean:
            out.append("catalog and blob store agree")
        return out


def _all_items(storage: Storage) -> dict[str, MediaItem]:
    return {
        item.id: item
        for status in Status
        for item in storage.catalog.items_with_status(status.value)
    }


def fsck(
    storage: Storage,
    *,
    repair: bool = False,
    reprocess: Callable[[str], object] | None = None,
    temp_age_s: float = TEMP_AGE_S,
) -> FsckReport:
    """Compare catalog and blobs; with ``repair``, fix what is found (see the module doc)."""
    blobs = storage.blobs
    report = FsckReport(repaired=repair)
    temp_files, moves = storage.temp_files, storage.resumable_moves
    if temp_files is not None:
        report.stale_temp_files = temp_files.stale_temp_files(temp_age_s)
    if moves is not None:
        report.interrupted_moves = list(moves.interrupted_moves())
        if repair:
            for src, dst in report.interrupted_moves:
                moves.move_folder(src, dst)
    report.off_timeline = storage.catalog.off_timeline()
    before = _all_items(storage)
    keys = set(blobs.list_keys(ORIGINALS_PREFIX)) | set(blobs.list_keys(DERIVED_PREFIX))
    after = _all_items(storage)
    report.items, report.blobs = len(after), len(keys)
    for item_id, item in before.items():
        if item_id not in after or after[item_id].status != item.status:
            continue  # changed meanwhile: judged on the next run
        if item.status in (Status.PROCESSING, Status.READY) and item.original_key not in keys:
            report.rows_without_blobs.append(item_id)
        elif item.status == Status.READY and any(k not in keys for k in _derived(item)):
            report.missing_thumbnails.append(item_id)
    owned = before.keys() | after.keys()
    report.blobs_without_rows = sorted(k for k in keys if owner_of(k) not in owned)
    report.missing_places = missing_places(after.values())
    report.unindexed = storage.catalog.unindexed()
    report.missing_checksums = missing_checksums(after.values())
    if repair:
        _repair(storage, report, reprocess)
        report.checksums_stored = backfill_checksums(storage, report.missing_checksums)
        if temp_files is not None:
            for name in report.stale_temp_files:
                temp_files.remove_temp_file(name)
    for line in report.lines() if not report.clean else ():
        log.warning("fsck: %s", line)
    return report


def _repair(
    storage: Storage, report: FsckReport, reprocess: Callable[[str], object] | None
) -> None:
    catalog, blobs = storage.catalog, storage.blobs
    for item_id in report.rows_without_blobs:
        try:
            catalog.update_item(item_id, status=Status.FAILED, status_reason=MISSING_ORIGINAL)
        except NotFound:
            continue
    for item_id in report.missing_thumbnails:
        if reprocess is None:
            continue
        try:
            catalog.update_item(item_id, status=Status.PROCESSING, status_reason=None)
            reprocess(item_id)
        except (NotFound, RDriveError) as exc:
            log.warning("fsck: could not queue %s again: %s", item_id, exc)
    for key in report.blobs_without_rows:
        blobs.delete(key)
    for item_id, place in report.missing_places.items():
        with contextlib.suppress(NotFound):
            catalog.update_item(item_id, place=place)  # which indexes it too
    for item_id in {*report.off_timeline, *report.unindexed} - report.missing_places.keys():
        with contextlib.suppress(NotFound):
            catalog.update_item(item_id)


def _derived(item: MediaItem) -> list[str]:
    """The derived files a ready item needs, all made again by processing it again: its
    thumbnails and its playback rendition (a Live Photo's video half is not: it has no source)."""
    rendition = item.playback.key if item.playback and item.playback.key else None
    return [*item.thumbnails.values(), *([rendition] if rendition else [])]
