"""MediaItem, Folder and User, and the rules for names and folder paths.

These rules are the only gate between a browser and the storage keys, so they are strict:
a name can never smuggle a path separator, a NUL, a control character or a dot-segment, nor
an invisible character that makes it read as another name.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.housekeeping import is_housekeeping
from rdrive_app.core.keys import original_key
from rdrive_app.core.playback import Motion, Playback

MAX_NAME_BYTES = 255
MAX_SELECTION = 1000  # ids in one call that acts on a selection
MAX_PATH_DEPTH = 32
ROOT = "/"


class Kind(StrEnum):
    """What an item is: claimed by its name or type when its upload starts, then decided by
    its first bytes when the upload completes (media/sniff.py).

    A ``file`` is anything else a folder holds (an edit sidecar, a PDF, a camera's index): kept
    byte for byte, listed in its folder, downloaded, moved and trashed like the rest, but never
    processed, never shown inline and never on the timeline, in search or in albums."""

    IMAGE = "image"
    VIDEO = "video"
    FILE = "file"


class Status(StrEnum):
    """Where an item is in its life: uploading → processing → ready | failed.

    ``uploading`` bytes are unchecked: only completion's checks let an item go on to processing.
    """

    UPLOADING = "uploading"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


def utcnow() -> datetime:
    """Timezone-aware now; every stored time is UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh item id: also the immutable blob key, so it never contains a path."""
    return uuid.uuid4().hex


# Format characters show nothing, or change how the rest of the name shows: with U+202E
# (right-to-left override) "evil\u202egpj.exe" reads as "evilexe.jpg". Kept: ZWNJ and ZWJ
# (Persian and Indic spelling, emoji sequences) and the tag characters of flag emoji.
_KEPT_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d", *map(chr, range(0xE0020, 0xE0080))})


def _refused_character(ch: str) -> str | None:
    """Why ``ch`` may not be in a name, or None."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return "control characters"
    if category in ("Zl", "Zp"):
        return "line or paragraph separators"
    if category == "Cs":
        return "unpaired surrogates (text that is not valid Unicode)"
    if category == "Cf" and ch not in _KEPT_FORMAT_CHARACTERS:
        return f"invisible formatting characters such as U+{ord(ch):04X}"
    return None


def validate_name(name: object) -> str:
    """Return the NFC form of a file or folder name, or raise InvalidInput saying why."""
    if not isinstance(name, str):
        raise InvalidInput("a name must be text")
    name = unicodedata.normalize("NFC", name)
    if not name or not name.strip():
        raise InvalidInput("a name cannot be empty")
    if "/" in name or "\\" in name:
        raise InvalidInput("a name cannot contain '/' or '\\'")
    for ch in name:
        why = _refused_character(ch)
        if why:
            raise InvalidInput(f"a name cannot contain {why}")
    if name in {".", ".."}:
        raise InvalidInput("a name cannot be '.' or '..'")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidInput(f"a name can be at most {MAX_NAME_BYTES} bytes")
    if name != name.strip():
        raise InvalidInput("a name cannot start or end with spaces")
    return name


def normalize_folder(path: object) -> str:
    """Return the normalised absolute POSIX form of a folder path ('/', '/a', '/a/b').

    A trailing slash and repeated slashes are tolerated; every segment must be a valid name,
    so '..' and '.' are refused rather than resolved.
    """
    if not isinstance(path, str):
        raise InvalidInput("a folder path must be text")
    if not path.startswith("/"):
        raise InvalidInput("a folder path must start with '/'")
    segments = [s for s in path.split("/") if s != ""]
    if len(segments) > MAX_PATH_DEPTH:
        raise InvalidInput(f"folders can be at most {MAX_PATH_DEPTH} levels deep")
    clean = [validate_name(s) for s in segments]
    return "/" + "/".join(clean)


def join_path(folder: str, name: str) -> str:
    """The path of ``name`` inside ``folder``."""
    return f"{folder.rstrip('/')}/{name}"


def split_path(path: str) -> tuple[str, str]:
    """(parent, name) of a normalised non-root path."""
    if path == ROOT:
        raise InvalidInput("the root folder has no parent")
    parent, _, name = path.rpartition("/")
    return (parent or ROOT, name)


def is_same_or_inside(path: str, ancestor: str) -> bool:
    """True when ``path`` is ``ancestor`` or lies somewhere below it."""
    return ancestor == ROOT or path == ancestor or path.startswith(ancestor + "/")


def numbered_name(name: str, n: int) -> str:
    """'IMG_1.jpg' → 'IMG_1 (n).jpg': the free-name candidates for a clash."""
    if n == 0:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({n})"
    return f"{stem} ({n}).{ext}"


@dataclass(frozen=True, slots=True)
class GPS:
    """A position in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Place:
    """Where a photo was taken, in words: the nearest locality to its GPS position, as an
    offline reverse geocoder names it (media/places.py)."""

    city: str
    region: str
    country: str
    country_code: str

    @property
    def label(self) -> str:
        """'Arezzo, Tuscany, Italy' (parts that repeat or are empty left out)."""
        parts = [p for p in (self.city, self.region, self.country) if p]
        return ", ".join(dict.fromkeys(parts))


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder: it exists even when empty (a marker record in the catalog)."""

    path: str
    created_at: datetime = field(default_factory=utcnow)

    @property
    def name(self) -> str:
        return split_path(self.path)[1] if self.path != ROOT else ""

    @property
    def parent(self) -> str:
        return split_path(self.path)[0]


@dataclass(frozen=True, slots=True)
class MediaItem:
    """One photo or video. The blob key derives from ``id`` only, never from folder or name."""

    id: str
    folder: str
    name: str
    kind: Kind
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime = field(default_factory=utcnow)
    status: Status = Status.UPLOADING
    status_reason: str | None = None
    sha256: str | None = None
    crc32: int | None = None  # the original's CRC-32, so a ZIP of it is a copy (zip_writer)
    taken_at: datetime | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    camera: str | None = None
    lens: str | None = None
    gps: GPS | None = None
    rotation: int | None = None
    codec: str | None = None
    thumbnails: dict[str, str] = field(default_factory=dict)
    playback: Playback | None = None  # videos: which file a browser plays (core/playback.py)
    motion: Motion | None = None  # Live and Motion Photos: the still's video half
    content_id: str | None = None  # Apple's Live Photo identifier, shared by both halves
    favorite: bool = False
    albums: tuple[str, ...] = ()  # the ids of the albums it is in
    # Degrees clockwise the user turned it (0, 90, 180, 270), on top of the camera's own
    # orientation; the original's bytes never change.
    turn: int = 0
    # The user set taken_at (a camera with a wrong clock): processing again keeps it.
    date_fixed: bool = False
    description: str = ""  # the user's caption (core/tags.py checks it)
    tags: tuple[str, ...] = ()  # normalised, each once, in the order given (core/tags.py)
    place: Place | None = None  # from gps (services/places.py); None without a position
    rating: int | None = None  # 0-5 stars, from an XMP sidecar (services/sidecars.py)
    sidecars: tuple[str, ...] = ()  # the ids of its sidecar files (XMP, AAE, Takeout JSON)
    deleted_at: datetime | None = None
    # While uploading: the multipart upload id (None for a single PUT), and the client's opaque
    # "name|size|lastModified" string that lets a re-added file resume this upload.
    upload_id: str | None = None
    fingerprint: str | None = None

    @property
    def original_key(self) -> str:
        return original_key(self.id)

    @property
    def path(self) -> str:
        return join_path(self.folder, self.name)

    @property
    def on_timeline(self) -> bool:
        """In the timeline, albums, favourites and search: a photo or video, stored (not
        uploading) and not trashed."""
        return (
            self.deleted_at is None and self.status != Status.UPLOADING and self.kind != Kind.FILE
        )

    @property
    def housekeeping(self) -> bool:
        """A file a client writes for itself (core.housekeeping): kept, listed only to file
        clients (WebDAV), never on the web page."""
        return is_housekeeping(self.name)

    @property
    def sort_date(self) -> datetime:
        """The date a photo app sorts by: when it was taken, else when it arrived."""
        return self.taken_at or self.uploaded_at

    @property
    def shown_size(self) -> tuple[int | None, int | None]:
        """(width, height) as shown: the camera's orientation is in them, a user's quarter
        turn swaps them (a justified grid keeps this aspect ratio)."""
        if self.turn in (90, 270):
            return self.height, self.width
        return self.width, self.height

    def with_changes(self, **changes: Any) -> MediaItem:
        """A copy with these fields replaced (the catalogs' partial updates; checked there)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class User:
    """An account. ``token_version`` grows on every password change and sign-out everywhere,
    revoking older tokens; ``account_id`` is made with the account and never changes, so an
    account removed and made again under the same name (token version 1 again) is told apart
    from the old one by every token and device token."""

    name: str
    password_hash: str
    token_version: int = 1
    created_at: datetime = field(default_factory=utcnow)
    account_id: str = field(default_factory=new_id)


def validate_username(name: object) -> str:
    """Usernames: 1–64 characters of letters, digits, '.', '_' or '-'."""
    if not isinstance(name, str):
        raise InvalidInput("a username must be text")
    name = unicodedata.normalize("NFC", name.strip())
    if not 1 <= len(name) <= 64:
        raise InvalidInput("a username must be 1 to 64 characters")
    if not all(ch.isalnum() or ch in "._-" for ch in name):
        raise InvalidInput("a username may contain only letters, digits, '.', '_' and '-'")
    return name


def selection(ids: object) -> list[str]:
    """The ids of a selection, each once, in order: 1 to MAX_SELECTION ids, each text."""
    if not isinstance(ids, list | tuple) or not ids:
        raise InvalidInput("choose at least one item")
    if len(ids) > MAX_SELECTION:
        raise InvalidInput(f"at most {MAX_SELECTION} items in one call")
    if not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids):
        raise InvalidInput("an item id is text of 1 to 64 characters")
    return list(dict.fromkeys(ids))
