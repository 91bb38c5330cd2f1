"""CRC-32s stored at processing make a ZIP a copy; items from before get theirs from the first
ZIP of them or from the reconciler's backfill. Both backends, real files."""

from __future__ import annotations

import dataclasses
import io
import zipfile
import zlib
from pathlib import Path

from rdrive_app.core.settings import Settings
from rdrive_app.services.downloads import DownloadService
from rdrive_app.services.upkeep.checksums import backfill_checksums
from rdrive_app.services.upkeep.fsck import fsck
from rdrive_app.storage import Storage
from tests.services.test_live_photos import listed, settings, short_mov, still, upload

__all__ = ["settings"]  # the fixture, shared


def unzip(storage: Storage, ids: list[str]) -> zipfile.ZipFile:
    data = b"".join(DownloadService(storage).zip_items(ids).chunks)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every entry's CRC is right
    return archive


def forget_checksums(storage: Storage, item_id: str) -> None:
    """As an item processed before CRC-32s were stored."""
    item = storage.catalog.get_item(item_id)
    motion = item.motion and dataclasses.replace(item.motion, crc32=None)
    storage.catalog.update_item(item_id, crc32=None, motion=motion)


def test_processing_stores_the_crc_and_the_zip_needs_no_descriptor(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    photo, video = still(None, tmp_path), short_mov()
    upload(storage, settings, photo, "IMG_7.jpg")
    upload(storage, settings, video, "IMG_7.mov")  # joins the still as its Live Photo video
    (item,) = listed(storage)
    assert item.crc32 == zlib.crc32(photo)
    assert item.motion is not None and item.motion.crc32 == zlib.crc32(video)
    archive = unzip(storage, [item.id])
    assert [i.flag_bits & 0x08 for i in archive.infolist()] == [0, 0]  # CRCs up front
    assert archive.read("IMG_7.jpg") == photo and archive.read("IMG_7.mov") == video


def test_a_zip_of_items_without_crc_computes_and_keeps_them(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    photo, video = still(None, tmp_path), short_mov()
    upload(storage, settings, photo, "IMG_8.jpg")
    upload(storage, settings, video, "IMG_8.mov")
    (item,) = listed(storage)
    forget_checksums(storage, item.id)
    archive = unzip(storage, [item.id])
    assert all(i.flag_bits & 0x08 for i in archive.infolist())  # computed on the way
    assert archive.read("IMG_8.mov") == video
    kept = storage.catalog.get_item(item.id)
    assert kept.crc32 == zlib.crc32(photo)
    assert kept.motion is not None and kept.motion.crc32 == zlib.crc32(video)


def test_the_reconciler_backfills_missing_crcs_within_its_budget(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    photo = still(None, tmp_path)
    items = [upload(storage, settings, photo, f"IMG_{n}.jpg") for n in range(3)]
    for item in items:
        forget_checksums(storage, item.id)
    found = fsck(storage)
    assert found.missing_checksums == sorted(i.id for i in items)
    assert "3 items have no stored CRC-32" in found.lines()
    assert found.clean  # not damage: the report still says catalog and blobs agree

    assert backfill_checksums(storage, found.missing_checksums, budget_s=-1.0) == 0  # no time
    repaired = fsck(storage, repair=True)
    assert repaired.checksums_stored == 3
    assert "3 items have no stored CRC-32 (3 stored now)" in repaired.lines()
    assert {storage.catalog.get_item(i.id).crc32 for i in items} == {zlib.crc32(photo)}
    assert fsck(storage).missing_checksums == []
