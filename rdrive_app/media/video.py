"""Videos (PyAV): probe the container and grab one upright poster frame.

PyAV reads through a seekable file-like object, so only the container's index and the
packets around the poster time are read: a 4 GB video is never copied to make a poster.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, BinaryIO

import av
import av.error
from PIL import Image

from rdrive_app.core.domain import GPS, Kind
from rdrive_app.media.images import encode_webp, fit_image, width_box
from rdrive_app.media.live import content_id_from_text
from rdrive_app.media.types import PREVIEW, SIZES, THUMB, Analysis, MediaError, MediaInfo, fit_size

POSTER_AT_S = 1.0
_MAX_FRAMES = 600  # frames decoded looking for the poster time before taking what we have
_ROTATE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}  # clockwise degrees → PIL (counter-clockwise) op
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")
_DATE_KEYS = ("com.apple.quicktime.creationdate", "creation_time", "date")
_CONTENT_ID = "com.apple.quicktime.content.identifier"  # a Live Photo's video half


def analyse_video(fp: BinaryIO, *, max_pixels: int, demuxer: str | None = None) -> Analysis:
    """Metadata plus thumb and preview WebPs of the poster frame; MediaError says why not."""
    from rdrive_app.media.playback import plan_playback  # it imports this module's helpers

    with _opened(fp, demuxer) as container:
        stream = _video_stream(container)
        frame, rotation = _poster(container, stream, max_pixels)
        poster = _upright(frame, rotation, SIZES[PREVIEW], stream.sample_aspect_ratio)
        width, height = _display_size(frame, rotation, stream.sample_aspect_ratio)
        meta = _metadata(container)
        info = MediaInfo(
            kind=Kind.VIDEO,
            width=width,
            height=height,
            duration=_duration(container, stream),
            rotation=rotation,
            codec=stream.codec_context.name,
            taken_at=creation_time(meta),
            gps=iso6709(meta.get("com.apple.quicktime.location.ISO6709") or meta.get("location")),
            camera_make=meta.get("com.apple.quicktime.make") or meta.get("make"),
            camera_model=meta.get("com.apple.quicktime.model") or meta.get("model"),
            content_id=content_id_from_text(meta.get(_CONTENT_ID)),
            playback=plan_playback(container, stream),
        )
        thumb = fit_image(poster, SIZES[THUMB])
        return Analysis(info, {PREVIEW: encode_webp(poster), THUMB: encode_webp(thumb)})


def render_poster(
    fp: BinaryIO, *, max_pixels: int, width: int, demuxer: str | None = None
) -> bytes:
    """The poster frame as one WebP at most ``width`` wide (renditions of a video)."""
    with _opened(fp, demuxer) as container:
        stream = _video_stream(container)
        frame, rotation = _poster(container, stream, max_pixels)
        box = width_box(width)
        return encode_webp(_upright(frame, rotation, box, stream.sample_aspect_ratio))


def creation_time(meta: dict[str, str]) -> datetime | None:
    """When the video was recorded: QuickTime's local date with offset, else creation_time."""
    for key in _DATE_KEYS:
        value = (meta.get(key) or "").strip()
        if not value:
            continue
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if when.year > 1970:  # 1904/1970 are the zero values of QuickTime and Unix clocks
            return when if when.tzinfo else when.replace(tzinfo=UTC)  # FFmpeg's tags are UTC
    return None


def iso6709(value: str | None) -> GPS | None:
    """'+40.7248-073.9883+044.000/' → GPS(40.7248, -73.9883); degrees-minutes forms too."""
    match = _ISO6709.match((value or "").strip())
    if not match:
        return None
    lat, lon = (
        _iso_degrees(part, width) for part, width in zip(match.groups(), (2, 3), strict=True)
    )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return GPS(lat=round(lat, 7), lon=round(lon, 7))


def _iso_degrees(text: str, degree_digits: int) -> float:
    """ISO 6709 packs ±DD.D, ±DDMM.M or ±DDMMSS.S into one number; unpack it to degrees."""
    sign = -1.0 if text[0] == "-" else 1.0
    whole, _, fraction = text[1:].partition(".")
    frac = float(f"0.{fraction}") if fraction else 0.0
    extra = len(whole) - degree_digits
    if extra == 2:
        return sign * (int(whole[:-2]) + (int(whole[-2:]) + frac) / 60)
    if extra == 4:
        return sign * (int(whole[:-4]) + int(whole[-4:-2]) / 60 + (int(whole[-2:]) + frac) / 3600)
    return sign * (int(whole) + frac)


