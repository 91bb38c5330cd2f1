"""`rdrive import` in-process, on both backends: a generated tree goes in once, keeps its folders,
skips duplicates and non-media, and a second run (or one after an interruption) uploads nothing
twice. Processing is replaced by a stand-in that records the sha256 at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rdrive_app.client.importer import Importer, scan
from rdrive_app.client.inprocess import InProcessTarget
from rdrive_app.core.domain import Status
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.keys import original_key
from rdrive_app.core.settings import Backend
from rdrive_app.media.sniff import sniff_type
from rdrive_app.services.digests import digests
from rdrive_app.services.folders import FolderService
from rdrive_app.services.uploads import MultipartPolicy, UploadService
from rdrive_app.services.wiring import build_services

PART = 64 * 1024
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


class Processed:
    """Stands in for processing: marks an item ready with its sha256 straight away."""

    def __init__(self) -> None:
        self.storage = None

    def submit(self, item_id: str) -> None:
        sha = digests(self.storage, original_key(item_id))["sha256"]
        self.storage.catalog.update_item(item_id, status=Status.READY, sha256=sha)

    def recover(self) -> int:
        return 0

    def shutdown(self, wait: bool = True) -> None:
        pass


@pytest.fixture
def services(storage, storage_settings):
    queue = Processed()
    queue.storage = storage
    services = build_services(storage_settings, processing=queue)
    services.storage = storage
    services.folders = FolderService(storage.catalog)
    policy = MultipartPolicy(threshold=2 * PART, floor=PART)
    services.uploads = UploadService(storage, storage_settings, sniff_type, queue, policy=policy)
    return services


def photo(seed: int, size: int = 300) -> bytes:
    body = hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1)
    return JPEG_HEAD + body[: size - len(JPEG_HEAD)]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_tree(root: Path, n: int) -> None:
    """``n`` photos in nested folders, two duplicates of the first, and one text file."""
    for i in range(n - 3):
        write(root / f"y{i % 3}" / f"m{i % 4}" / f"IMG_{i:04d}.jpg", photo(i))
    write(root / "IMG_dup.jpg", photo(0))
    write(root / "y1" / "copy of IMG_0000.jpg", photo(0))
    write(root / "y2" / "notes.txt", b"not a photo\n")


def names(services, folder: str) -> list[str]:
    return [i.name for i in services.storage.catalog.list_items(folder, limit=1000).items]


def test_scan_places_files_and_sorts_out_non_media(tmp_path: Path) -> None:
    make_tree(tmp_path, 10)
    write(tmp_path / "empty.jpg", b"")
    write(tmp_path / "bad\x01name.jpg", photo(99))
    found = scan(tmp_path, "/Imports")
    assert found.not_media == ["empty.jpg", "y2/notes.txt"]
    assert [p for p, _ in found.failed] == ["bad\x01name.jpg"]
    assert {f.folder for f in found.files} >= {"/Imports", "/Imports/y0/m0", "/Imports/y1"}
    first = next(f for f in found.files if f.name == "IMG_0000.jpg")
    assert first.content_type == "image/jpeg"
    assert first.fingerprint == f"IMG_0000.jpg|300|{first.path.stat().st_mtime_ns // 10**6}"


def test_a_tree_of_200_files_goes_in_once(tmp_path: Path, services, storage_settings) -> None:
    n = 200 if storage_settings.backend is Backend.LOCAL else 30  # moto: ~0.15 s a file
    make_tree(tmp_path / "disk", n)
    first = Importer(InProcessTarget(services, "alice")).run(tmp_path / "disk", "/Imports")
    assert first.ok, first.failed
    assert len(first.uploaded) == n - 3 and first.not_media == ["y2/notes.txt"]
    assert sorted(first.duplicates) == [  # the walk meets the top-level copy first
        ("y0/m0/IMG_0000.jpg", "same as IMG_dup.jpg"),
        ("y1/copy of IMG_0000.jpg", "same as IMG_dup.jpg"),
    ]
    assert names(services, "/Imports/y0/m0")[:2] == ["IMG_0012.jpg", "IMG_0024.jpg"]
    assert [f.path for f in services.storage.catalog.list_folders("/Imports")] == [
        "/Imports/y0",
        "/Imports/y1",
        "/Imports/y2",
    ]
    again = Importer(InProcessTarget(services, "alice")).run(tmp_path / "disk", "/Imports")
    assert again.ok and again.uploaded == []
    assert len(again.duplicates) == n - 1
    assert services.storage.catalog.count() == (n - 3, 16)


def test_import_resumes_after_an_interruption(tmp_path: Path, services) -> None:
    disk = tmp_path / "disk"
    make_tree(disk, 6)
    big = write(disk / "clips" / "big.jpg", photo(7, 3 * PART + 500))  # 4 parts
    target = InProcessTarget(services, "alice")
    real_sink, sent = target.sink, []

    class Failing:
        """Storage takes the first part of the big file, then the connection dies for good."""

        def put(self, url, headers, path, offset, length, progress):
            if path == big and sent:
                raise RDriveError("connection lost")
            if path == big:
                sent.append(offset)
            return real_sink.put(url, headers, path, offset, length, progress)

    target.sink = Failing()
    first = Importer(target, files_in_flight=1).run(disk)
    assert [p for p, _ in first.failed] == ["clips/big.jpg"] and not first.ok
    assert len(first.uploaded) == 3
    item = services.storage.catalog.list_items("/clips").items[0]
    assert item.status == Status.UPLOADING and item.upload_id

    again_sent = []

    class Counting:
        def put(self, url, headers, path, offset, length, progress):
            again_sent.append((path.name, offset))
            return real_sink.put(url, headers, path, offset, length, progress)

    target = InProcessTarget(services, "alice")
    target.sink = Counting()
    second = Importer(target).run(disk)
    assert second.ok and second.uploaded == ["clips/big.jpg"]
    assert sorted(again_sent) == [("big.jpg", PART), ("big.jpg", 2 * PART), ("big.jpg", 3 * PART)]
    assert names(services, "/clips") == ["big.jpg"]
    done = services.storage.catalog.get_item(item.id)
    assert (
        done.status == Status.READY and done.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    )


def test_dry_run_changes_nothing(tmp_path: Path, services) -> None:
    make_tree(tmp_path, 8)
    report = Importer(InProcessTarget(services, "alice")).run(tmp_path, "/New", dry_run=True)
    assert report.dry_run and len(report.uploaded) == 5 and report.uploaded_bytes == 1500
    assert services.storage.catalog.count() == (0, 0)
