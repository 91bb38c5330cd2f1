"""The playback rendition: one MP4 (index first) every browser plays, made with PyAV alone.

Remux copies the H.264 packets as they are (audio too when it is AAC, else AAC is encoded);
transcode decodes, scales (long side at most ``max_long_side``, never up), turns the pixels
upright, maps 10-bit and HDR to 8-bit BT.709 (media/tonemap.py) and encodes H.264 + AAC.

Encoder settings: libx264 ``veryfast`` at CRF 23, High profile (x264 picks the level from the
size and rate). veryfast is the knee of x264's curve: against ultrafast it makes files about a
third smaller for twice its (small) time, while the slower presets cost 2-4x for a few percent;
CRF 23 is x264's default quality, transparent at phone viewing sizes. At 4K HEVC input most of
the time is the decoder anyway (see bench/transcode.py).

Memory stays bounded whatever the file's length: packets stream from the ranged reader into
the muxer, decoder and encoder threads are capped, and x264's lookahead is veryfast's short one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av
import av.error

from rdrive_app.media.codecs import MP4, mime_type
from rdrive_app.media.picture import fit_even, picture_graph
from rdrive_app.media.types import PLAY_REMUX, PLAY_TRANSCODE, MediaError, PlaybackFile
from rdrive_app.media.video import _duration, _opened, _rotation, _video_stream

PRESET, CRF = "veryfast", "23"
AUDIO_BITRATE = 160_000
THREADS = max(
    1, min(4, os.cpu_count() or 1)
)  # per decoder and per encoder: bounds frames in flight
PROGRESS_EVERY_S = 1.0
MAX_FPS = 60.0  # browsers (and phones' screens) play up to 60 frames per second
# The H.264 encoder is made at the first decoded frame (its size, colours, rotation) and the
# audio stream after it: audio packets wait until then, at most this many (a few seconds).
_MAX_HELD = 500
_AAC_RATES = frozenset({44100, 48000})
_BT709 = 1  # AVCOL_PRI/TRC/SPC_BT709

Progress = Callable[[float], None]


def make_playback(
    fp: BinaryIO,
    *,
    out_path: str,
    demuxer: str | None,
    action: str,
    max_long_side: int = 1080,
    progress: Progress | None = None,
    max_pixels: int,
) -> PlaybackFile:
    """Write the rendition of the video in ``fp`` to ``out_path``; MediaError says why not."""
    if action not in (PLAY_REMUX, PLAY_TRANSCODE):
        raise MediaError(f"no rendition is made for playback action {action!r}")
    try:
        with _opened(fp, demuxer) as source:
            video = _video_stream(source)
            w, h = video.codec_context.width, video.codec_context.height
            if w * h > max_pixels:
                raise MediaError(
                    f"the video frame is larger than the limit of {max_pixels / 1e6:g} megapixels"
                )
            job = _Job(source, video, audio_stream(source), out_path, progress)
            job.run(action == PLAY_REMUX, max_long_side)
        return describe(out_path)
    except BaseException:
        Path(out_path).unlink(missing_ok=True)
        raise


def describe(path: str) -> PlaybackFile:
    """The type (with codecs), displayed size and duration of a written rendition."""
    with _opened(open(path, "rb"), "mp4") as out:
        video = _video_stream(out)
        streams = [video, *out.streams.audio[:1]]
        frame = next(out.decode(video))
        width, height = frame.width, frame.height
        if _rotation(frame, video) in (90, 270):
            width, height = height, width
        return PlaybackFile(
            mime=mime_type(MP4, streams),
            width=width,
            height=height,
            duration=_duration(out, video),
            size=os.path.getsize(path),
        )


def audio_stream(container: Any) -> Any | None:
    """The audio stream a player plays (the first), or None."""
    return container.streams.audio[0] if container.streams.audio else None


def frame_rate(stream: Any) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else 0.0


class _Job:
    """One rendition: the source's packets through copy or decode → filter → encode."""

    def __init__(
        self, source: Any, video: Any, audio: Any | None, out_path: str, progress: Progress | None
    ) -> None:
        self.source, self.video, self.audio = source, video, audio
        self.out_path, self.progress = out_path, progress
        self.duration = _duration(source, video) or 0.0
        starts = [s.start_time * s.time_base for s in (video, audio) if s and s.start_time]
        self.start = float(min(starts)) if starts else 0.0  # the output starts at 0
        self.reached = 0.0  # seconds of video written
        self._last_report = time.monotonic()
        self.out: Any = None
        self.audio_out: _AudioCopy | _AudioEncode | None = None

    def run(self, copy_video: bool, max_long_side: int) -> None:
        with av.open(self.out_path, "w", format="mp4", options={"movflags": "+faststart"}) as out:
            self.out = out
            vout = _VideoCopy(out, self) if copy_video else _VideoEncode(out, self, max_long_side)
            streams = [self.video] + ([self.audio] if self.audio is not None else [])
            held: list[Any] = []  # audio that comes before the video stream exists (_MAX_HELD)
            for packet in self.source.demux(streams):
                if packet.stream is self.video:
                    vout.packet(packet)
                    self._report(packet)
                else:
                    held.append(packet)
                if held and self.audio_out is not None:
                    for early in held:
                        self.audio_out.packet(early)
                    held.clear()
                elif len(held) > _MAX_HELD:
                    raise MediaError("the video has no decodable frame at its start")
            vout.flush()
            self.video_ready()
            if self.audio_out is not None:
                for early in held:
                    self.audio_out.packet(early)
                self.audio_out.flush()
        self._check_complete()
        if self.progress is not None:
            self.progress(1.0)

    def video_ready(self) -> None:
        """The video stream exists: add the audio stream now, before any packet is muxed (the
        MP4 header is written at the first one, with the streams there are then)."""
        if self.audio is not None and self.audio_out is None:
            self.audio_out = _audio_out(self.out, self)

    def shift(self, stream: Any) -> int:
        """The start offset in ``stream``'s time base."""
        return round(self.start / stream.time_base) if stream.time_base else 0

    def _report(self, packet: Any) -> None:
        at = packet.pts if packet.pts is not None else packet.dts
        if at is not None and packet.time_base:
            self.reached = max(self.reached, float(at * packet.time_base) - self.start)
        now = time.monotonic()
        if self.progress is not None and now - self._last_report >= PROGRESS_EVERY_S:
            self._last_report = now
            self.progress(min(1.0, self.reached / self.duration) if self.duration else 0.0)

    def _check_complete(self) -> None:
        """A truncated file demuxes to its end without an error: compare with its duration."""
        missing = self.duration - self.reached
        if self.duration and missing > max(1.0, 0.1 * self.duration):
            raise MediaError(
                f"the video is truncated: it ends at {self.reached:.1f} s of {self.duration:.1f} s"
            )


