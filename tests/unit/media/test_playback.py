"""Playback: which videos browsers play as they are, and the renditions of the others.

The clips are made with PyAV (tests/media_factory.py) in the formats phones and cameras write;
renditions are made through the real decoder sandbox, as processing makes them. The HDR
renditions are compared with Debian's ffmpeg running the zscale + tonemap chain.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import pytest
from av.video.reformatter import Colorspace
from PIL import ImageStat

from rdrive_app.media.sandbox import Sandbox
from rdrive_app.media.types import (
    PLAY_ORIGINAL,
    PLAY_REMUX,
    PLAY_TRANSCODE,
    MediaError,
    PlaybackFile,
    PlaybackPlan,
)
from rdrive_app.media.video import analyse_video
from tests import media_factory as mf

LIMIT = 100_000_000
Clips = Callable[[str], Path]
# Measured (LUT of 33³ against Debian ffmpeg 5.1's zscale+tonemap on these clips): luma within
# 4.5-7.8 %, saturation within 1 %. A frame that is not tone-mapped at all is 20 % too bright
# and 16 % less saturated: these bounds tell the two apart.
HDR_LUMA_TOLERANCE, HDR_SATURATION_TOLERANCE = 0.10, 0.05
REFERENCE_CHAIN = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,"
    "zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
)

PLANS = [  # clip, action, words of the reason, the original's type with codecs
    ("h264_mp4", PLAY_ORIGINAL, None, 'video/mp4; codecs="avc1.64000D, mp4a.40.2"'),
    ("vp9_webm", PLAY_ORIGINAL, None, 'video/webm; codecs="vp09.00.20.08, opus"'),
    ("hevc8_mov", PLAY_TRANSCODE, "HEVC", 'video/quicktime; codecs="hvc1.1.6.L60.90, mp4a.40.2"'),
    ("hevc10_mov", PLAY_TRANSCODE, "HEVC", 'video/quicktime; codecs="hvc1.2.4.L60.90, mp4a.40.2"'),
    ("hlg_mov", PLAY_TRANSCODE, "HEVC", 'video/quicktime; codecs="hvc1.2.4.L60.90, mp4a.40.2"'),
    ("pq_mov", PLAY_TRANSCODE, "HEVC", 'video/quicktime; codecs="hvc1.2.4.L60.90, mp4a.40.2"'),
    ("h264_mkv", PLAY_REMUX, "Matroska", 'video/x-matroska; codecs="avc1.64000D, mp4a.40.2"'),
    ("h264_mts", PLAY_REMUX, "MPEG-TS", 'video/mp2t; codecs="avc1.64000D, mp4a.40.2"'),
    ("h264_avi", PLAY_REMUX, "AVI", "video/x-msvideo"),
    ("mjpeg_avi", PLAY_TRANSCODE, "Motion JPEG", "video/x-msvideo"),
    ("mpeg4_3gp_amr", PLAY_TRANSCODE, "MPEG-4 Part 2", "video/3gpp"),
    ("mpeg4_3gp_aac", PLAY_TRANSCODE, "MPEG-4 Part 2", "video/3gpp"),
]
RENDITIONS = [name for name, action, _, _ in PLANS if action != PLAY_ORIGINAL]


def plan_of(path: Path) -> PlaybackPlan:
    with path.open("rb") as f:
        plan = analyse_video(f, max_pixels=LIMIT).info.playback
    assert plan is not None
    return plan


@pytest.mark.parametrize(("name", "action", "reason", "mime"), PLANS)
def test_plan(clips: Clips, name: str, action: str, reason: str | None, mime: str) -> None:
    plan = plan_of(clips(name))
    assert (plan.action, plan.mime) == (action, mime)
    assert (plan.reason is None) if reason is None else (reason in (plan.reason or ""))


def test_plans_of_real_files(media_dir: Path) -> None:
    videos = media_dir / "videos"
    assert plan_of(videos / "sample.mp4") == PlaybackPlan(
        PLAY_ORIGINAL, 'video/mp4; codecs="avc1.640028, mp4a.40.2"'
    )
    rotated = plan_of(videos / "iphone_rotated.mov")
    assert rotated.action == PLAY_ORIGINAL
    assert rotated.mime == 'video/quicktime; codecs="avc1.42001E, mp4a.40.2"'
    mkv = plan_of(videos / "sample_640x360.mkv")
    assert (mkv.action, mkv.mime) == (PLAY_REMUX, 'video/x-matroska; codecs="avc1.64001E"')


def test_over_60_fps_and_pcm_audio_need_work(tmp_path: Path) -> None:
    fast = plan_of(mf.h264_mp4(tmp_path / "fast.mp4", rate=120, seconds=0.5, audio=None))
    assert fast.action == PLAY_TRANSCODE and "120 frames per second" in (fast.reason or "")
    pcm = plan_of(
        mf.write_clip(tmp_path / "pcm.mov", fmt="mov", codec="libx264", audio="pcm_s16le")
    )
    assert pcm.action == PLAY_REMUX and pcm.reason == "PCM audio does not play in every browser"


def test_live_photo_content_identifier(tmp_path: Path) -> None:
    key = "com.apple.quicktime.content.identifier"
    path = mf.h264_mp4(
        tmp_path / "IMG_1234.mov", metadata={key: "5b8f2c1e-7a1d-4c3b-9e0f-112233445566"}
    )
    with path.open("rb") as f:
        found = analyse_video(f, max_pixels=LIMIT).info.content_id
    assert found == "5B8F2C1E-7A1D-4C3B-9E0F-112233445566"  # compared as the still says it


# ---- renditions, through the sandbox ----------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    yield box
    box.stop()


def render(
    box: Sandbox, path: Path, out: Path, action: str, **kwargs: Any
) -> tuple[PlaybackFile, list[float]]:
    done: list[float] = []
    with path.open("rb") as f:

        def fetch(start: int, length: int) -> bytes:
            f.seek(start)
            return f.read(length)

        result = box.run(
            "make_playback", path.stat().st_size, fetch, 60, done.append,
            out_path=str(out), demuxer=None, action=action, max_pixels=LIMIT, **kwargs,
        )  # fmt: skip
    return result, done


def displayed(path: Path) -> tuple[int, int]:
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
        assert not frame.rotation, "the rendition's pixels are upright, no display matrix"
        return frame.width, frame.height


def source_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as f:
        info = analyse_video(f, max_pixels=LIMIT).info
    assert info.width and info.height
    return info.width, info.height


def assert_playable(out: Path, result: PlaybackFile, duration: float, audio: bool) -> None:
    data = out.read_bytes()
    assert data[4:8] == b"ftyp" and 0 < data.find(b"moov") < data.find(b"mdat"), "faststart"
    assert result.size == len(data) and result.mime.startswith('video/mp4; codecs="avc1.64')
    with av.open(str(out)) as c:
        assert c.format.name.startswith("mov,mp4")
        video = c.streams.video[0]
        assert (video.codec_context.name, video.codec_context.format.name) == ("h264", "yuv420p")
        assert [a.codec_context.name for a in c.streams.audio] == (["aac"] if audio else [])
        assert result.duration == pytest.approx(duration, abs=0.1)
        c.seek(int(0.5 / video.time_base), stream=video)
        frame = next(c.decode(video))
        assert frame.time is not None and abs(frame.time - 0.5) <= 0.5  # seekable


@pytest.mark.parametrize("name", RENDITIONS)
def test_rendition(sandbox: Sandbox, clips: Clips, tmp_path: Path, name: str) -> None:
    source = clips(name)
    plan = plan_of(source)
    out = tmp_path / "play.mp4"
    result, done = render(sandbox, source, out, plan.action)
    assert_playable(out, result, 1.0, audio=True)
    assert (result.width, result.height) == displayed(out) == source_size(source)
    assert done and done[-1] == 1.0 and all(0 <= x <= 1 for x in done)


def test_portrait_iphone_hevc_stays_portrait(
    sandbox: Sandbox, clips: Clips, tmp_path: Path
) -> None:
    result, _ = render(sandbox, clips("hevc10_mov"), tmp_path / "p.mp4", PLAY_TRANSCODE)
    assert (result.width, result.height) == (240, 320)  # stored 320x240, turned 90°


def test_long_side_is_capped_never_upscaled(sandbox: Sandbox, clips: Clips, tmp_path: Path) -> None:
    small, _ = render(
        sandbox, clips("hevc8_mov"), tmp_path / "s.mp4", PLAY_TRANSCODE, max_long_side=161
    )
    assert (small.width, small.height) == (120, 160)  # even sides, portrait kept
    same, _ = render(
        sandbox, clips("mjpeg_avi"), tmp_path / "m.mp4", PLAY_TRANSCODE, max_long_side=4000
    )
    assert (same.width, same.height) == (320, 240)


def test_real_files(sandbox: Sandbox, media_dir: Path, tmp_path: Path) -> None:
    videos = media_dir / "videos"
    out = tmp_path / "r.mp4"
    result, _ = render(sandbox, videos / "iphone_rotated.mov", out, PLAY_TRANSCODE)
    assert (result.width, result.height) == displayed(out) == (320, 568)
    assert_playable(out, result, 2.2, audio=True)
    result, _ = render(sandbox, videos / "sample.mp4", out, PLAY_TRANSCODE)
    assert (result.width, result.height) == (1080, 608)  # 1920x1080 to the 1080 long side
    result, _ = render(sandbox, videos / "sample_640x360.mkv", out, PLAY_REMUX)
    assert_playable(out, result, 13.35, audio=False)


def video_packets(path: Path) -> tuple[list[bytes], bytes]:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        packets = [bytes(p) for p in c.demux(stream) if p.size]
        return packets, bytes(stream.codec_context.extradata or b"")


@pytest.mark.parametrize("name", ["h264_mkv", "h264_mts", "h264_avi"])
def test_remux_copies_the_video_bitstream(
    sandbox: Sandbox, clips: Clips, tmp_path: Path, name: str
) -> None:
    source, out = clips(name), tmp_path / "remux.mp4"
    render(sandbox, source, out, PLAY_REMUX)
    before, after = video_packets(source), video_packets(out)
    assert len(after[0]) == len(before[0])
    if name == "h264_mkv":  # same framing (length-prefixed NALs): byte for byte the same
        assert after == before


def frame_stats(path: Path, index: int = 12) -> tuple[float, float]:
    """Mean luma and mean saturation (0-255) of frame ``index``, decoded as BT.709."""
    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i == index:
                rgb = frame.reformat(format="rgb24", src_colorspace=Colorspace.ITU709).to_image()
                luma = ImageStat.Stat(rgb.convert("L")).mean[0]
                return luma, ImageStat.Stat(rgb.convert("HSV")).mean[1]
    raise AssertionError("frame not found")


@pytest.fixture(scope="module")
def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        pytest.skip("Debian's ffmpeg is not installed (make test installs it)")
    return found


@pytest.mark.parametrize("name", ["hlg_mov", "pq_mov"])
def test_hdr_is_tone_mapped_like_zscale(
    sandbox: Sandbox, clips: Clips, tmp_path: Path, ffmpeg: str, name: str
) -> None:
    source, ours, reference, naive = (tmp_path / n for n in ("s", "o.mp4", "r.y4m", "n.y4m"))
    source = clips(name)
    render(sandbox, source, ours, PLAY_TRANSCODE)
    for chain, out in ((REFERENCE_CHAIN, reference), ("format=yuv420p", naive)):
        subprocess.run(
            [ffmpeg, "-v", "error", "-y", "-i", str(source), "-vf", chain, "-frames:v", "20",
             "-f", "yuv4mpegpipe", "-strict", "-1", str(out)],
            check=True,
        )  # fmt: skip
    (luma, sat), (ref_luma, ref_sat) = frame_stats(ours), frame_stats(reference)
    assert luma == pytest.approx(ref_luma, rel=HDR_LUMA_TOLERANCE)
    assert sat == pytest.approx(ref_sat, rel=HDR_SATURATION_TOLERANCE)
    naive_luma, naive_sat = frame_stats(naive)  # the washed-out frame this test must catch
    assert not (
        naive_luma == pytest.approx(ref_luma, rel=HDR_LUMA_TOLERANCE)
        and naive_sat == pytest.approx(ref_sat, rel=HDR_SATURATION_TOLERANCE)
    )


def test_damaged_input_is_a_media_error(sandbox: Sandbox, clips: Clips, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mov"
    junk.write_bytes(b"\x00\x00\x00\x14ftypqt  " + b"\x17" * 5000)
    out = tmp_path / "out.mp4"
    with pytest.raises(MediaError, match="cannot be read"):
        render(sandbox, junk, out, PLAY_TRANSCODE)
    assert not out.exists()
    # the index first, then the picture data cut off: it demuxes "fine" to where it ends
    whole = mf.h264_mp4(tmp_path / "w.mp4", seconds=3, container_options={"movflags": "+faststart"})
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.3)])
    for action in (PLAY_TRANSCODE, PLAY_REMUX):
        with pytest.raises(MediaError, match=r"truncated: it ends at 0\.\d s of 3\.0 s"):
            render(sandbox, cut, out, action)
        assert not out.exists()
    hevc = mf.hevc_mov(tmp_path / "h.mov", seconds=3, container_options={"movflags": "+faststart"})
    cut.write_bytes(hevc.read_bytes()[: hevc.stat().st_size // 2])  # cut inside a frame
    with pytest.raises(MediaError, match="damaged"):
        render(sandbox, cut, out, PLAY_TRANSCODE)
    with pytest.raises(MediaError, match="no rendition"):
        render(sandbox, clips("h264_mp4"), out, PLAY_ORIGINAL)
