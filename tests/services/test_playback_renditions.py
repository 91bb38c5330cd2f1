"""Playback renditions through processing, on both backends: what the item and the API say.

Media-level checks (codecs, rotation, tone mapping, faststart) are in
tests/unit/media/test_playback.py; here: the rendition is stored beside the untouched original,
the item says which file plays, progress is recorded, and a rendition that cannot be made
leaves the item ready with the reason and its original downloadable.
"""

from __future__ import annotations

import time
from pathlib import Path

import av
import pytest

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.keys import original_key, playback_key
from rdrive_app.core.playback import PlaybackState
from rdrive_app.core.settings import Settings
from rdrive_app.services import playback as playback_service
from rdrive_app.services.presenter import present
from rdrive_app.services.processing import process_item
from rdrive_app.services.upkeep.fsck import fsck
from rdrive_app.storage import Storage
from tests import media_factory as mf
from tests.services.test_processing import add


@pytest.fixture
def settings(storage_settings: Settings) -> Settings:
    return storage_settings


def add_video(storage: Storage, path: Path, content_type: str) -> MediaItem:
    """A video whose original has arrived, as upload completion leaves it."""
    return add(storage, path.read_bytes(), path.name, content_type=content_type)


def test_an_iphone_hevc_video_gets_an_h264_rendition_and_keeps_its_original(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    path = mf.hevc_mov(tmp_path / "IMG_0001.MOV", ten_bit=True, seconds=1.5)
    item = add_video(storage, path, "video/quicktime")
    progress: list[tuple[str, float]] = []
    update = storage.catalog.update_item

    def watching(item_id: str, **fields: object) -> MediaItem:
        playback = fields.get("playback")
        if playback is not None:
            progress.append((playback.state.value, playback.progress))  # type: ignore[attr-defined]
        return update(item_id, **fields)

    storage.catalog.update_item = watching  # type: ignore[method-assign]
    done = process_item(storage, settings, item.id)
    assert done.status == Status.READY and done.playback is not None
    assert done.playback.state == PlaybackState.READY, done.playback
    assert progress[0] == ("preparing", 0.0) and progress[-1] == ("ready", 1.0)
    assert done.playback.key == playback_key(item.id)
    assert done.playback.source_type.startswith('video/quicktime; codecs="hvc1.')
    assert done.playback.type and done.playback.type.startswith('video/mp4; codecs="avc1.')
    assert storage.blobs.read_range(original_key(item.id), 0, 1 << 24) == path.read_bytes()
    shown = present(done, storage.blobs, 600)
    assert shown["url"] and shown["playback_url"] and shown["url"] != shown["playback_url"]
    assert shown["url_type"] == done.playback.source_type
    assert shown["playback"] == {"state": "ready", "progress": 1.0, "reason": done.playback.reason}
    assert (done.width, done.height) == (240, 320)  # portrait, as the phone held it
    with av.open(_local(storage, playback_key(item.id), tmp_path)) as rendition:
        video = rendition.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (240, 320)


def _local(storage: Storage, key: str, tmp_path: Path) -> str:
    size = storage.blobs.size(key)
    assert size
    out = tmp_path / "rendition.mp4"
    out.write_bytes(storage.blobs.read_range(key, 0, size))
    return str(out)


def test_a_browser_safe_video_plays_as_it_is(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    item = add_video(storage, mf.h264_mp4(tmp_path / "clip.mp4"), "video/mp4")
    done = process_item(storage, settings, item.id)
    assert done.playback is not None and done.playback.state == PlaybackState.ORIGINAL
    shown = present(done, storage.blobs, 600)
    assert shown["playback_url"] and shown["playback_type"].startswith('video/mp4; codecs="avc1.')
    assert storage.blobs.size(playback_key(item.id)) is None


def test_a_rendition_out_of_time_leaves_the_video_ready_and_downloadable(
    storage: Storage, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = add_video(storage, mf.hevc_mov(tmp_path / "long.mov"), "video/quicktime")
    # a Lambda with its time nearly used up
    deadline = time.monotonic() + playback_service.DEADLINE_MARGIN_S + 0.5
    done = process_item(storage, settings, item.id, deadline=deadline)
    assert done.status == Status.READY and done.playback is not None
    assert done.playback.state == PlaybackState.FAILED
    assert done.playback.reason and "prepared for playing" in done.playback.reason
    shown = present(done, storage.blobs, 600)
    assert shown["playback_url"] is None and shown["url"]
    assert storage.blobs.size(playback_key(item.id)) is None


def test_reprocessing_keeps_a_finished_rendition(
    storage: Storage, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = add_video(storage, mf.h264_mkv(tmp_path / "cam.mkv"), "video/x-matroska")
    first = process_item(storage, settings, item.id)
    assert first.playback is not None and first.playback.state == PlaybackState.READY

    def no_second(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rendition must not be made again")

    monkeypatch.setattr(playback_service, "render_playback", no_second)
    again = process_item(storage, settings, item.id, force=True)
    assert again.playback == first.playback


def test_fsck_makes_a_lost_rendition_again(
    storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    item = add_video(storage, mf.mjpeg_avi(tmp_path / "DSCF0001.AVI"), "video/x-msvideo")
    done = process_item(storage, settings, item.id)
    assert done.playback is not None and done.playback.key
    storage.blobs.delete(done.playback.key)
    report = fsck(
        storage,
        repair=True,
        reprocess=lambda i: process_item(storage, settings, i, force=True),
    )
    assert report.missing_thumbnails == [item.id]
    assert storage.blobs.size(done.playback.key)
    assert storage.catalog.get_item(item.id).playback.state == PlaybackState.READY  # type: ignore[union-attr]
