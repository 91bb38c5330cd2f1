"""The reconciler on both backends: it reports damage without touching anything, repairs it on
request, leaves what is legitimate alone, and finishes a DynamoDB folder move a crash stopped."""

from __future__ import annotations

import zlib

import pytest
from typer.testing import CliRunner

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.keys import thumbnail_key
from rdrive_app.core.settings import Settings
from rdrive_app.services.upkeep.fsck import MISSING_ORIGINAL, fsck
from rdrive_app.storage import Storage
from tests.security.support import PHOTO, snapshot


def _item(storage: Storage, name: str, status: Status, *, thumbs: bool = True) -> MediaItem:
    item = MediaItem(
        id=new_id(), folder="/f", name=name, kind=Kind.IMAGE, content_type="image/jpeg",
        size=10, uploaded_by="alice", status=status,
    )  # fmt: skip
    if status is not Status.UPLOADING:
        storage.blobs.put(item.original_key, PHOTO.read_bytes()[:10], "image/jpeg")
    if status is Status.READY and thumbs:
        key = thumbnail_key(item.id, "thumb")
        storage.blobs.put(key, b"webp", "image/webp")
        item = item.with_changes(thumbnails={"thumb": key})
    return storage.catalog.add_item(item)


@pytest.fixture
def damaged(storage: Storage) -> dict[str, MediaItem]:
    storage.catalog.create_folder("/f")
    items = {
        "fine": _item(storage, "fine.jpg", Status.READY),
        "lost": _item(storage, "lost.jpg", Status.READY),
        "no thumbs": _item(storage, "nothumbs.jpg", Status.READY),
        "failed": _item(storage, "failed.jpg", Status.FAILED),
        "arriving": _item(storage, "arriving.jpg", Status.UPLOADING),
    }
    storage.blobs.delete(items["lost"].original_key)
    storage.blobs.delete(items["no thumbs"].thumbnails["thumb"])
    storage.blobs.delete(items["failed"].original_key)  # processing deletes what is not media
    storage.blobs.put("originals/orphan1", b"left behind", "image/jpeg")
    storage.blobs.put("thumbs/orphan2/thumb.webp", b"left behind", "image/webp")
    return items


def test_report_changes_nothing_and_repair_fixes_everything(
    storage: Storage, damaged: dict[str, MediaItem]
) -> None:
    before = snapshot(storage)
    report = fsck(storage)
    assert report.rows_without_blobs == [damaged["lost"].id]
    assert report.missing_thumbnails == [damaged["no thumbs"].id]
    assert report.blobs_without_rows == ["originals/orphan1", "thumbs/orphan2/thumb.webp"]
    assert not report.clean and snapshot(storage) == before

    queued: list[str] = []
    fsck(storage, repair=True, reprocess=queued.append)
    lost = storage.catalog.get_item(damaged["lost"].id)
    assert (lost.status, lost.status_reason) == (Status.FAILED, MISSING_ORIGINAL)
    assert queued == [damaged["no thumbs"].id]
    assert storage.catalog.get_item(queued[0]).status == Status.PROCESSING
    assert storage.blobs.size("originals/orphan1") is None
    assert storage.blobs.size("thumbs/orphan2/thumb.webp") is None
    fine = storage.catalog.get_item(damaged["fine"].id)
    # untouched, but for the CRC-32 an item from before stored CRCs is given
    assert fine == damaged["fine"].with_changes(crc32=fine.crc32)
    assert fine.crc32 == zlib.crc32(storage.blobs.read_range(fine.original_key, 0, 10))
    assert storage.blobs.size(fine.original_key) == 10
    assert storage.catalog.get_item(damaged["arriving"].id).status == Status.UPLOADING
    assert fsck(storage).clean


def test_the_cli_reports_then_repairs(
    storage: Storage,
    storage_settings: Settings,
    damaged: dict[str, MediaItem],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rdrive_app.entrypoints.cli import app

    for name in ("backend", "data_dir", "bucket", "items_table", "users_table", "jwt_secret"):
        monkeypatch.setenv(f"RDRIVE_{name.upper()}", str(getattr(storage_settings, name)))
    runner = CliRunner()
    found = runner.invoke(app, ["fsck"])
    assert found.exit_code == 1, found.output
    assert "item" in found.output and "belongs to no item" in found.output
    fixed = runner.invoke(app, ["fsck", "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert "repaired: blob originals/orphan1 belongs to no item (deleted)" in fixed.output


@pytest.mark.parametrize("storage_settings", ["aws"], indirect=True)
def test_an_interrupted_dynamo_folder_move_is_finished(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rdrive_app.storage.aws import moves as dynamo_moves

    catalog = storage.catalog
    catalog.create_folder("/big")
    catalog.create_folder("/big/sub")
    ids = {_item_in(storage, "/big", n).id for n in range(7)}
    ids |= {_item_in(storage, "/big/sub", n).id for n in range(3)}
    monkeypatch.setattr(dynamo_moves, "MOVE_BATCH", 3)
    real = catalog.first_records
    calls = {"n": 0}

    def power_cut(folder: str, n: int):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("power cut")
        return real(folder, n)

    monkeypatch.setattr(catalog, "first_records", power_cut)
    with pytest.raises(ConnectionError):
        catalog.move_folder("/big", "/moved")
    monkeypatch.setattr(catalog, "first_records", real)
    assert fsck(storage).interrupted_moves == [("/big", "/moved")]
    report = fsck(storage, repair=True)
    assert report.interrupted_moves == [("/big", "/moved")]
    assert [f.path for f in catalog.list_folders("/")] == ["/moved"]
    moved = catalog.list_items("/moved").items + catalog.list_items("/moved/sub").items
    assert {i.id for i in moved} == ids
    assert fsck(storage).clean


def _item_in(storage: Storage, folder: str, n: int) -> MediaItem:
    item = MediaItem(
        id=new_id(), folder=folder, name=f"{n}.jpg", kind=Kind.IMAGE, content_type="image/jpeg",
        size=3, uploaded_by="alice", status=Status.FAILED,
    )  # fmt: skip
    return storage.catalog.add_item(item)
