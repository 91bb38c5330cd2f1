"""Decoder sandboxes: a hang is killed at the time limit, a crash is a reason, not an outage."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rdrive_app.media.sandbox import Sandbox, SandboxPool
from rdrive_app.media.types import Analysis, MediaError


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def heic(media_dir: Path) -> bytes:
    return (media_dir / "photos/IMG_5195.HEIC").read_bytes()


@pytest.fixture(scope="module")
def jpeg(media_dir: Path) -> bytes:
    return (media_dir / "photos/orientation/landscape_6.jpg").read_bytes()


def run(
    box: Sandbox,
    data: bytes,
    *,
    content_type: str = "image/jpeg",
    timeout: float = 30,
    fetch: Callable[[int, int], bytes] | None = None,
) -> Analysis:
    fetch = fetch or (lambda start, length: data[start : start + length])
    return box.run(
        "analyse_image", len(data), fetch, timeout, content_type=content_type, max_pixels=10**8
    )


def test_runs_a_job_and_is_reused(sandbox: Sandbox, jpeg: bytes) -> None:
    assert run(sandbox, jpeg).info.width == 600
    pid = sandbox.pid
    assert run(sandbox, jpeg).info.height == 450
    assert sandbox.pid == pid


def test_a_job_over_the_time_limit_is_killed(sandbox: Sandbox, heic: bytes, jpeg: bytes) -> None:
    sandbox.start()
    pid = sandbox.pid
    started = time.monotonic()
    with pytest.raises(MediaError, match=r"longer than the limit of 0\.05 s"):
        run(sandbox, heic, content_type="image/heic", timeout=0.05)  # HEVC takes ~0.5 s
    assert time.monotonic() - started < 5
    assert pid is not None and not Path(f"/proc/{pid}").exists()
    assert run(sandbox, jpeg).info.width == 600  # a fresh child takes the next job


def test_a_crashed_decoder_is_a_reason(sandbox: Sandbox, jpeg: bytes) -> None:
    def crash(start: int, length: int) -> bytes:
        os.kill(sandbox.pid or 0, signal.SIGKILL)
        time.sleep(0.2)
        return jpeg[start : start + length]

    with pytest.raises(MediaError, match=r"stopped unexpectedly.*SIGKILL"):
        run(sandbox, jpeg, fetch=crash)
    assert run(sandbox, jpeg).info.width == 600


def test_a_storage_error_reaches_the_caller(sandbox: Sandbox, jpeg: bytes) -> None:
    def broken(start: int, length: int) -> bytes:
        raise ConnectionError("storage is down")

    with pytest.raises(ConnectionError, match="storage is down"):
        run(sandbox, jpeg, fetch=broken)
    assert run(sandbox, jpeg).info.width == 600  # the child survived it


def test_a_bad_file_is_a_media_error(sandbox: Sandbox) -> None:
    junk = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100
    with pytest.raises(MediaError):
        run(sandbox, junk, content_type="image/heic")


def test_unknown_operation(sandbox: Sandbox) -> None:
    with pytest.raises(MediaError, match="cannot be processed"):
        sandbox.run("rm_rf", 1, lambda s, n: b"x", 10)


def test_pool_runs_jobs_side_by_side(jpeg: bytes) -> None:
    pool = SandboxPool(2)
    results: list[int] = []

    def job() -> None:
        with pool.lease() as box:
            results.append(run(box, jpeg).info.width or 0)

    threads = [threading.Thread(target=job) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pool.close()
    assert results == [600] * 4


def test_progress_reaches_the_caller(sandbox: Sandbox, jpeg: bytes, tmp_path: Path) -> None:
    from tests.media_factory import hevc_mov

    data = hevc_mov(tmp_path / "clip.mov", seconds=1.5).read_bytes()
    seen: list[float] = []
    result = sandbox.run(
        "make_playback", len(data), lambda start, length: data[start : start + length], 30,
        seen.append, out_path=str(tmp_path / "play.mp4"), demuxer="mov", action="transcode",
        max_pixels=10**8,
    )  # fmt: skip
    assert (result.width, result.height) == (240, 320)
    assert seen and seen[-1] == 1.0
    assert run(sandbox, jpeg).info.width == 600  # the child serves the next job


def test_a_rendition_over_the_time_limit_is_killed(sandbox: Sandbox, tmp_path: Path) -> None:
    from tests.media_factory import hevc_mov

    data = hevc_mov(tmp_path / "clip.mov", seconds=2, size=(640, 480)).read_bytes()
    with pytest.raises(MediaError, match="longer than the limit"):  # it takes ~0.3 s
        sandbox.run(
            "make_playback", len(data), lambda start, length: data[start : start + length], 0.05,
            lambda done: None, out_path=str(tmp_path / "play.mp4"), demuxer="mov",
            action="transcode", max_pixels=10**8,
        )  # fmt: skip
