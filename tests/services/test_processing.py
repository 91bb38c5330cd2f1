"""Processing end to end on both backends: original in storage → ready item with thumbnails."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from pathlib import Path

import av
import httpx
import pytest
from PIL import Image

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, UnsupportedMedia
from rdrive_app.core.keys import original_key, thumbnail_key
from rdrive_app.core.settings import Settings
from rdrive_app.services import image_renditions, processing
from rdrive_app.services.image_renditions import rendition_key, rendition_url
from rdrive_app.services.processing import ProcessingPool, process_item, sniff_upload
from rdrive_app.storage import Storage


def add(
    storage: Storage,
    data: bytes,
    name: str,
    *,
    status: Status = Status.PROCESSING,
    content_type: str = "image/jpeg",
) -> MediaItem:
    """An item whose original has arrived, as upload completion leaves it."""
    kind = Kind.VIDEO if content_type.startswith("video/") else Kind.IMAGE
    item = MediaItem(
        id=new_id(),
        folder="/",
        name=name,
        kind=kind,
        content_type=content_type,
        size=len(data),
        uploaded_by="ann",
        status=status,
    )
    storage.blobs.put(original_key(item.id), data, content_type)
    return storage.catalog.add_item(item)


def webp(storage: Storage, key: str) -> Image.Image:
    size = storage.blobs.size(key)
    assert size, f"{key} is missing"
    im = Image.open(io.BytesIO(storage.blobs.read_range(key, 0, size)))
    assert im.format == "WEBP"
    return im


def audio_only_mp4(media_dir: Path) -> bytes:
    """The FLV sample's AAC track remuxed into MP4: an allowed container with no video."""
    out = io.BytesIO()
    with av.open(str(media_dir / "videos/audio_only.flv")) as src, av.open(out, "w", "mp4") as dst:
        audio = dst.add_stream_from_template(src.streams.audio[0])
        for packet in src.demux(src.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = audio
                dst.mux(packet)
    return out.getvalue()


@pytest.fixture
def settings(storage_settings: Settings) -> Settings:
    return storage_settings


def test_photo_becomes_ready_with_thumbnails_and_metadata(
    storage: Storage, settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "photos/gps/DSCN0010.jpg").read_bytes()
    item = add(storage, data, "DSCN0010.jpg", status=Status.PROCESSING)  # as completion leaves it
    done = process_item(storage, settings, item.id)
    assert done.status == Status.READY and done.status_reason is None
    assert storage.catalog.get_item(item.id) == done
    assert done.thumbnails == {
        "thumb": thumbnail_key(item.id, "thumb"),
        "preview": thumbnail_key(item.id, "preview"),
    }
    assert webp(storage, done.thumbnails["thumb"]).size == (400, 300)
    assert webp(storage, done.thumbnails["preview"]).size == (640, 480)
    assert (done.width, done.height, done.kind, done.content_type) == (
        640,
        480,
        Kind.IMAGE,
        "image/jpeg",
    )
    assert done.sha256 == hashlib.sha256(data).hexdigest()
    assert done.camera == "NIKON COOLPIX P6000"
    assert done.gps is not None and done.gps.lat == pytest.approx(43.467448, abs=1e-5)
    assert done.taken_at is not None and done.taken_at.year == 2008


def test_video_gets_rotation_and_a_portrait_poster(
    storage: Storage, settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "videos/iphone_rotated.mov").read_bytes()
    item = add(storage, data, "IMG_0001.MOV", content_type="video/quicktime")
    done = process_item(storage, settings, item.id)
    assert done.status == Status.READY, done.status_reason
    assert (done.kind, done.rotation, done.width, done.height) == (Kind.VIDEO, 90, 320, 568)
    assert done.duration == pytest.approx(2.2, abs=0.05)
    assert done.codec == "h264"
    thumb = webp(storage, done.thumbnails["thumb"])
    assert thumb.height > thumb.width


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("photos/samplefilehub.heif", "image/heif"),
        ("photos/Crémieux11.tiff", "image/tiff"),
        ("videos/sample_640x360.mkv", "video/x-matroska"),
        ("videos/sample.mp4", "video/mp4"),
    ],
)
def test_other_formats(
    storage: Storage, settings: Settings, media_dir: Path, name: str, content_type: str
) -> None:
    path = media_dir / name
    item = add(storage, path.read_bytes(), path.name, content_type=content_type)
    done = process_item(storage, settings, item.id)
    assert done.status == Status.READY, done.status_reason
    assert done.name == path.name
    assert webp(storage, done.thumbnails["thumb"]).size[0] > 0


