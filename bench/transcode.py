"""Playback renditions: rdrive's PyAV pipeline against Debian's ``ffmpeg`` command line.

Run: ``python -m bench.transcode`` (part of ``make bench``). Options: ``--seconds N``.

The clips are iPhone-like: HEVC 10-bit, HLG, BT.2020, 30 fps, with AAC stereo, generated with
PyAV (tests/media_factory.py: FFmpeg's testsrc2 pattern; one second is encoded with x265 and
its packets repeated to ``--seconds``, so the clip is made in seconds, not minutes: the decoder
still decodes every frame). Both contenders make the same rendition in the same run: the 1080
long side, H.264 libx264 ``veryfast`` CRF 23 High, AAC, faststart, and the same HLG → SDR
tone mapping (our LUT, ``lut3d``; ffmpeg's own zscale+tonemap chain is timed too, for scale).
The 1080 long side makes a 16:9 clip 1080x608.

* speed: ffmpeg's wall time / ours, for a 1080p and a 4K clip (goal >= 0.9x);
* memory: peak RSS of the sandbox child making the 4K rendition (goal < 600 MB), and the peak
  of a rendition of a 5x longer 1080p clip against the short one's (goal <= 1.15x: the input
  and output are streamed, never held);
* CPU seconds per minute of 1080p and of 4K HEVC video (the child's user + system time), which
  size the processing Lambda: a Lambda with V vCPUs takes about that / V per minute of video.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import av
import psutil

from bench.common import Figure, RssWatch, at_least, at_most, report, scratch
from rdrive_app.media import tonemap
from rdrive_app.media.picture import fit_even
from rdrive_app.media.rendition import AUDIO_BITRATE, CRF, PRESET
from rdrive_app.media.sandbox import Sandbox
from rdrive_app.media.types import PLAY_TRANSCODE
from tests.media_factory import HLG, hevc_hdr

SIZES = {"1080p": (1920, 1080), "4K": (3840, 2160)}
LONG_TIMES = 5
LONG_SIDE = 1080  # make_playback's default
ZSCALE = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,"
    "zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
)


def make_clip(folder: Path, label: str, seconds: int) -> Path:
    """An HLG HEVC clip of ``seconds``: one encoded second, its packets repeated."""
    one = hevc_hdr(
        folder / f"{label}-1s.mov", HLG, size=SIZES[label], rate=30, seconds=1.0,
        x265={"preset": "ultrafast", "keyint": "30"},
    )  # fmt: skip
    return repeat(one, folder / f"{label}-{seconds}s.mov", seconds)


def repeat(source: Path, target: Path, times: int) -> Path:
    """``source``'s packets ``times`` over, timestamps shifted (each copy starts on an IDR)."""
    with av.open(str(source)) as src, av.open(str(target), "w", format="mov") as out:
        pairs = [(s, out.add_stream_from_template(s, opaque=True)) for s in src.streams]
        first: dict[int, int] = {}
        end: dict[int, int] = {}
        for packet in src.demux():
            if packet.size and packet.dts is not None:
                i = packet.stream.index
                first[i] = min(first.get(i, packet.dts), packet.dts)
                end[i] = max(end.get(i, 0), packet.dts + (packet.duration or 0))
        length = {i: end[i] - first[i] for i in first}
        for n in range(times):
            src.seek(0)
            for packet in src.demux():
                if packet.size == 0:
                    continue
                shift = n * length[packet.stream.index]
                packet.pts = None if packet.pts is None else packet.pts + shift
                packet.dts = None if packet.dts is None else packet.dts + shift
                packet.stream = pairs[packet.stream.index][1]
                out.mux(packet)
    return target


def lut_chain(width: int, height: int) -> str:
    """The filter chain media/picture.py builds for an HLG frame, as an -vf argument."""
    lut = tonemap.cube_file(tonemap.HLG)
    return (
        f"scale=w={width}:h={height}:flags=bicubic:in_color_matrix=bt2020:in_range=tv,"
        f"format=gbrp16le,lut3d=file='{lut}':interp=tetrahedral,"
        "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"
    )


