"""Know a file's type from its first bytes, never from its name or the browser's claim.

A small table of our own rather than a library: the allowlist is short, each entry is a few
bytes to compare, and the ISO-BMFF brands (HEIC vs AVIF vs MP4 vs MOV vs 3GP) need rules that
generic sniffers blur. Anything not matched is refused, so HTML, SVG, ZIP or text never get in.
MPEG-TS has no magic number, only a sync byte every packet: it is accepted only when every
packet in the window starts with one and has a valid header, so a text file starting with 'G'
(the sync byte, 0x47) stays text.
"""

from __future__ import annotations

from rdrive_app.core.domain import Kind
from rdrive_app.media.types import Sniffed

SNIFF_BYTES = 4096  # enough for any ftyp box and an EBML header
NOT_MEDIA = "not a photo or video"  # what a refused file is called, wherever it is refused

_MOV = "mov"  # FFmpeg demuxer names
_MKV = "matroska"
_TS = "mpegts"
_AVI = "avi"

JPEG = Sniffed(Kind.IMAGE, "image/jpeg")
PNG = Sniffed(Kind.IMAGE, "image/png")
GIF = Sniffed(Kind.IMAGE, "image/gif")
WEBP = Sniffed(Kind.IMAGE, "image/webp")
TIFF = Sniffed(Kind.IMAGE, "image/tiff")
HEIC = Sniffed(Kind.IMAGE, "image/heic")
HEIF = Sniffed(Kind.IMAGE, "image/heif")
AVIF = Sniffed(Kind.IMAGE, "image/avif")
MP4 = Sniffed(Kind.VIDEO, "video/mp4", _MOV)
MOV = Sniffed(Kind.VIDEO, "video/quicktime", _MOV)
M4V = Sniffed(Kind.VIDEO, "video/x-m4v", _MOV)
MKV = Sniffed(Kind.VIDEO, "video/x-matroska", _MKV)
WEBM = Sniffed(Kind.VIDEO, "video/webm", _MKV)
MPEG_TS = Sniffed(Kind.VIDEO, "video/mp2t", _TS)  # .ts, and AVCHD's .mts/.m2ts (BDAV)
AVI = Sniffed(Kind.VIDEO, "video/x-msvideo", _AVI)
THREE_GP = Sniffed(Kind.VIDEO, "video/3gpp", _MOV)
THREE_G2 = Sniffed(Kind.VIDEO, "video/3gpp2", _MOV)

_ALL = (JPEG, PNG, GIF, WEBP, TIFF, HEIC, HEIF, AVIF, MP4, MOV, M4V, MKV, WEBM, MPEG_TS, AVI,
        THREE_GP, THREE_G2)  # fmt: skip
ALLOWED_CONTENT_TYPES = frozenset(s.content_type for s in _ALL)
# The extensions cameras and phones give these types: for the upload picker's ``accept`` and the
# type a browser that sends none (or a wrong one, '.mts' → 'model/vnd.mts') is assumed to mean.
VIDEO_EXTENSIONS: dict[str, str] = {
    ".mov": MOV.content_type, ".mp4": MP4.content_type, ".m4v": M4V.content_type,
    ".mkv": MKV.content_type, ".webm": WEBM.content_type, ".ts": MPEG_TS.content_type,
    ".mts": MPEG_TS.content_type, ".m2ts": MPEG_TS.content_type, ".avi": AVI.content_type,
    ".3gp": THREE_GP.content_type, ".3g2": THREE_G2.content_type,
}  # fmt: skip

_PREFIXES: tuple[tuple[bytes, Sniffed], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
)


def _fourccs(*names: str) -> frozenset[bytes]:
    """Four-character codes; shorter names are padded with spaces as in the files ('qt  ')."""
    return frozenset(name.ljust(4).encode("ascii") for name in names)