def test_the_bytes_decide_the_type(storage: Storage, settings: Settings, media_dir: Path) -> None:
    data = (media_dir / "photos/orientation/portrait_1.jpg").read_bytes()
    item = add(storage, data, "clip.mov", content_type="video/quicktime")  # a photo named .mov
    done = process_item(storage, settings, item.id)
    assert (done.status, done.kind, done.content_type) == (Status.READY, Kind.IMAGE, "image/jpeg")


def test_a_container_without_video_fails(
    storage: Storage, settings: Settings, media_dir: Path
) -> None:
    item = add(storage, audio_only_mp4(media_dir), "song.mp4", content_type="video/mp4")
    done = process_item(storage, settings, item.id)
    assert (done.status, done.status_reason) == (Status.FAILED, "no video stream")
    assert done.thumbnails == {}


def test_not_media_fails_and_its_bytes_are_deleted(storage: Storage, settings: Settings) -> None:
    item = add(storage, b"just some text, honestly", "holiday.jpg")
    done = process_item(storage, settings, item.id)
    assert (done.status, done.status_reason) == (Status.FAILED, "not a photo or video")
    assert storage.blobs.size(original_key(item.id)) is None


@pytest.mark.parametrize(
    "name", ["corrupted.jpg", "invalid/image00971.jpg", "tests/36-memory_error.jpg"]
)
def test_damaged_files_end_ready_or_failed_with_a_reason(
    storage: Storage, settings: Settings, media_dir: Path, name: str
) -> None:
    item = add(storage, (media_dir / "photos" / name).read_bytes(), Path(name).name)
    started = time.monotonic()
    done = process_item(storage, settings, item.id)
    assert time.monotonic() - started < settings.processing_timeout_s
    assert done.status in (Status.READY, Status.FAILED)
    assert done.status == Status.READY or done.status_reason