def ffmpeg_s(source: Path, out: Path, chain: str) -> float:
    command = [
        "ffmpeg", "-v", "error", "-y", "-i", str(source), "-vf", chain,
        "-c:v", "libx264", "-preset", PRESET, "-crf", CRF, "-profile:v", "high",
        "-c:a", "aac", "-b:a", str(AUDIO_BITRATE), "-ac", "2", "-movflags", "+faststart", str(out),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


class Rendition:
    """One rendition through a fresh sandbox: wall time, the child's peak RSS and CPU time."""

    def __init__(self, source: Path, out: Path) -> None:
        box = Sandbox()
        box.start()
        assert box.pid is not None
        child = psutil.Process(box.pid)
        time.sleep(1.0)  # the child's imports are done before it is measured
        cpu0 = sum(child.cpu_times()[:2])
        with source.open("rb") as f:

            def fetch(start: int, length: int) -> bytes:
                f.seek(start)
                return f.read(length)

            with RssWatch(box.pid, every_s=0.05) as rss:
                started = time.perf_counter()
                self.result: Any = box.run(
                    "make_playback", source.stat().st_size, fetch, 3600, None,
                    out_path=str(out), demuxer="mov", action=PLAY_TRANSCODE, max_pixels=10**8,
                )  # fmt: skip
                self.seconds = time.perf_counter() - started
        self.cpu = sum(child.cpu_times()[:2]) - cpu0
        self.peak_mb = rss.peak / 1e6
        box.stop()


def run(seconds: int = 10) -> list[Figure]:
    figures: list[Figure] = []
    with scratch("transcode") as tmp:
        print(f"  making {seconds} s HLG HEVC clips (1080p, 4K) ...", flush=True)
        clips = {label: make_clip(tmp, label, seconds) for label in SIZES}
        tonemap.cube_file(tonemap.HLG)  # the table is made once per machine, not timed
        cpu_per_min: dict[str, float] = {}
        for label, clip in clips.items():
            ours = Rendition(clip, tmp / f"{label}-ours.mp4")
            w, h = fit_even(*SIZES[label], LONG_SIDE)  # what ours makes: 1080x608
            same = ffmpeg_s(clip, tmp / f"{label}-ffmpeg.mp4", lut_chain(w, h))
            native = ffmpeg_s(
                clip, tmp / f"{label}-zscale.mp4", f"scale={w}:{h}:flags=bicubic,{ZSCALE}"
            )
            figures.append(
                at_least(
                    f"rendition {label} HEVC HLG: ffmpeg time / ours",
                    same / ours.seconds,
                    0.9,
                    f"ours {ours.seconds:.1f} s, ffmpeg {same:.1f} s (zscale chain {native:.1f} s)",
                )
            )
            minutes = seconds / 60
            cpu_per_min[label] = ours.cpu / minutes
            figures.append(
                Figure(
                    f"CPU seconds per minute of {label} HEVC video",
                    cpu_per_min[label],
                    "(sizing)",
                    True,
                    f"{ours.cpu:.1f} CPU-s for {seconds} s; peak RSS {ours.peak_mb:.0f} MB",
                )
            )
            if label == "4K":
                figures.append(
                    at_most("4K rendition: sandbox child peak RSS (MB)", ours.peak_mb, 600)
                )
            else:
                short_peak = ours.peak_mb
        longer = repeat(clips["1080p"], tmp / "1080p-long.mov", LONG_TIMES)
        long_run = Rendition(longer, tmp / "long-ours.mp4")
        figures.append(
            at_most(
                f"RSS of a {LONG_TIMES}x longer 1080p rendition / the short one's",
                long_run.peak_mb / short_peak,
                1.15,
                f"{long_run.peak_mb:.0f} MB for {seconds * LONG_TIMES} s, "
                f"{short_peak:.0f} MB for {seconds} s",
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args(argv)
    figures = run(args.seconds)
    return report(figures)


if __name__ == "__main__":
    sys.exit(main())
