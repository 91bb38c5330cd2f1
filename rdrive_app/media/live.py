"""Live Photos and Motion Photos: what a still says about the video that belongs with it.

An iPhone Live Photo is two files (IMG_1234.HEIC and IMG_1234.MOV) that carry the same content
identifier: in the still it is tag 0x0011 of Apple's EXIF MakerNote, in the video the QuickTime
key ``com.apple.quicktime.content.identifier``. An Android Motion Photo is one file, a JPEG or
HEIC with an MP4 appended, which its XMP locates (``GCamera:MotionPhoto`` with a
``Container:Directory``, or the older ``GCamera:MicroVideo`` with an offset from the end).

Everything here is read defensively, from metadata any file can forge: a MakerNote that is cut
short or malformed gives no identifier, and a span is only returned when the bytes it points at
really start an MP4 (an ISO-BMFF ``ftyp`` box), never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, BinaryIO

from PIL import ExifTags, Image

Reader = Callable[[int, int], bytes]  # (start, length) → up to length bytes

APPLE_MAKERNOTE = b"Apple iOS\x00"
_APPLE_IFD_AT = 14  # "Apple iOS\0", a 2-byte version, "MM": then a big-endian IFD
_CONTENT_ID_TAG = 0x0011  # ContentIdentifier (ExifTool's older name: MediaGroupUUID)
_ASCII = 2
MAX_MAKERNOTE_ENTRIES = 256  # an iPhone writes about 40
_UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
MAX_XMP_CHARS = 1 << 20
_MIN_MP4 = 16  # an ftyp box alone is longer
_NUMBER = re.compile(r"\d{1,18}")


def live_fields(im: Image.Image, fp: BinaryIO) -> dict[str, Any]:
    """The MediaInfo fields ``content_id`` and ``motion_span`` of an opened still (those found).

    ``fp`` is the still's own seekable file: its size places a Motion Photo's video, and the
    bytes there are checked. Its position is left where it was."""
    found: dict[str, Any] = {}
    if (content_id := content_identifier(im)) is not None:
        found["content_id"] = content_id
    xmp = im.info.get("xmp")
    if xmp:
        position = fp.tell()
        try:
            size = fp.seek(0, 2)
            span = motion_span(xmp, size, lambda start, n: _read_at(fp, start, n))
        finally:
            fp.seek(position)
        if span is not None:
            found["motion_span"] = span
    return found


def content_identifier(im: Image.Image) -> str | None:
    """Apple's content identifier from the still's MakerNote, or None."""
    try:
        makernote = im.getexif().get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.MakerNote)
    except Exception:  # a broken EXIF block must not fail the photo
        return None
    return apple_content_id(makernote)


def apple_content_id(makernote: object) -> str | None:
    """Tag 0x0011 of an Apple MakerNote (offsets count from its start), or None if absent or
    malformed in any way."""
    if not isinstance(makernote, bytes) or not makernote.startswith(APPLE_MAKERNOTE):
        return None
    if makernote[12:14] != b"MM" or len(makernote) < _APPLE_IFD_AT + 2:
        return None
    count = int.from_bytes(makernote[14:16], "big")
    for i in range(min(count, MAX_MAKERNOTE_ENTRIES)):
        at = _APPLE_IFD_AT + 2 + 12 * i
        entry = makernote[at : at + 12]
        if len(entry) < 12:
            return None
        if int.from_bytes(entry[:2], "big") != _CONTENT_ID_TAG:
            continue
        kind, length = int.from_bytes(entry[2:4], "big"), int.from_bytes(entry[4:8], "big")
        if kind != _ASCII or not 1 <= length <= 256:
            return None
        if length <= 4:
            value = entry[8 : 8 + length]
        else:
            start = int.from_bytes(entry[8:12], "big")
            value = makernote[start : start + length]
            if len(value) < length:
                return None
        return content_id_from_text(value)
    return None


def content_id_from_text(value: object) -> str | None:
    """A content identifier as both halves compare it: an upper-case UUID, else None.

    For the still's MakerNote value and the video's QuickTime key alike."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip().upper()
    return text if _UUID.fullmatch(text) else None


def motion_span(xmp: object, size: int, read: Reader) -> tuple[int, int] | None:
    """(offset, length) of the MP4 a Motion Photo's XMP places at the end of its ``size``-byte
    file, when ``read`` finds an ``ftyp`` box there; else None."""
    text = _xmp_text(xmp)
    if text is None:
        return None
    claimed = _claimed(text, size)
    if claimed is None:
        return None
    offset, length = claimed
    if offset <= 0 or length < _MIN_MP4 or offset + length > size:
        return None
    head = read(offset, 8)
    if len(head) < 8 or head[4:8] != b"ftyp" or int.from_bytes(head[:4], "big") < 8:
        return None
    return claimed


def _claimed(text: str, size: int) -> tuple[int, int] | None:
    """Where the XMP says the video is: the Container directory's last item when it is the
    MotionPhoto one (the newer format), else the MicroVideo offset from the end."""
    if _prop(text, "MotionPhoto") == "1":
        last = _directory_items(text)[-1:]
        if last and _prop(last[0], "Semantic") == "MotionPhoto":
            length, padding = _number(_prop(last[0], "Length")), _number(_prop(last[0], "Padding"))
            if length is not None:
                return size - length - (padding or 0), length
    if _prop(text, "MicroVideo") == "1":
        from_end = _number(_prop(text, "MicroVideoOffset"))
        if from_end is not None:
            return size - from_end, from_end
    return None


def _xmp_text(xmp: object) -> str | None:
    if isinstance(xmp, bytes):
        xmp = xmp[:MAX_XMP_CHARS].decode("utf-8", "replace")
    return xmp[:MAX_XMP_CHARS] if isinstance(xmp, str) else None


def _prop(text: str, name: str) -> str | None:
    """The value of XMP property ``name`` (any namespace prefix), written as an attribute
    (``GCamera:MotionPhoto="1"``) or as an element (``<GCamera:MotionPhoto>1</...>``)."""
    # Every repeat is bounded by the next quote or '<' (values are short words and numbers), so
    # a forged packet of a megabyte costs one linear scan, never one scan per start.
    attribute = re.search(rf"[\s<][\w.-]+:{name}\s*=\s*([\"'])([^\"'<]{{0,64}})\1", text)
    if attribute:
        return attribute.group(2).strip()
    element = re.search(rf"<([\w.-]+):{name}(?:\s[^<>]*)?>([^<]{{0,64}})</\1:{name}\s*>", text)
    return element.group(2).strip() if element else None


def _directory_items(text: str) -> list[str]:
    """The text of each ``Container:Item`` in the ``Container:Directory``, in order."""
    directory = re.search(r"<[\w.-]+:Directory[\s>]", text)
    if directory is None:
        return []
    rest = text[directory.end() :]
    end = re.search(r"</[\w.-]+:Directory\s*>", rest)
    rest = rest[: end.start()] if end else rest
    starts = [m.start() for m in re.finditer(r"<[\w.-]+:Item[\s/>]", rest)]
    return [rest[a:b] for a, b in zip(starts, [*starts[1:], len(rest)], strict=True)]


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and _NUMBER.fullmatch(value) else None


def _read_at(fp: BinaryIO, start: int, length: int) -> bytes:
    fp.seek(start)
    return fp.read(length)
