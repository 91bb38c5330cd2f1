"""Which videos every browser plays, and the playback rendition of those it does not (PyAV).

Chrome and Firefox on Linux (and on Windows without a hardware decoder) play H.264 8-bit 4:2:0,
VP9 and AV1, with AAC, MP3 or Opus, in MP4/MOV or WebM, and nothing else an iPhone or a camera
writes: HEVC, 10-bit, 4:2:2, Motion JPEG, MPEG-4 Part 2, H.263, MKV/AVI/MPEG-TS containers.
``plan_playback`` says, at probing, whether the original plays (PLAY_ORIGINAL), only needs its
streams copied into MP4 (PLAY_REMUX) or needs H.264 + AAC (PLAY_TRANSCODE); ``make_playback``
(media/rendition.py, exported here) makes that file. media/video.py imports this module
inside ``analyse_video``: the rendition uses video.py's probing helpers.
"""

from __future__ import annotations

from typing import Any

from rdrive_app.media.codecs import (
    AVI,
    GPP,
    GPP2,
    M4V,
    MKV,
    MOV,
    MP4,
    TS,
    WEBM,
    container_type,
    mime_type,
)
from rdrive_app.media.rendition import MAX_FPS, audio_stream, frame_rate, make_playback
from rdrive_app.media.types import (
    PLAY_ORIGINAL,
    PLAY_REMUX,
    PLAY_TRANSCODE,
    PlaybackPlan,
)

__all__ = ["make_playback", "plan_playback"]
SAFE_CONTAINERS = frozenset({MP4, MOV, M4V, WEBM})
_H264_PIX = frozenset({"yuv420p", "yuvj420p"})
_VPX_PIX = frozenset({"yuv420p", "yuvj420p", "yuv420p10le"})
_ISO = frozenset({MP4, MOV, M4V})
_SAFE_AUDIO = {
    "aac": _ISO | {WEBM},
    "mp3": _ISO,
    "opus": _ISO | {WEBM},
    "vorbis": frozenset({WEBM}),
}
_CONTAINER_NAMES = {
    MKV: "Matroska (.mkv)",
    TS: "MPEG-TS (.mts, .m2ts)",
    AVI: "AVI",
    GPP: "3GP",
    GPP2: "3G2",
}
_CODEC_NAMES = {
    "hevc": "HEVC video does not play in Chrome or Firefox",
    "mjpeg": "Motion JPEG video does not play in browsers",
    "mpeg4": "MPEG-4 Part 2 video does not play in browsers",
    "h263": "H.263 video does not play in browsers",
    "mpeg2video": "MPEG-2 video does not play in browsers",
    "prores": "ProRes video does not play in Chrome or Firefox",
}
_AUDIO_NAMES = {"pcm": "PCM", "amr_nb": "AMR", "amr_wb": "AMR-WB", "ac3": "AC-3", "eac3": "E-AC-3"}


def plan_playback(container: Any, stream: Any) -> PlaybackPlan:
    """How a browser gets a playable file of this opened container's video ``stream``."""
    audio = audio_stream(container)
    streams = [stream] + ([audio] if audio is not None else [])
    kind = container_type(container, streams)
    mime = mime_type(kind, streams)
    video_problem = _video_problem(stream, kind)
    if video_problem is not None:
        return PlaybackPlan(PLAY_TRANSCODE, mime, video_problem)
    if stream.codec_context.name != "h264" and kind not in SAFE_CONTAINERS:
        return PlaybackPlan(
            PLAY_TRANSCODE, mime, f"browsers do not play {_CONTAINER_NAMES.get(kind, kind)} files"
        )
    if kind not in SAFE_CONTAINERS:
        return PlaybackPlan(
            PLAY_REMUX, mime, f"browsers do not play {_CONTAINER_NAMES.get(kind, kind)} files"
        )
    audio_problem = _audio_problem(audio, kind)
    if audio_problem is not None:
        return PlaybackPlan(PLAY_REMUX, mime, audio_problem)
    return PlaybackPlan(PLAY_ORIGINAL, mime, None)


def _video_problem(stream: Any, kind: str) -> str | None:
    """Why the video stream itself must be re-encoded, or None."""
    name = stream.codec_context.name
    fmt = stream.codec_context.format
    pix = fmt.name if fmt is not None else ""
    if name == "h264":
        if pix not in _H264_PIX:
            return _depth_or_chroma(pix) or "this H.264 profile does not play in every browser"
    elif name in ("vp9", "av1"):
        if kind not in (WEBM, MP4):
            return f"{name.upper()} video plays in browsers only in WebM or MP4"
        if pix not in _VPX_PIX:
            return (
                _depth_or_chroma(pix)
                or f"this {name.upper()} profile does not play in every browser"
            )
    else:
        return _CODEC_NAMES.get(name, f"{name} video does not play in browsers")
    if frame_rate(stream) > MAX_FPS + 0.5:
        return f"the video has {frame_rate(stream):.0f} frames per second (browsers play up to 60)"
    return None


def _depth_or_chroma(pix: str) -> str | None:
    if pix.endswith(("10le", "10be", "12le", "12be")):
        return f"the video is {pix[-4:-2]}-bit"
    if pix.startswith(("yuv422", "yuvj422")):
        return "the video is 4:2:2 (browsers play 4:2:0)"
    if pix.startswith(("yuv444", "yuvj444", "gbr")):
        return "the video is 4:4:4 (browsers play 4:2:0)"
    return None


def _audio_problem(audio: Any | None, kind: str) -> str | None:
    if audio is None:
        return None
    name = audio.codec_context.name
    if kind in _SAFE_AUDIO.get(name, frozenset()):
        return None
    label = "PCM" if name.startswith("pcm_") else _AUDIO_NAMES.get(name, name)
    return f"{label} audio does not play in every browser"
