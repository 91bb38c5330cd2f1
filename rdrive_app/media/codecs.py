"""A video file's real MIME type with its RFC 6381 ``codecs`` parameter, from its streams.

A player asks ``canPlayType('video/quicktime; codecs="hvc1.2.4.L153.B0, mp4a.40.2"')`` before
it fetches a byte, so the string must describe the very streams: profile, level and
constraints come from the decoder configuration records in the extradata (avcC, hvcC, av1C),
not from guesses. When one stream has no registered string the parameter is left out (a
partial list would claim more than is known).
"""

from __future__ import annotations

from typing import Any

MP4, MOV, M4V, WEBM, MKV = (
    "video/mp4",
    "video/quicktime",
    "video/x-m4v",
    "video/webm",
    "video/x-matroska",
)
TS, AVI, GPP, GPP2 = "video/mp2t", "video/x-msvideo", "video/3gpp", "video/3gpp2"
ISO_TYPES = frozenset({MP4, MOV, M4V, GPP, GPP2})
_WEBM_CODECS = frozenset({"vp8", "vp9", "av1", "opus", "vorbis"})
_AAC_OBJECT = {"LC": 2, "HE-AAC": 5, "HE-AACv2": 29, "Main": 1, "LTP": 4}
_PLAIN = {"opus": "opus", "vorbis": "vorbis", "flac": "flac", "ac3": "ac-3", "eac3": "ec-3"}
_PLAIN |= {"alac": "alac", "amr_nb": "samr", "amr_wb": "sawb", "vp8": "vp8", "h263": "s263"}
# VP9 levels by (max luma picture size, max luma sample rate), VP9 spec annex A.
_VP9_LEVELS = (
    (10, 36864, 829440),
    (11, 73728, 2764800),
    (20, 122880, 4608000),
    (21, 245760, 9216000),
    (30, 552960, 20736000),
    (31, 983040, 36864000),
    (40, 2228224, 83558400),
    (41, 2228224, 160432128),
    (50, 8912896, 311951360),
    (51, 8912896, 588251136),
    (52, 8912896, 1176502272),
    (60, 35651584, 1176502272),
    (61, 35651584, 2353004544),
    (62, 35651584, 4706009088),
)


def container_type(container: Any, streams: list[Any]) -> str:
    """The container's MIME type: demuxer name, then the ISO major brand or the codecs."""
    names = set(container.format.name.split(","))
    if "mov" in names:
        brand = str(container.metadata.get("major_brand", "")).strip()
        if brand == "qt" or not brand:  # old QuickTime files start with an atom, no ftyp
            return MOV
        if brand.startswith("3g2"):
            return GPP2
        if brand.startswith("3g"):
            return GPP
        return M4V if brand.startswith("M4V") else MP4
    if "matroska" in names:
        return WEBM if all(s.codec_context.name in _WEBM_CODECS for s in streams) else MKV
    if "mpegts" in names:
        return TS
    if "avi" in names:
        return AVI
    return "video/" + container.format.name.split(",")[0]


def mime_type(kind: str, streams: list[Any]) -> str:
    """``kind`` with a codecs parameter for ``streams`` (or without, when one is unknown)."""
    parts = [codec_string(s, kind) for s in streams]
    if not parts or any(p is None for p in parts):
        return kind
    return f'{kind}; codecs="{", ".join(p for p in parts if p)}"'


def codec_string(stream: Any, kind: str = MP4) -> str | None:
    """The RFC 6381 string of one stream, or None when it has no registered one."""
    name = stream.codec_context.name
    extradata = bytes(stream.codec_context.extradata or b"")
    if name == "h264":
        return _avc(extradata, stream)
    if name == "hevc":
        return _hevc(extradata, stream)
    if name == "vp9":
        return _vp9(stream)
    if name == "av1":
        return _av1(extradata)
    if name == "aac":
        return _aac(extradata, stream)
    if name == "mp3":
        return "mp4a.40.34" if kind in ISO_TYPES else "mp3"
    return _PLAIN.get(name)


