"""kill -9 of the real backend during an upload, a folder move and processing.

After each crash the backend is started again over the same data: nothing the person had is
lost, the interrupted work is resumed (the upload by its fingerprint, processing by the start-up
recovery) or was never half-done (a local folder move is one transaction), and the reconciler
finds the catalog and the blob store in agreement (after cleaning the killed write's temp file).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.settings import Settings
from rdrive_app.services.upkeep.fsck import fsck
from rdrive_app.services.wiring import Services, build_services
from tests.faults.harness import Backend
from tests.security.support import MEDIA, PASSWORD, PHOTO, NullQueue, snapshot

pytestmark = pytest.mark.xdist_group("faults")
PHOTOS = sorted((MEDIA / "photos" / "orientation").glob("*.jpg"))[:6]


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    server = Backend(root=tmp_path, data_dir=tmp_path / "data")
    yield server
    server.stop()


@pytest.fixture
def local(backend: Backend) -> Iterator[Services]:
    """The same library opened in this process (SQLite in WAL mode: both may use it)."""
    settings = Settings(
        data_dir=backend.data_dir, jwt_secret=backend.env()["RDRIVE_JWT_SECRET"], bcrypt_rounds=4
    )
    services = build_services(settings, processing=NullQueue())
    services.accounts.add_user("alice", PASSWORD)
    services.folders.create_folder("/kept")
    yield services
    services.storage.catalog.close()  # type: ignore[attr-defined]


def _auth(backend: Backend) -> dict[str, str]:
    login = httpx.post(
        f"{backend.url}/api/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _upload(backend: Backend, auth: dict[str, str], paths: list[Path], folder: str) -> list[dict]:
    files = [("files", (p.name, p.read_bytes(), "image/jpeg")) for p in paths]
    done = httpx.post(
        f"{backend.url}/api/media", params={"folder": folder}, files=files, headers=auth, timeout=60
    )
    assert done.status_code == 201, done.text
    return done.json()["items"]


def _wait_ready(backend: Backend, auth: dict[str, str], ids: list[str], timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = [httpx.get(f"{backend.url}/api/media/{i}", headers=auth).json() for i in ids]
        if all(i["status"] in ("ready", "failed") for i in items):
            return items
        time.sleep(0.3)
    raise AssertionError(f"not settled: {[i['status'] for i in items]}")


def _kept(local: Services) -> tuple:
    """What must survive every crash: the folder /kept and everything in it."""
    items = local.storage.catalog.list_items("/kept").items
    blobs = local.storage.blobs
    return tuple(sorted((i.id, i.name, i.status, blobs.size(i.original_key)) for i in items))


def test_kill_during_an_upload_then_resume_it(backend: Backend, local: Services) -> None:
    backend.start()
    auth = _auth(backend)
    _wait_ready(backend, auth, [i["id"] for i in _upload(backend, auth, PHOTOS[:2], "/kept")])
    kept = _kept(local)
    data = PHOTO.read_bytes() + bytes(24 * 1024 * 1024)  # a photo with a long tail
    body = {"folder": "/", "name": "big.jpg", "size": len(data), "content_type": "image/jpeg",
            "fingerprint": "big.jpg|25MB|1"}  # fmt: skip
    ticket = httpx.post(f"{backend.url}/api/uploads", json=body, headers=auth).json()
    assert not ticket["multipart"]
    sent = threading.Event()

    def slowly() -> Iterator[bytes]:
        for start in range(0, len(data), 1 << 20):
            if start >= 4 << 20:
                sent.set()
                time.sleep(0.2)
            yield data[start : start + (1 << 20)]

    def put() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under it
            httpx.put(ticket["upload_url"], content=slowly(), headers=ticket["headers"], timeout=30)

    writer = threading.Thread(target=put)
    writer.start()
    assert sent.wait(20)
    backend.kill()
    writer.join(30)
    assert _kept(local) == kept
    assert fsck(local.storage, temp_age_s=0).stale_temp_files  # the killed write's temp file

    backend.start()
    auth = _auth(backend)
    again = httpx.post(f"{backend.url}/api/uploads", json=body, headers=auth).json()
    assert again["item"]["id"] == ticket["item"]["id"]  # resumed, not a second copy
    assert again["done_parts"] == []
    put_again = httpx.put(again["upload_url"], content=data, headers=again["headers"], timeout=60)
    assert put_again.status_code == 200
    item_id = again["item"]["id"]
    done = httpx.post(f"{backend.url}/api/uploads/{item_id}/complete", headers=auth, timeout=60)
    assert done.status_code == 200, done.text
    assert _wait_ready(backend, auth, [item_id])[0]["status"] == "ready"
    assert _kept(local) == kept
    report = fsck(local.storage, repair=True, temp_age_s=0)
    assert report.stale_temp_files and not report.blobs_without_rows
    assert fsck(local.storage, temp_age_s=0).clean


def test_kill_during_a_folder_move_loses_nothing(backend: Backend, local: Services) -> None:
    catalog = local.storage.catalog
    catalog.create_folder("/big")
    ids = set()
    for n in range(2000):
        item = MediaItem(
            id=new_id(), folder="/big", name=f"{n:04}.jpg", kind=Kind.IMAGE,
            content_type="image/jpeg", size=1, uploaded_by="alice", status=Status.FAILED,
        )  # fmt: skip
        ids.add(catalog.add_item(item).id)
    backend.start()
    auth = _auth(backend)
    before = snapshot(local.storage)

    def move() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under it
            httpx.patch(
                f"{backend.url}/api/folders",
                json={"path": "/big", "new_path": "/moved"},
                headers=auth,
                timeout=30,
            )

    mover = threading.Thread(target=move)
    mover.start()
    time.sleep(0.05)
    backend.kill()
    mover.join(30)
    backend.start()
    folders = {f.path for f in catalog.list_folders("/")} - {"/kept"}
    assert folders in ({"/big"}, {"/moved"})  # one transaction: all moved, or none
    (place,) = folders
    listed: set[str] = set()
    cursor = None
    while True:
        page = catalog.list_items(place, limit=1000, cursor=cursor)
        listed |= {i.id for i in page.items}
        if not (cursor := page.next_cursor):
            break
    assert listed == ids
    if place == "/big":
        assert snapshot(local.storage) == before
    assert fsck(local.storage).clean


def test_kill_during_processing_then_recover(backend: Backend, local: Services) -> None:
    backend.start()
    auth = _auth(backend)
    items = _upload(backend, auth, PHOTOS, "/kept")
    backend.kill()  # right after the answer: most are queued or being decoded
    statuses = [local.storage.catalog.get_item(i["id"]).status for i in items]
    assert Status.PROCESSING in statuses
    backend.start()  # start-up recovery queues what was left in processing
    auth = _auth(backend)
    settled = _wait_ready(backend, auth, [i["id"] for i in items])
    assert [i["status"] for i in settled] == ["ready"] * len(items)
    assert all(i["thumbnail_url"] for i in settled)
    assert fsck(local.storage).clean