# ISO base media file brands (major or compatible) → type; checked in this order.
_BRANDS: tuple[tuple[frozenset[bytes], Sniffed], ...] = (
    (_fourccs("avif", "avis"), AVIF),
    (_fourccs("heic", "heix", "heim", "heis", "hevc", "hevx"), HEIC),
    (_fourccs("mif1", "msf1", "heif"), HEIF),
    (_fourccs("qt"), MOV),
    (_fourccs(*(f"3g{p}{v}" for p in "prsge" for v in "456789")), THREE_GP),  # 3gp4, 3gr6, ...
    (_fourccs("3g2a", "3g2b", "3g2c", "KDDI"), THREE_G2),
    (_fourccs("M4V", "M4VH", "M4VP"), M4V),
    (_fourccs("isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "mmp4"), MP4),
)
# Every ISO base media type: the ones whose top-level boxes screening walks.
ISO_BMFF_TYPES = frozenset(found.content_type for _, found in _BRANDS) | {MOV.content_type}
# Refused even with a generic compatible brand: audio-only, or Flash video.
_REFUSED_MAJOR = _fourccs("M4A", "M4B", "M4P", "F4V", "F4A", "F4P", "F4B")
# Old QuickTime files start with an atom instead of ftyp.
_QT_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"pnot"})


def sniff(head: bytes) -> Sniffed | None:
    """The allowed type of a file that starts with ``head``, or None to refuse it."""
    for prefix, found in _PREFIXES:
        if head.startswith(prefix):
            return found
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return _sniff_ftyp(head)
    if head[4:8] in _QT_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _sniff_ebml(head)
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return AVI
    if ts_packet_size(head) is not None:
        return MPEG_TS
    return None


def sniff_type(head: bytes) -> tuple[Kind, str] | None:
    """(kind, content type) of an allowed file, or None: the uploads service's Sniffer."""
    found = sniff(head)
    return (found.kind, found.content_type) if found else None


def _sniff_ftyp(head: bytes) -> Sniffed | None:
    size = int.from_bytes(head[:4], "big")
    if size < 16 or size % 4:
        return None
    box = head[8 : min(size, len(head))]
    major = box[:4]
    if major in _REFUSED_MAJOR:
        return None
    compatible = {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    for brands, found in _BRANDS:  # the major brand decides first
        if major in brands:
            return found
    for brands, found in _BRANDS:
        if brands & compatible:
            return found
    return None


def _sniff_ebml(head: bytes) -> Sniffed | None:
    # The DocType element (ID 0x4282) names the flavour; it sits in the first few dozen bytes.
    header = head[:64]
    if b"\x42\x82" not in header:
        return None
    if b"webm" in header:
        return WEBM
    if b"matroska" in header:
        return MKV
    return None


TS_SYNC = 0x47
TS_PACKET = 188
# (packet size, where the 188-byte packet starts in it): plain MPEG-TS, and BDAV (AVCHD's .mts
# and .m2ts, Blu-ray) whose packets carry a 4-byte arrival timestamp first.
TS_LAYOUTS = ((TS_PACKET, 0), (TS_PACKET + 4, 4))
MIN_TS_PACKETS = 3  # a stream has at least a PAT, a PMT and one packet of data


def ts_packet_size(head: bytes) -> int | None:
    """188 or 192 when ``head`` is a run of valid MPEG-TS packets of that size, else None."""
    for size, sync_at in TS_LAYOUTS:
        count = (len(head) - sync_at - 5) // size + 1  # packet headers within the window
        if count >= MIN_TS_PACKETS and all(
            _ts_header_ok(head, k * size + sync_at) for k in range(count)
        ):
            return size
    return None


def _ts_header_ok(head: bytes, at: int) -> bool:
    """A packet header: the sync byte, no transport error, a payload or adaptation field (the
    '00' combination is reserved) whose length fits in the packet."""
    if head[at] != TS_SYNC or head[at + 1] & 0x80:
        return False
    control = (head[at + 3] >> 4) & 0x3
    if control == 0:
        return False
    if control in (2, 3) and at + 4 < len(head):
        field = head[at + 4]
        return field == 183 if control == 2 else field <= 182
    return True