class _VideoCopy:
    """Remux: the H.264 packets go into the MP4 as they are (the display matrix too)."""

    def __init__(self, out: Any, job: _Job) -> None:
        self.job = job
        self.stream = out.add_stream_from_template(job.video, opaque=True)
        self.stream.codec_tag = "avc1"
        self.offset = job.shift(job.video)
        job.video_ready()

    def packet(self, packet: Any) -> None:
        _copy(packet, self.stream, self.offset)

    def flush(self) -> None:
        return None


class _VideoEncode:
    """Transcode: decode → scale/tone-map/rotate (filter graph) → libx264."""

    def __init__(self, out: Any, job: _Job, max_long_side: int) -> None:
        self.job, self.out, self.max_long_side = job, out, max_long_side
        decoder = job.video.codec_context
        decoder.thread_type, decoder.thread_count = "AUTO", THREADS
        self.rate = min(frame_rate(job.video) or 30.0, MAX_FPS)
        self.min_gap = 1 / MAX_FPS - 0.001 if frame_rate(job.video) > MAX_FPS + 0.5 else 0.0
        self.offset = job.shift(job.video)
        self.graph: Any = None
        self.encoder: Any = None
        self.last_time: float | None = None
        self.last_pts: int | None = None

    def packet(self, packet: Any) -> None:
        for frame in packet.decode():
            self._frame(frame)

    def flush(self) -> None:
        for frame in _drain_decoder(self.job.video):
            self._frame(frame)
        if self.graph is None:
            raise MediaError("the video has no decodable frame")
        self.graph.push(None)
        self._drain()
        self.out.mux(self.encoder.encode(None))

    def _frame(self, frame: Any) -> None:
        if frame.pts is None:
            return
        t = float(frame.pts * self.job.video.time_base)
        if self.min_gap and self.last_time is not None and t - self.last_time < self.min_gap:
            return  # over 60 fps: keep at most one frame per 1/60 s (timestamps stay real)
        self.last_time = t
        if self.graph is None:
            self._setup(frame)
        self.graph.push(frame)
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                frame = self.graph.pull()
            except (BlockingIOError, av.error.EOFError):
                return
            frame.pts -= self.offset
            if self.last_pts is not None and frame.pts <= self.last_pts:
                continue  # a repeated timestamp: x264 needs them rising
            self.last_pts = frame.pts
            frame.time_base = self.job.video.time_base
            self.out.mux(self.encoder.encode(frame))

    def _setup(self, frame: Any) -> None:
        """Build the filter graph and the encoder from the first frame's shape and colours."""
        rotation = _rotation(frame, self.job.video)
        sar = self.job.video.sample_aspect_ratio
        shown_w = round(frame.width * float(sar)) if sar and sar != 1 else frame.width
        w, h = fit_even(shown_w, frame.height, self.max_long_side)
        self.graph = picture_graph(frame, self.job.video.time_base, (w, h), rotation)
        shown = (h, w) if rotation in (90, 270) else (w, h)
        self.encoder = _encoder(self.out, shown, self.rate, self.job.video.time_base)
        self.job.video_ready()