@contextmanager
def _opened(fp: BinaryIO, demuxer: str | None) -> Iterator[Any]:
    """av.open whose FFmpeg errors (at open or later) become MediaErrors."""
    try:
        container = av.open(fp, mode="r", format=demuxer)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(f"the video cannot be read ({_short(exc)})") from None
    try:
        yield container
    except (av.error.FFmpegError, OSError, ValueError, MemoryError, ZeroDivisionError) as exc:
        raise MediaError(f"the video is damaged ({_short(exc)})") from None
    finally:
        container.close()


def _video_stream(container: Any) -> Any:
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:  # skip cover art
            return stream
    raise MediaError("no video stream")


def _poster(container: Any, stream: Any, max_pixels: int) -> tuple[Any, int]:
    """The frame nearest POSTER_AT_S (half-way in shorter clips) and its clockwise rotation."""
    w, h = stream.codec_context.width, stream.codec_context.height
    if w * h > max_pixels:
        raise MediaError(
            f"the video frame is larger than the limit of {max_pixels / 1e6:g} megapixels"
        )
    stream.codec_context.thread_type = "AUTO"
    duration = _duration(container, stream)
    target = min(POSTER_AT_S, duration / 2) if duration else 0.0
    if target > 0 and stream.time_base:
        try:
            offset = int(target / stream.time_base) + (stream.start_time or 0)
            container.seek(offset, stream=stream, backward=True, any_frame=False)
        except av.error.FFmpegError:
            container.seek(0)
    chosen = _first_at(container, stream, target)
    if chosen is None and target > 0:  # the seek landed past the last keyframe (short TS)
        container.seek(0)
        chosen = _first_at(container, stream, 0.0)
    if chosen is None:
        raise MediaError("the video has no decodable frame")
    return chosen, _rotation(chosen, stream)


def _first_at(container: Any, stream: Any, target: float) -> Any:
    """The first decoded frame at or after ``target`` seconds (or the last of _MAX_FRAMES)."""
    chosen = None
    for count, frame in enumerate(container.decode(stream)):
        chosen = frame
        if frame.time is None or frame.time >= target or count >= _MAX_FRAMES:
            break
    return chosen


def _rotation(frame: Any, stream: Any) -> int:
    """Clockwise degrees to display the frame upright (FFmpeg's display matrix angle is CCW)."""
    angle = getattr(frame, "rotation", 0) or 0
    if not angle:
        try:
            angle = -int(float(stream.metadata.get("rotate", 0)))  # older muxers' tag
        except ValueError:
            angle = 0
    return int(round(-angle / 90) * 90) % 360


def _upright(frame: Any, rotation: int, box: tuple[int, int], sar: Any) -> Image.Image:
    """The frame as an upright RGB PIL image scaled (by swscale) to fit ``box``."""
    stored_box = (box[1], box[0]) if rotation in (90, 270) else box
    width, height = fit_size(_display_size(frame, 0, sar), stored_box)
    image = frame.to_image(width=width, height=height, interpolation="AREA")
    transpose = _ROTATE.get(rotation)
    return image.transpose(transpose) if transpose is not None else image


def _display_size(frame: Any, rotation: int, sar: Any) -> tuple[int, int]:
    """Width and height as a player shows them: pixel aspect and rotation applied."""
    w, h = frame.width, frame.height
    if sar and sar != 1:
        w = round(w * float(sar))
    return (h, w) if rotation in (90, 270) else (w, h)


def _duration(container: Any, stream: Any) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _metadata(container: Any) -> dict[str, str]:
    """Container tags, then the video stream's for keys the container lacks."""
    meta: dict[str, str] = {}
    for stream in container.streams.video:
        meta.update({k: v for k, v in stream.metadata.items() if isinstance(v, str)})
    meta.update({k: v for k, v in container.metadata.items() if isinstance(v, str)})
    return meta


def _short(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__)[:200]
