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

import io
import struct
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import av
import pillow_heif
from PIL import Image

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


# --------------------------------------------------------------------------------------------
# The formats cameras write (issue 14 part 3) and Live / Motion Photo stills (part 4)
# --------------------------------------------------------------------------------------------


def camera_video(
    target: Path | BinaryIO,
    fmt: str,
    codec: str,
    *,
    audio: str | None = None,
    size: tuple[int, int] = (176, 144),
    frames: int = 12,
    rate: int = 12,
    pix_fmt: str = "yuv420p",
    gop: int | None = None,
    options: dict[str, str] | None = None,
) -> Path | BinaryIO:
    """A short moving-gradient clip in container ``fmt`` ('mpegts', 'avi', '3gp'...) with video
    ``codec`` and, if named, an ``audio`` track (AAC, AMR-NB: whatever the codec takes), with a
    keyframe every ``gop`` frames (the encoder's default when None)."""
    where = str(target) if isinstance(target, Path) else target
    with av.open(where, "w", format=fmt, options=options or {}) as out:
        video = out.add_stream(codec, rate=rate)
        video.width, video.height = size
        video.pix_fmt = pix_fmt
        if gop is not None:
            video.codec_context.gop_size = gop
        sound = None
        if audio is not None:
            sample_rate = 8000 if audio.startswith("amr") or audio == "libopencore_amrnb" else 44100
            sound = out.add_stream(audio, rate=sample_rate)
            sound.layout = "mono"
        samples = 0
        for i in range(frames):
            im = Image.linear_gradient("L").resize(size).point(lambda v, i=i: (v + 20 * i) % 256)
            frame = av.VideoFrame.from_image(im.convert("RGB")).reformat(format=pix_fmt)
            frame.pts = i
            frame.time_base = Fraction(1, rate)
            out.mux(video.encode(frame))
            if sound is not None:
                samples = _mux_silence(out, sound, until=(i + 1) / rate, done=samples)
        out.mux(video.encode())
        if sound is not None:
            out.mux(sound.encode())
    return target


def _mux_silence(out: av.container.OutputContainer, sound: av.AudioStream, until: float,
                 done: int) -> int:  # fmt: skip
    """Audio frames of silence up to ``until`` seconds; returns the samples written so far."""
    ctx = sound.codec_context
    per = ctx.frame_size or 1024
    while done < until * ctx.sample_rate:
        frame = av.AudioFrame(format=ctx.format.name, layout="mono", samples=per)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate, frame.pts = ctx.sample_rate, done
        out.mux(sound.encode(frame))
        done += per
    return done


def small_mp4() -> bytes:
    """The bytes of a tiny H.264 MP4 (what a phone appends to a Motion Photo)."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), (40 * i, 80, 160)))
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode())
    return out.getvalue()


def apple_makernote(content_id: str | None, *, extra: int = 1) -> bytes:
    """An iPhone MakerNote: 'Apple iOS' header, then a big-endian IFD with offsets from its start,
    holding ``extra`` unrelated LONG tags and (if given) tag 0x0011, the content identifier."""
    entries: list[tuple[int, int, int, bytes]] = [(0x0001, 9, 1, struct.pack(">I", 14))]
    entries += [(0x0004 + i, 9, 1, struct.pack(">I", i)) for i in range(extra - 1)]
    data = b""
    if content_id is not None:
        entries.append((0x0011, 2, len(content_id) + 1, content_id.encode() + b"\x00"))
    header = b"Apple iOS\x00" + b"\x00\x01" + b"MM"
    table_end = len(header) + 2 + 12 * len(entries) + 4
    ifd = struct.pack(">H", len(entries))
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            ifd += struct.pack(">HHI", tag, kind, count) + value.ljust(4, b"\x00")
        else:
            ifd += struct.pack(">HHII", tag, kind, count, table_end + len(data))
            data += value
    return header + ifd + b"\x00\x00\x00\x00" + data


def live_photo_jpeg(path: Path, content_id: str | None, *, makernote: bytes | None = None) -> Path:
    """An iPhone-like JPEG still whose MakerNote carries ``content_id`` (or ``makernote`` as is)."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 12"
    exif.get_ifd(0x8769)[0x927C] = (
        makernote if makernote is not None else apple_makernote(content_id)
    )
    Image.new("RGB", (64, 48), (200, 120, 40)).save(path, "JPEG", exif=exif.tobytes())
    return path


_MOTION_XMP = {
    "container": (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" '
        'xmlns:Container="http://ns.google.com/photos/1.0/container/" '
        'xmlns:Item="http://ns.google.com/photos/1.0/container/item/" '
        'GCamera:MotionPhoto="1" GCamera:MotionPhotoVersion="1" '
        'GCamera:MotionPhotoPresentationTimestampUs="0">'
        "<Container:Directory><rdf:Seq>"
        '<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/{still}" '
        'Item:Semantic="Primary" Item:Length="0" Item:Padding="{padding}"/></rdf:li>'
        '<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" '
        'Item:Semantic="MotionPhoto" Item:Length="{length}" Item:Padding="0"/></rdf:li>'
        "</rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>"
    ),
    "microvideo": (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/">'
        "<GCamera:MicroVideo>1</GCamera:MicroVideo>"
        "<GCamera:MicroVideoVersion>1</GCamera:MicroVideoVersion>"
        "<GCamera:MicroVideoOffset>{length}</GCamera:MicroVideoOffset>"
        "<GCamera:MicroVideoPresentationTimestampUs>0</GCamera:MicroVideoPresentationTimestampUs>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ),
}


def motion_photo_jpeg(
    path: Path, mp4_bytes: bytes, style: str = "container", *, claimed: int | None = None
) -> Path:
    """An Android Motion Photo: a JPEG whose XMP describes the MP4 appended after it, in the
    newer ``Container:Directory`` style or the older ``MicroVideo`` one. ``claimed`` makes the
    XMP state another length (to make one that lies)."""
    length = len(mp4_bytes) if claimed is None else claimed
    xmp = _MOTION_XMP[style].format(length=length, still="jpeg", padding=0)
    still = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 90)).save(still, "JPEG", xmp=xmp.encode())
    path.write_bytes(still.getvalue() + mp4_bytes)
    return path


