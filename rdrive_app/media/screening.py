"""Cheap checks on an upload before it joins the library, from headers only (no decoding).

Sniffing says what a file claims to be; these checks refuse, with a clear 4xx at completion,
the hostile shapes that sniffing lets through:

- a polyglot: a photo or video whose first bytes also carry HTML or script (a browser that ever
  sniffed it would run it);
- a decompression bomb: a small PNG, GIF, WebP or JPEG whose header claims more pixels than
  ``max_pixels`` (the sandboxed decoder would refuse it too, after a wasted job);
- a cut-short video: an ISO-BMFF (MP4/MOV/3GP/HEIC) file whose top-level boxes run past its
  end, an AVI whose RIFF chunks do, or an MPEG-TS / AVCHD file that is not a whole number of
  packets or whose last packet has lost its sync byte.

They read the sniffing window plus, for JPEG, ISO-BMFF, AVI and MPEG-TS, a few small ranged
reads; formats not handled here are left to the sandboxed decoder, which enforces the same limits
while decoding.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rdrive_app.core.errors import InvalidInput, TooLarge, UnsupportedMedia
from rdrive_app.media.sniff import (
    AVI,
    ISO_BMFF_TYPES,
    MPEG_TS,
    TS_LAYOUTS,
    TS_SYNC,
    ts_packet_size,
)

Reader = Callable[[int, int], bytes]  # (start, length) → up to length bytes

_ACTIVE = re.compile(
    rb"<\s*(?:script|html|body|iframe|object|embed|svg|!doctype\s+html)[\s/>]|javascript:",
    re.IGNORECASE,
)
MAX_BOXES = 64  # a plain MP4 has a handful of top-level boxes; fragmented ones are left alone
MAX_RIFF_CHUNKS = 4096  # an OpenDML AVI adds one 'AVIX' RIFF chunk per gigabyte or so
MAX_JPEG_SEGMENTS = 64
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def screen_upload(content_type: str, head: bytes, size: int, read: Reader, max_pixels: int) -> None:
    """Raise UnsupportedMedia (polyglot), TooLarge (pixel bomb) or InvalidInput (truncated)."""
    if _ACTIVE.search(head):
        raise UnsupportedMedia("the file carries HTML or script; it is refused")
    dims = declared_size(content_type, head, read)
    if dims is not None:
        w, h = dims
        if w * h > max_pixels:
            raise TooLarge(
                f"the image claims {w} × {h} pixels, more than the limit of "
                f"{max_pixels / 1e6:g} megapixels"
            )
    if _cut_short(content_type, head, size, read):
        raise InvalidInput("the file is cut short (truncated); upload it again")


def _cut_short(content_type: str, head: bytes, size: int, read: Reader) -> bool:
    if content_type in ISO_BMFF_TYPES:
        return _boxes_overrun(head, size, read)
    if content_type == AVI.content_type:
        return _riff_overrun(head, size, read)
    if content_type == MPEG_TS.content_type:
        return _ts_cut(head, size, read)
    return False


def declared_size(content_type: str, head: bytes, read: Reader) -> tuple[int, int] | None:
    """(width, height) as the image header states it, or None when not known from headers."""
    if content_type == "image/png" and len(head) >= 24 and head[12:16] == b"IHDR":
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if content_type == "image/gif" and len(head) >= 10:
        return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    if content_type == "image/webp":
        return _webp_size(head)
    if content_type == "image/jpeg":
        return _jpeg_size(head, read)
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        w = int.from_bytes(head[24:27], "little") + 1
        h = int.from_bytes(head[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(head) >= 30:
        return (
            int.from_bytes(head[26:28], "little") & 0x3FFF,
            int.from_bytes(head[28:30], "little") & 0x3FFF,
        )
    return None


def _jpeg_size(head: bytes, read: Reader) -> tuple[int, int] | None:
    """Walk the segments to the first SOF marker (reading past the head only for its header)."""
    pos = 2
    for _ in range(MAX_JPEG_SEGMENTS):
        seg = head[pos : pos + 9] if pos + 9 <= len(head) else read(pos, 9)
        if len(seg) < 4 or seg[0] != 0xFF:
            return None
        marker = seg[1]
        if marker in _SOF:
            if len(seg) < 9:
                return None
            return int.from_bytes(seg[7:9], "big"), int.from_bytes(seg[5:7], "big")
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        pos += 2 + int.from_bytes(seg[2:4], "big")
    return None


def _boxes_overrun(head: bytes, size: int, read: Reader) -> bool:
    """True when a top-level box claims to end past the end of the file."""
    pos = 0
    for _ in range(MAX_BOXES):
        if pos == size:
            return False
        header = head[pos : pos + 16] if pos + 16 <= len(head) else read(pos, 16)
        if len(header) < 8:
            return True
        box = int.from_bytes(header[:4], "big")
        if box == 0:  # extends to the end of the file
            return False
        if box == 1:
            if len(header) < 16:
                return True
            box = int.from_bytes(header[8:16], "big")
        if box < 8 or pos + box > size:
            return True
        pos += box
    return False


def _riff_overrun(head: bytes, size: int, read: Reader) -> bool:
    """True when a RIFF chunk ('AVI ', then any 'AVIX' of an OpenDML file) claims to end past
    the end of the file. Bytes after the last RIFF chunk that are not one are left alone."""
    pos = 0
    for _ in range(MAX_RIFF_CHUNKS):
        if pos >= size:
            return False
        header = head[pos : pos + 12] if pos + 12 <= len(head) else read(pos, 12)
        if pos and header[:4] != b"RIFF":
            return False
        if len(header) < 8:
            return True
        chunk = int.from_bytes(header[4:8], "little")
        end = pos + 8 + chunk
        if end > size:
            return True
        pos = end + (chunk & 1)  # chunks are padded to an even size
    return False


def _ts_cut(head: bytes, size: int, read: Reader) -> bool:
    """True when an MPEG-TS / BDAV file is not whole packets, or its last one lost its sync."""
    packet = ts_packet_size(head)
    if packet is None:
        return True
    if size % packet:
        return True
    sync_at = dict(TS_LAYOUTS)[packet]
    last = read(size - packet + sync_at, 1)
    return last != bytes([TS_SYNC])
