"""The hostile inputs, kept in one place: names, files, sizes, bodies and ZIP requests.

Every entry says what it is and the answer it must get. The tests in test_hostile_inputs.py run
each one through every entry point it applies to (the API's own upload, the direct upload path
of start → PUT → complete, folder and rename routes) on both backends.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from tests.media_factory import camera_clip
from tests.security.support import PHOTO, VIDEO

REFUSED = frozenset({400, 404, 409, 413, 415})  # a clear "no", never 401/403 or a 5xx


@dataclass(frozen=True)
class HostileName:
    """A file or folder name; ``as_segment`` when it must be refused inside any path too
    (an empty name or one with a slash just names another, ordinary, path)."""

    label: str
    value: str
    as_segment: bool = True


NAMES = [
    HostileName("dot-dot traversal", "../../etc/passwd.jpg"),
    HostileName("dot-dot", ".."),
    HostileName("dot", "."),
    HostileName("absolute path", "/etc/passwd.jpg", as_segment=False),
    HostileName("slash", "a/b.jpg", as_segment=False),
    HostileName("backslash traversal", "..\\..\\boot.ini.jpg"),
    HostileName("NUL", "evil\x00.jpg"),
    HostileName("bell", "bell\x07.jpg"),
    HostileName("newline", "line\nbreak.jpg"),
    HostileName("carriage return", "cr\r.jpg"),
    HostileName("DEL", "del\x7f.jpg"),
    HostileName("C1 control", "c1\x85.jpg"),
    HostileName("right-to-left override", "evil\u202egpj.exe.jpg"),
    HostileName("zero-width space", "zero\u200bwidth.jpg"),
    HostileName("byte order mark", "\ufeffbom.jpg"),
    HostileName("line separator", "line\u2028sep.jpg"),
    HostileName("300 ASCII bytes", "a" * 296 + ".jpg"),
    HostileName("300 bytes of two-byte letters", "é" * 148 + ".jpg"),
    HostileName("empty", "", as_segment=False),
    HostileName("spaces only", "   "),
    HostileName("leading space", " a.jpg"),
]

# Names that differ as code points but are equal after NFC normalisation.
NFC_NAME = "caf\u00e9.jpg"
NFD_NAME = "cafe\u0301.jpg"


@dataclass(frozen=True)
class HostileFile:
    """File contents sent as a photo; ``status`` is the refusal it must get."""

    label: str
    name: str
    data: bytes
    status: int
    content_type: str = "image/jpeg"


def _jpeg_with_comment(comment: bytes) -> bytes:
    """The test photo with a COM segment right after SOI: still a valid JPEG."""
    photo = PHOTO.read_bytes()
    return photo[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + photo[2:]


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A few hundred bytes of PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


SCRIPT_SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


# Where HTML can be written into the first 4 KB of each camera clip without breaking what
# sniffing checks: inside a packet's payload, the AVI header list, or the 3GP's media data.
_HTML_AT = {".ts": 188 * 3 + 8, ".mts": 192 * 3 + 12, ".avi": 200, ".3gp": 60, ".3g2": 60}


def with_html_at(data: bytes, name: str) -> bytes:
    """A camera clip (tests/media_factory.py CAMERA_SHAPES) with HTML over some of its bytes."""
    at = _HTML_AT[name[name.rindex(".") :]]
    marker = b"<script>alert(1)</script>"
    return data[:at] + marker + data[at + len(marker) :]


def files() -> list[HostileFile]:
    """Built on demand: some read the test media, some are made with PyAV."""
    video = VIDEO.read_bytes()
    mts, avi, three_gp = (
        camera_clip("00001.mts"),
        camera_clip("mjpeg.avi"),
        camera_clip("phone.3gp"),
    )
    return [
        HostileFile("text named .jpg", "notes.jpg", b"just some text, not a photo\n" * 50, 415),
        HostileFile("HTML named .jpg", "page.jpg", HTML, 415),
        HostileFile("SVG with a script", "logo.svg", SCRIPT_SVG, 415, "image/svg+xml"),
        HostileFile("SVG with a script named .jpg", "logo.jpg", SCRIPT_SVG, 415),
        HostileFile("polyglot JPEG + HTML", "poly.jpg", _jpeg_with_comment(HTML), 415),
        HostileFile("PNG claiming 30 000 × 30 000", "bomb.png", png_bomb(), 413, "image/png"),
        HostileFile("truncated MP4", "cut.mp4", video[: len(video) // 2], 400, "video/mp4"),
        HostileFile("truncated AVCHD", "00001.MTS", mts[: len(mts) - 100], 400, "video/mp2t"),
        HostileFile("truncated AVI", "MOV001.AVI", avi[: len(avi) // 2], 400, "video/x-msvideo"),
        HostileFile("truncated 3GP", "cut.3gp", three_gp[:-1], 400, "video/3gpp"),
        HostileFile("AVCHD + HTML", "00002.MTS", with_html_at(mts, ".mts"), 415, "video/mp2t"),
        HostileFile("AVI + HTML", "poly.avi", with_html_at(avi, ".avi"), 415, "video/x-msvideo"),
        HostileFile("ZIP named .jpg", "archive.jpg", b"PK\x03\x04" + b"\x00" * 200, 415),
        HostileFile("empty file", "empty.jpg", b"", 400),
    ]


def jpeg_then_html() -> bytes:
    """A valid JPEG with HTML after its end marker, past the sniffing window: it is a photo,
    and must only ever be served as one."""
    return PHOTO.read_bytes() + HTML * 8


@dataclass(frozen=True)
class HostileSize:
    """A declared size for a direct upload, and what arrives (None: nothing is sent)."""

    label: str
    declared: object
    sent: int | None
    status: int


def sizes(photo_size: int, max_upload: int) -> list[HostileSize]:
    return [
        HostileSize("negative", -1, None, 400),
        HostileSize("zero", 0, None, 400),
        HostileSize("not a number", "ten", None, 400),
        HostileSize("past 2**63", 2**70, None, 400),
        HostileSize("over the upload limit", max_upload + 1, None, 413),
        HostileSize("declares more than arrives", photo_size + 100, photo_size, 400),
        HostileSize("declares less than arrives", 100, photo_size, 400),
    ]


@dataclass(frozen=True)
class HostileRange:
    """A Range header for a file of ``size`` bytes, and the answer it must get: 206 with
    ``span`` (first, last byte), 416, or 200 for a header that is ignored (RFC 9110 lets a
    server ignore a Range it cannot use: malformed, several ranges, last before first)."""

    label: str
    header: str
    status: int
    span: tuple[int, int] | None = None


def ranges(size: int) -> list[HostileRange]:
    digits = "9" * 5000  # Python's int() refuses a string of more than 4300 digits
    whole = (0, size - 1)
    return [
        HostileRange("5000-digit first byte", f"bytes={digits}-", 416),
        HostileRange("5000-digit last byte", f"bytes=0-{digits}", 206, whole),
        HostileRange("5000-digit suffix", f"bytes=-{digits}", 206, whole),
        HostileRange("5000 digits both ends", f"bytes={digits}-{digits}", 416),
        HostileRange("5000 leading zeros", f"bytes={'0' * 5000}5-{'0' * 5000}9", 206, (5, 9)),
        HostileRange("4000-digit first byte", f"bytes={'9' * 4000}-", 416),
        HostileRange("first byte 2**64", f"bytes={2**64}-", 416),
        HostileRange("last byte 2**64", f"bytes=1-{2**64}", 206, (1, size - 1)),
        HostileRange("negative first byte", "bytes=-5-10", 200),
        HostileRange("empty suffix", "bytes=-0", 416),
        HostileRange("no numbers", "bytes=-", 200),
        HostileRange("two ranges", "bytes=0-1,5-6", 200),
        HostileRange("two thousand ranges", "bytes=" + ",".join(["0-1"] * 2000), 200),
        HostileRange("last before first", "bytes=5-2", 200),
        HostileRange("another unit", "items=0-1", 200),
        HostileRange("plus sign", "bytes=+1-2", 200),
        HostileRange("hex", "bytes=0x10-0x20", 200),
        HostileRange("Arabic-Indic digits", "bytes=\u0660-\u0661", 200),
        HostileRange("spaces around =", "bytes = 0-1", 200),
        HostileRange("first byte at the end", f"bytes={size}-", 416),
        HostileRange("last byte only", f"bytes={size - 1}-", 206, (size - 1, size - 1)),
        HostileRange("suffix longer than the file", f"bytes=-{size + 100}", 206, whole),
        HostileRange("upper-case unit", "BYTES=0-1", 206, (0, 1)),
    ]


HUGE_JSON_BYTES = 8 * 1024 * 1024
DEEP_JSON = b"[" * 200_000 + b"]" * 200_000
ZIP_IDS = 1000
