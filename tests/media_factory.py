"""Small test videos made with PyAV, in the formats phones and cameras really write.

Each function writes one clip to ``path`` and returns it: a moving test pattern (FFmpeg's
``testsrc2``: saturated bars, a gradient, moving shapes) and, where the container takes it,
a tone. Clips are small and short (generation takes well under a second), so a test makes
the ones it needs and a session fixture can cache them (tests/unit/media/conftest.py).

``hevc_hdr`` tags its 10-bit stream HLG or PQ with BT.2020 primaries and matrix on the
encoder, so the bitstream's VUI carries them the way an iPhone's does; ``rotate`` sets the
display matrix (what iPhones write for portrait video), which ffprobe reports as rotation.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av

HLG, PQ = "hlg", "pq"
_TRC = {HLG: 18, PQ: 16}  # FFmpeg's AVColorTransferCharacteristic: arib-std-b67, smpte2084
_BT2020 = 9  # AVCOL_PRI_BT2020 and AVCOL_SPC_BT2020_NCL
_X265_QUIET = {"x265-params": "log-level=error"}


def write_clip(
    path: Path,
    *,
    fmt: str,
    codec: str,
    size: tuple[int, int] = (320, 240),
    rate: int = 25,
    seconds: float = 1.0,
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
    tag: str | None = None,
    rotate: int = 0,
    hdr: str | None = None,
    audio: str | None = "aac",
    audio_rate: int = 48000,
    audio_layout: str = "stereo",
    metadata: dict[str, str] | None = None,
    container_options: dict[str, str] | None = None,
) -> Path:
    """One clip: ``codec`` video in container ``fmt``; ``rotate`` is the clockwise degrees a
    player turns it (an iPhone held upright writes 90); ``audio`` None for a silent clip."""
    options_out = dict(container_options or {})
    if metadata:  # QuickTime keys (com.apple.*) are written only with use_metadata_tags
        options_out["movflags"] = "+".join(
            filter(None, [options_out.get("movflags"), "use_metadata_tags"])
        )
    with av.open(str(path), "w", format=fmt, options=options_out) as out:
        out.metadata.update(metadata or {})
        video: Any = out.add_stream(codec, rate=rate, options=options or {})
        video.width, video.height = size
        video.pix_fmt = pix_fmt
        if tag:
            video.codec_tag = tag
        if hdr:
            cc = video.codec_context
            cc.color_primaries = cc.colorspace = _BT2020
            cc.color_trc, cc.color_range = _TRC[hdr], 1  # 1: limited (TV) range
        if rotate:
            video.set_display_rotation(-rotate)  # FFmpeg's angle is counter-clockwise
        sound: Any = None
        if audio:
            sound = out.add_stream(audio, rate=audio_rate, layout=audio_layout)
        _encode_video(out, video, size, rate, seconds, pix_fmt, hdr)
        if sound is not None:
            _encode_audio(out, sound, seconds)
    return path


def _encode_video(
    out: Any,
    stream: Any,
    size: tuple[int, int],
    rate: int,
    seconds: float,
    pix_fmt: str,
    hdr: str | None,
) -> None:
    source = f"testsrc2=size={size[0]}x{size[1]}:rate={rate}:duration={seconds}"
    if hdr:  # a bright scene with colours a camera records (testsrc2's bars are 100 % primaries)
        source += ",hue=s=0.7"
    with av.open(source, format="lavfi") as pattern:
        for i, frame in enumerate(pattern.decode(video=0)):
            image = frame.reformat(format=pix_fmt)
            image.pts, image.time_base = i, Fraction(1, rate)
            if hdr:
                image.color_primaries = image.colorspace = _BT2020
                image.color_trc, image.color_range = _TRC[hdr], 1
            out.mux(stream.encode(image))
    out.mux(stream.encode(None))


def _encode_audio(out: Any, stream: Any, seconds: float) -> None:
    rate = stream.codec_context.sample_rate
    resampler = av.AudioResampler(
        format=stream.codec_context.format, layout=stream.codec_context.layout, rate=rate
    )
    with av.open(
        f"sine=frequency=440:sample_rate={rate}:duration={seconds}", format="lavfi"
    ) as tone:
        for frame in tone.decode(audio=0):
            for chunk in resampler.resample(frame):
                out.mux(stream.encode(chunk))
    for chunk in resampler.resample(None):
        out.mux(stream.encode(chunk))
    out.mux(stream.encode(None))


# ---- the formats -----------------------------------------------------------------------------


def h264_mp4(path: Path, **kw: Any) -> Path:
    """The browser-safe case: H.264 8-bit 4:2:0 + AAC in MP4."""
    return write_clip(path, fmt="mp4", codec="libx264", **kw)


def hevc_mov(
    path: Path,
    *,
    ten_bit: bool = False,
    rotate: int = 90,
    x265: dict[str, str] | None = None,
    **kw: Any,
) -> Path:
    """An iPhone-like HEVC MOV (``hvc1``), portrait by its display matrix."""
    return write_clip(
        path,
        fmt="mov",
        codec="libx265",
        pix_fmt="yuv420p10le" if ten_bit else "yuv420p",
        options=_X265_QUIET | (x265 or {}),
        tag="hvc1",
        rotate=rotate,
        **kw,
    )


def hevc_hdr(
    path: Path, hdr: str = HLG, *, rotate: int = 0, x265: dict[str, str] | None = None, **kw: Any
) -> Path:
    """HEVC 10-bit tagged HLG or PQ (BT.2020), bright saturated content, in MOV."""
    return write_clip(
        path,
        fmt="mov",
        codec="libx265",
        pix_fmt="yuv420p10le",
        options=_X265_QUIET | (x265 or {}),
        tag="hvc1",
        rotate=rotate,
        hdr=hdr,
        **kw,
    )


def vp9_webm(path: Path, **kw: Any) -> Path:
    return write_clip(
        path,
        fmt="webm",
        codec="libvpx-vp9",
        options={"deadline": "realtime", "cpu-used": "8"},
        audio="libopus",
        **kw,
    )


def h264_mkv(path: Path, **kw: Any) -> Path:
    return write_clip(path, fmt="matroska", codec="libx264", **kw)


def h264_mts(path: Path, **kw: Any) -> Path:
    """AVCHD-like: H.264 + AAC (ADTS) in an MPEG transport stream."""
    return write_clip(path, fmt="mpegts", codec="libx264", **kw)


def h264_avi(path: Path, **kw: Any) -> Path:
    """H.264 in AVI with PCM sound (which the remux turns into AAC)."""
    return write_clip(path, fmt="avi", codec="libx264", audio="pcm_s16le", **kw)


def mjpeg_avi(path: Path, **kw: Any) -> Path:
    """An old camera's Motion JPEG (full-range 4:2:2) with PCM sound."""
    return write_clip(path, fmt="avi", codec="mjpeg", pix_fmt="yuvj422p", audio="pcm_s16le", **kw)


def mpeg4_3gp(path: Path, *, amr: bool = True, **kw: Any) -> Path:
    """An old phone's 3GP: MPEG-4 Part 2 with AMR-NB (8 kHz mono) or AAC."""
    sound = {"audio": "libopencore_amrnb", "audio_rate": 8000, "audio_layout": "mono"}
    return write_clip(
        path,
        fmt="3gp",
        codec="mpeg4",
        size=(176, 144),
        rate=15,
        **(sound if amr else {"audio": "aac"}),
        **kw,
    )