def motion_photo_heic(path: Path, mp4_bytes: bytes) -> Path:
    """A HEIC Motion Photo as Pixel and Samsung phones write it: the MP4 inside a top-level
    'mpvd' box after the image, whose 8-byte header is the primary item's padding."""
    pillow_heif.register_heif_opener()
    xmp = _MOTION_XMP["container"].format(length=len(mp4_bytes), still="heic", padding=8)
    still = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 30, 140)).save(still, "HEIF", xmp=xmp.encode())
    box = struct.pack(">I", 8 + len(mp4_bytes)) + b"mpvd" + mp4_bytes
    path.write_bytes(still.getvalue() + box)
    return path


# name → what camera_video gets: one of each shape cameras and phones write. AVCHD is BDAV
# (192-byte packets: FFmpeg's m2ts mode); camcorders write a GOP of about half a second.
_AVCHD_LIKE = {"frames": 50, "rate": 25, "gop": 12}
CAMERA_SHAPES: dict[str, dict[str, Any]] = {
    "clip.ts": {"fmt": "mpegts", "codec": "libx264", **_AVCHD_LIKE},
    "00001.mts": {"fmt": "mpegts", "codec": "libx264", "audio": "aac",
                  "options": {"mpegts_m2ts_mode": "1"}, **_AVCHD_LIKE},
    "mjpeg.avi": {"fmt": "avi", "codec": "mjpeg", "pix_fmt": "yuvj420p"},
    "mpeg4.avi": {"fmt": "avi", "codec": "mpeg4", "audio": "mp3"},
    "phone.3gp": {"fmt": "3gp", "codec": "mpeg4", "audio": "aac"},
    "old.3gp": {"fmt": "3gp", "codec": "h263", "audio": "libopencore_amrnb"},
    "phone.3g2": {"fmt": "3g2", "codec": "mpeg4", "audio": "aac"},
}  # fmt: skip


@cache
def camera_clip(name: str) -> bytes:
    """The bytes of the CAMERA_SHAPES clip ``name`` (made once per test run)."""
    out = io.BytesIO()
    camera_video(out, **CAMERA_SHAPES[name])
    return out.getvalue()


def camera_videos(directory: Path) -> dict[str, Path]:
    """Every CAMERA_SHAPES clip written into ``directory``, by name."""
    made = {}
    for name in CAMERA_SHAPES:
        made[name] = directory / name
        made[name].write_bytes(camera_clip(name))
    return made


MARK_TOP, MARK_LEFT, MARK_REST = (220, 20, 20), (20, 20, 220), (128, 128, 128)


def marked_photo(size: tuple[int, int] = (600, 400), orientation: int = 1) -> bytes:
    """A JPEG whose upright picture has a red top edge and a blue left edge (grey elsewhere),
    so any turn or flip shows. ``orientation`` 6 stores it turned back a quarter, tagged for
    a viewer to turn it clockwise (as a phone held upright writes it)."""
    w, h = size
    im = Image.new("RGB", size, MARK_REST)
    im.paste(MARK_LEFT, (0, 0, w // 8, h))
    im.paste(MARK_TOP, (0, 0, w, h // 8))
    exif = Image.Exif()
    if orientation == 6:
        im = im.transpose(Image.Transpose.ROTATE_90)  # stored counter-clockwise of upright
        exif[0x0112] = 6
    elif orientation != 1:
        raise ValueError("orientations 1 and 6 only")
    exif[0x010F] = "rDrive tests"  # Make: an EXIF entry that must survive a turned download
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def edge_colour(im: Image.Image, side: str) -> tuple[int, ...]:
    """The mean colour of a thin strip along ``side`` (top, right, bottom, left), as RGB, with
    the strip's corners left out (the other marks meet there)."""
    im = im.convert("RGB")
    w, h = im.size
    strip = max(1, min(w, h) // 40)
    boxes = {
        "top": (w // 4, 0, w * 3 // 4, strip),
        "bottom": (w // 4, h - strip, w * 3 // 4, h),
        "left": (0, h // 4, strip, h * 3 // 4),
        "right": (w - strip, h // 4, w, h * 3 // 4),
    }
    pixels = im.crop(boxes[side]).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(pixels, tuple)
    return pixels


def looks(colour: tuple[int, ...], expected: tuple[int, int, int], slack: int = 40) -> bool:
    """True when ``colour`` is ``expected`` within ``slack`` per channel (WebP and JPEG blur)."""
    return all(abs(a - b) <= slack for a, b in zip(colour, expected, strict=False))