def _drain_decoder(stream: Any) -> list[Any]:
    """The frames a decoder still holds (none when the demuxer's last packet flushed it)."""
    try:
        return list(stream.codec_context.decode(None))
    except av.error.EOFError:
        return []


def _encoder(out: Any, size: tuple[int, int], rate: float, time_base: Fraction) -> Any:
    options = {"preset": PRESET, "crf": CRF, "profile": "high"}
    stream = out.add_stream("libx264", rate=Fraction(rate).limit_denominator(1001), options=options)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    cc = stream.codec_context
    cc.time_base = stream.time_base = time_base
    cc.color_primaries = cc.color_trc = cc.colorspace = _BT709
    cc.color_range = 1  # limited (TV) range
    cc.thread_count = THREADS
    return stream


def _copy(packet: Any, stream: Any, offset: int) -> None:
    if packet.size == 0 or (packet.pts is None and packet.dts is None):
        return
    if packet.pts is not None:
        packet.pts -= offset
    if packet.dts is not None:
        packet.dts -= offset
    packet.stream = stream
    stream.container.mux(packet)


class _AudioCopy:
    def __init__(self, out: Any, job: _Job) -> None:
        assert job.audio is not None
        self.stream = out.add_stream_from_template(job.audio, opaque=True)
        self.stream.codec_tag = "mp4a"
        self.offset = job.shift(job.audio)

    def packet(self, packet: Any) -> None:
        _copy(packet, self.stream, self.offset)

    def flush(self) -> None:
        return None


class _AudioEncode:
    """Any audio → AAC stereo (44.1/48 kHz kept, other rates to 48 kHz)."""

    def __init__(self, out: Any, job: _Job) -> None:
        assert job.audio is not None
        self.out, self.source = out, job.audio
        rate = job.audio.codec_context.sample_rate
        rate = rate if rate in _AAC_RATES else 48000
        self.stream = out.add_stream("aac", rate=rate, layout="stereo")
        self.stream.codec_context.bit_rate = AUDIO_BITRATE
        self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=rate)
        self.offset = job.shift(job.audio)

    def packet(self, packet: Any) -> None:
        self._frames(packet.decode())

    def flush(self) -> None:
        self._frames(_drain_decoder(self.source))
        self._encode(self.resampler.resample(None))
        self.out.mux(self.stream.encode(None))

    def _frames(self, frames: Iterator[Any] | list[Any]) -> None:
        for frame in frames:
            if frame.pts is not None:
                frame.pts -= self.offset
                if frame.pts < 0:
                    continue  # audio from before the video's first frame
            self._encode(self.resampler.resample(frame))

    def _encode(self, frames: list[Any]) -> None:
        for frame in frames:
            self.out.mux(self.stream.encode(frame))


def _audio_out(out: Any, job: _Job) -> _AudioCopy | _AudioEncode:
    cc = job.audio.codec_context if job.audio is not None else None
    if cc is not None and cc.name == "aac" and cc.channels <= 2:
        return _AudioCopy(out, job)
    return _AudioEncode(out, job)