def test_a_truncated_photo_fails_with_a_reason(
    storage: Storage, settings: Settings, media_dir: Path
) -> None:
    data = (media_dir / "photos/gps/DSCN0021.jpg").read_bytes()
    item = add(storage, data[: len(data) // 2], "cut.jpg")
    done = process_item(storage, settings, item.id)
    assert done.status == Status.FAILED
    assert done.status_reason is not None and "damaged" in done.status_reason


def test_limits_time_and_pixels(storage: Storage, settings: Settings, media_dir: Path) -> None:
    heic = add(storage, (media_dir / "photos/IMG_5195.HEIC").read_bytes(), "slow.heic")
    hurried = settings.model_copy(update={"processing_timeout_s": 0.05})
    done = process_item(storage, hurried, heic.id)
    assert done.status == Status.FAILED
    assert done.status_reason == "processing took longer than the limit of 0.05 s"
    big = add(storage, (media_dir / "photos/tests/36-memory_error.jpg").read_bytes(), "big.jpg")
    small = settings.model_copy(update={"max_pixels": 1_000_000})
    done = process_item(storage, small, big.id)
    assert done.status == Status.FAILED
    assert done.status_reason == "the image is larger than the limit of 1 megapixels"


def test_processing_is_idempotent(storage: Storage, settings: Settings, media_dir: Path) -> None:
    item = add(storage, (media_dir / "photos/Canon_40D.jpg").read_bytes(), "Canon_40D.jpg")
    first = process_item(storage, settings, item.id)
    thumb = storage.blobs.read_range(first.thumbnails["thumb"], 0, 1 << 20)
    assert process_item(storage, settings, item.id) == first  # a duplicate event: no work
    again = process_item(storage, settings, item.id, force=True)
    assert again.status == Status.READY and again.camera == first.camera == "Canon EOS 40D"
    assert storage.blobs.read_range(first.thumbnails["thumb"], 0, 1 << 20) == thumb


def test_sniff_upload_records_the_real_type(storage: Storage, media_dir: Path) -> None:
    data = (media_dir / "videos/sample.mp4").read_bytes()
    item = add(storage, data, "sample.jpg", status=Status.UPLOADING, content_type="image/jpeg")
    found = sniff_upload(storage, item.id)
    assert (found.kind, found.content_type) == (Kind.VIDEO, "video/mp4")
    stored = storage.catalog.get_item(item.id)
    assert (stored.kind, stored.content_type) == (Kind.VIDEO, "video/mp4")


@pytest.mark.parametrize(
    "data",
    [
        b"I am a text file named .jpg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
)
def test_sniff_upload_refuses_with_415(storage: Storage, data: bytes) -> None:
    item = add(storage, data, "photo.jpg", status=Status.UPLOADING)
    with pytest.raises(UnsupportedMedia, match="not a photo or video") as refused:
        sniff_upload(storage, item.id)
    assert refused.value.status_code == 415
    assert storage.blobs.size(original_key(item.id)) is None
    with pytest.raises(NotFound):
        storage.catalog.get_item(item.id)


def test_renditions_are_made_once_then_only_signed(
    storage: Storage, settings: Settings, media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = add(storage, (media_dir / "photos/gps/DSCN0010.jpg").read_bytes(), "d.jpg")
    process_item(storage, settings, item.id)
    url = rendition_url(storage, settings, item.id, 200)  # small: scaled from the preview
    assert webp(storage, rendition_key(item.id, 200)).size == (200, 150)
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(response.content)).size == (200, 150)
    rendition_url(storage, settings, item.id, "800")  # wider than the preview: the original
    assert webp(storage, rendition_key(item.id, 800)).size == (640, 480)  # never enlarged

    def no_rendering(*args: object) -> bytes:
        raise AssertionError("a stored rendition must not be made again")

    monkeypatch.setattr(image_renditions, "_render", no_rendering)
    assert rendition_url(storage, settings, item.id, 200)
    for bad in (300, 0, -1, "200px", True, None, 10**9):
        with pytest.raises(InvalidInput, match="width must be one of 200, 400, 800, 1600, 2560"):
            rendition_url(storage, settings, item.id, bad)
    with pytest.raises(NotFound):
        rendition_url(storage, settings, "no-such-item", 200)


def test_renditions_of_unfinished_failed_and_video_items(
    storage: Storage, settings: Settings, media_dir: Path
) -> None:
    pending = add(storage, b"\xff\xd8\xff", "pending.jpg")
    with pytest.raises(Conflict):
        rendition_url(storage, settings, pending.id, 400)
    process_item(storage, settings, pending.id)
    with pytest.raises(NotFound):
        rendition_url(storage, settings, pending.id, 400)
    video = add(
        storage,
        (media_dir / "videos/iphone_rotated.mov").read_bytes(),
        "v.mov",
        content_type="video/quicktime",
    )
    process_item(storage, settings, video.id)
    rendition_url(storage, settings, video.id, 1600)
    assert webp(storage, rendition_key(video.id, 1600)).size == (320, 568)


def test_pool_recovers_items_left_in_processing(
    storage: Storage, settings: Settings, media_dir: Path
) -> None:
    stuck = [
        add(storage, (media_dir / f"photos/orientation/landscape_{n}.jpg").read_bytes(), f"{n}.jpg")
        for n in (2, 5, 8)
    ]
    add(storage, b"bytes still arriving", "later.jpg", status=Status.UPLOADING)
    pool = ProcessingPool(storage, settings)
    try:
        assert pool.recover() == 3
    finally:
        pool.shutdown(wait=True)
    for item in stuck:
        done = storage.catalog.get_item(item.id)
        assert done.status == Status.READY, done.status_reason
        assert (done.width, done.height) == (600, 450)
    assert storage.catalog.items_with_status(Status.PROCESSING) == []


def test_pool_submit_returns_at_once_and_ignores_duplicates(
    storage: Storage, settings: Settings, media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = add(storage, (media_dir / "photos/Nikon_D70.jpg").read_bytes(), "n.jpg")
    release = threading.Event()
    real = processing.process_item

    def held(*args: object, **kwargs: object) -> MediaItem:
        assert release.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(processing, "process_item", held)
    pool = ProcessingPool(storage, settings)
    try:
        started = time.monotonic()
        first = pool.submit(item.id)
        assert time.monotonic() - started < 0.5
        assert first is not None
        assert pool.submit(item.id) is None  # already queued
        release.set()
        done = first.result(timeout=30)
        assert done is not None and done.status == Status.READY
        second = pool.submit(item.id)  # finished: may be queued again, and is a no-op
        assert second is not None and second.result(timeout=30) == done
    finally:
        release.set()
        pool.shutdown()


def test_pool_marks_unexpected_errors_failed(
    storage: Storage, settings: Settings, media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = add(storage, (media_dir / "photos/Nikon_D70.jpg").read_bytes(), "n.jpg")

    def broken(*args: object, **kwargs: object) -> MediaItem:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(processing, "process_item", broken)
    pool = ProcessingPool(storage, settings)
    future = pool.submit(item.id)
    assert future is not None
    failed = future.result(timeout=30)
    pool.shutdown()
    assert failed is not None
    assert (failed.status, failed.status_reason) == (
        Status.FAILED,
        "processing failed: disk on fire",
    )


def test_event_queue_leaves_processing_to_the_s3_event() -> None:
    assert processing.EventQueue().submit("anything") is None