def _avc(extradata: bytes, stream: Any) -> str | None:
    """avc1.PPCCLL: profile_idc, constraint flags, level_idc of the SPS (avcC or Annex B)."""
    sps = extradata[1:4] if len(extradata) >= 4 and extradata[0] == 1 else _annexb_sps(extradata)
    if sps is None:
        return None
    tag = "avc3" if _tag(stream) == "avc3" else "avc1"
    return f"{tag}.{sps.hex().upper()}"


def _annexb_sps(data: bytes) -> bytes | None:
    """profile/constraints/level bytes of the first SPS NAL (type 7) in an Annex B stream."""
    at = data.find(b"\x00\x00\x01")
    while at >= 0 and at + 6 < len(data):
        if data[at + 3] & 0x1F == 7:
            return data[at + 4 : at + 7]
        at = data.find(b"\x00\x00\x01", at + 3)
    return None


def _hevc(extradata: bytes, stream: Any) -> str | None:
    """hvc1.[space]profile.compat(reversed).[LH]level.constraints, from hvcC."""
    if len(extradata) < 23 or extradata[0] != 1:
        return None  # Annex B parameter sets (Matroska/TS): would need an SPS bit reader
    b1 = extradata[1]
    space, tier, profile = b1 >> 6, (b1 >> 5) & 1, b1 & 0x1F
    compat = int(f"{int.from_bytes(extradata[2:6], 'big'):032b}"[::-1], 2)
    constraints = list(extradata[6:12])
    while constraints and constraints[-1] == 0:
        constraints.pop()
    tag = "hev1" if _tag(stream) == "hev1" else "hvc1"
    head = f"{tag}.{'' if not space else 'ABC'[space - 1]}{profile}.{compat:X}"
    tail = "".join(f".{b:X}" for b in constraints)
    return f"{head}.{'H' if tier else 'L'}{extradata[12]}{tail}"


def _vp9(stream: Any) -> str:
    """vp09.PP.LL.DD: profile and depth from the pixel format, level from size and rate."""
    fmt = stream.codec_context.format
    depth = (
        10 if fmt and fmt.name.endswith("10le") else 12 if fmt and fmt.name.endswith("12le") else 8
    )
    chroma_420 = fmt is None or fmt.name.startswith("yuv420")
    profile = (0 if chroma_420 else 1) + (2 if depth > 8 else 0)
    pixels = (stream.codec_context.width or 0) * (stream.codec_context.height or 0)
    rate = float(stream.average_rate or stream.guessed_rate or 30)
    level = next(
        (lv for lv, size, srate in _VP9_LEVELS if pixels <= size and pixels * rate <= srate), 62
    )
    return f"vp09.{profile:02d}.{level:02d}.{depth:02d}"


def _av1(extradata: bytes) -> str | None:
    """av01.P.LLT.DD from the av1C record."""
    if len(extradata) < 4 or extradata[0] & 0x80 == 0:
        return None
    profile, level = extradata[1] >> 5, extradata[1] & 0x1F
    tier, high, twelve = extradata[2] >> 7, (extradata[2] >> 6) & 1, (extradata[2] >> 5) & 1
    depth = 12 if twelve else 10 if high else 8
    return f"av01.{profile}.{level:02d}{'H' if tier else 'M'}.{depth:02d}"


def _aac(extradata: bytes, stream: Any) -> str:
    """mp4a.40.<audio object type> from the AudioSpecificConfig, else from the profile."""
    if extradata:
        obj = extradata[0] >> 3
        if obj == 31 and len(extradata) > 1:
            obj = 32 + (((extradata[0] & 7) << 3) | (extradata[1] >> 5))
        return f"mp4a.40.{obj}"
    return f"mp4a.40.{_AAC_OBJECT.get(str(stream.codec_context.profile or 'LC'), 2)}"


def _tag(stream: Any) -> str:
    try:
        return str(stream.codec_tag or "").strip("\x00")
    except (AttributeError, ValueError):
        return ""
