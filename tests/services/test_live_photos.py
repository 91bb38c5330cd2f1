"""Live Photos on both backends: a still and its short video, in either order, become one item.

The halves are real files: a JPEG (with Apple's MakerNote content identifier where a test
says so) and a QuickTime video written with PyAV carrying the identifier in its metadata.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import av
import pytest
from PIL import Image

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id, utcnow
from rdrive_app.core.keys import derived_prefix, original_key
from rdrive_app.core.settings import Settings
from rdrive_app.services.downloads import DownloadService
from rdrive_app.services.presenter import present
from rdrive_app.services.processing import process_item
from rdrive_app.storage import Storage
from tests import media_factory

CONTENT_ID = "4F5E3C2A-1B0D-4E8F-9A7C-6B5D4E3F2A1B"


@pytest.fixture
def settings(storage_settings: Settings) -> Settings:
    return storage_settings


def short_mov(seconds: float = 2.0, content_id: str | None = None) -> bytes:
    """An H.264 QuickTime clip like an iPhone's Live Photo video (small, ``seconds`` long)."""
    out = io.BytesIO()
    options = {"movflags": "use_metadata_tags"} if content_id else {}
    with av.open(out, "w", format="mov", options=options) as container:
        if content_id:
            container.metadata["com.apple.quicktime.content.identifier"] = content_id
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for i in range(round(seconds * 30)):
            frame = av.VideoFrame(320, 240, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([(i * 8) % 256]) * plane.buffer_size)
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def still(content_id: str | None, tmp_path: Path) -> bytes:
    if content_id:
        return media_factory.live_photo_jpeg(tmp_path / f"{new_id()}.jpg", content_id).read_bytes()
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 120, 40)).save(buf, "JPEG")
    return buf.getvalue()


def upload(
    storage: Storage, settings: Settings, data: bytes, name: str, *, ago_s: float = 0
) -> MediaItem:
    """An uploaded original, processed as the app's pool or the Lambda would."""
    kind = Kind.VIDEO if name.lower().endswith((".mov", ".mp4")) else Kind.IMAGE
    item = MediaItem(
        id=new_id(),
        folder="/",
        name=name,
        kind=kind,
        content_type="video/quicktime" if kind == Kind.VIDEO else "image/jpeg",
        size=len(data),
        uploaded_by="ann",
        uploaded_at=utcnow() - timedelta(seconds=ago_s),
        status=Status.PROCESSING,
    )
    storage.blobs.put(original_key(item.id), data, item.content_type)
    storage.catalog.add_item(item)
    return process_item(storage, settings, item.id)


def listed(storage: Storage) -> list[MediaItem]:
    return storage.catalog.list_items("/", limit=100).items


@pytest.mark.parametrize("still_first", [True, False], ids=["still-first", "video-first"])
def test_a_pair_in_either_order_becomes_one_live_item(
    storage: Storage, settings: Settings, tmp_path: Path, still_first: bool
) -> None:
    photo, video = still(CONTENT_ID, tmp_path), short_mov(content_id=CONTENT_ID)
    halves = [(photo, "IMG_1234.JPG"), (video, "IMG_1234.MOV")]
    for data, name in halves if still_first else halves[::-1]:
        upload(storage, settings, data, name)
    (item,) = listed(storage)
    assert item.name == "IMG_1234.JPG" and item.kind == Kind.IMAGE
    assert item.content_id == CONTENT_ID
    assert item.motion is not None and item.motion.name == "IMG_1234.MOV"
    assert storage.blobs.read_range(item.motion.key, 0, len(video) + 1) == video
    assert item.motion.key.startswith(derived_prefix(item.id))
    shown = present(item, storage.blobs, 600)
    assert shown["live"] is True and shown["motion_url"]
    assert shown["motion_type"] and shown["motion_type"].startswith("video/mp4")


def test_the_zip_holds_both_files_and_trash_restore_purge_move_them_together(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    photo, video = still(None, tmp_path), short_mov()
    upload(storage, settings, photo, "IMG_7.jpg")
    upload(storage, settings, video, "IMG_7.mov")
    (item,) = listed(storage)
    assert item.motion is not None
    zipped = DownloadService(storage).zip_items([item.id])
    with zipfile.ZipFile(io.BytesIO(b"".join(zipped.chunks))) as archive:
        assert sorted(archive.namelist()) == ["IMG_7.jpg", "IMG_7.mov"]
        assert archive.read("IMG_7.mov") == video and archive.read("IMG_7.jpg") == photo
    storage.catalog.trash_item(item.id)
    assert listed(storage) == [] and len(storage.catalog.list_trash().items) == 1
    restored = storage.catalog.restore_item(item.id)
    assert restored.motion == item.motion and [i.id for i in listed(storage)] == [item.id]


@pytest.mark.parametrize(
    ("photo_id", "video_id", "seconds", "ago_s"),
    [
        (CONTENT_ID, "00000000-0000-0000-0000-000000000000", 2.0, 0),  # identifiers differ
        (None, None, 12.0, 0),  # a real video, not a Live Photo's few seconds
        (None, None, 2.0, 3600),  # same stem, but uploaded an hour apart
    ],
    ids=["other-identifier", "long-video", "far-apart"],
)
def test_halves_that_do_not_belong_together_stay_two_items(
    storage: Storage,
    settings: Settings,
    tmp_path: Path,
    photo_id: str | None,
    video_id: str | None,
    seconds: float,
    ago_s: float,
) -> None:
    upload(storage, settings, still(photo_id, tmp_path), "DSC_1.JPG", ago_s=ago_s)
    upload(storage, settings, short_mov(seconds, video_id), "DSC_1.MOV")
    items = listed(storage)
    assert sorted(i.name for i in items) == ["DSC_1.JPG", "DSC_1.MOV"]
    assert all(i.motion is None for i in items)


def test_an_identifier_pairs_however_far_apart_they_came(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    upload(storage, settings, short_mov(content_id=CONTENT_ID), "IMG_9.MOV", ago_s=86400)
    upload(storage, settings, still(CONTENT_ID, tmp_path), "IMG_9.JPG")
    (item,) = listed(storage)
    assert item.motion is not None and item.motion.name == "IMG_9.MOV"


def test_a_motion_photo_gets_its_embedded_video_out(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    clip = short_mov(1.5)
    mp4 = io.BytesIO()
    with av.open(io.BytesIO(clip)) as src, av.open(mp4, "w", "mp4") as dst:
        out = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = out
                dst.mux(packet)
    path = media_factory.motion_photo_jpeg(tmp_path / "PXL_1.MP.jpg", mp4.getvalue())
    data = path.read_bytes()
    done = upload(storage, settings, data, "PXL_1.MP.jpg")
    assert done.status == Status.READY and done.motion is not None
    assert done.motion.name is None  # inside the still: not a file of its own in a ZIP
    assert storage.blobs.read_range(done.motion.key, 0, len(data)) == mp4.getvalue()
    assert storage.blobs.read_range(original_key(done.id), 0, len(data) + 1) == data  # whole
    assert present(done, storage.blobs, 600)["live"] is True
