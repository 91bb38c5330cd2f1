"""Request and response bodies of the HTTP API (they also make /api/openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from rdrive_app.core.albums import MAX_IDS_PER_CALL, AlbumChange
from rdrive_app.core.domain import Folder, User
from rdrive_app.core.fingerprint import MAX_FINGERPRINT_CHARS
from rdrive_app.core.tags import MAX_DESCRIPTION_CHARS, MAX_TAGS


class ErrorOut(BaseModel):
    """Every error: a sentence for people."""

    detail: str


class StrictIn(BaseModel):
    """A request body that refuses fields it does not know (a typo is an error, not a no-op)."""

    model_config = ConfigDict(extra="forbid")


class LoginIn(StrictIn):
    username: str = Field(max_length=256)
    password: str = Field(max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int


class SecondFactorOut(BaseModel):
    """The answer to a right password of an account with a second factor."""

    second_factor_required: Literal[True] = True
    challenge_token: str
    methods: list[str]


class SecondFactorIn(StrictIn):
    challenge_token: str = Field(max_length=2048)
    code: str = Field(max_length=64)


class CodeIn(StrictIn):
    """A current two-factor code (or a recovery code) that vouches for a settings change."""

    code: str = Field(max_length=64)


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


class MeOut(BaseModel):
    username: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> MeOut:
        return cls(username=user.name, created_at=user.created_at)


class FolderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(max_length=4096)


class FolderOut(BaseModel):
    path: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, folder: Folder) -> FolderOut:
        return cls(path=folder.path, name=folder.name, created_at=folder.created_at)


class FolderListOut(BaseModel):
    path: str
    folders: list[FolderOut]


class GPSOut(BaseModel):
    lat: float
    lon: float


class PlaceOut(BaseModel):
    """Where it was taken, in words: the nearest locality to its GPS position."""

    city: str
    region: str
    country: str
    country_code: str = Field(description="ISO 3166-1 alpha-2, such as IT")


class PlaybackOut(BaseModel):
    """A video's playback: ``original`` (it plays as uploaded), ``preparing`` (a rendition is
    being made; ``progress`` 0..1), ``ready`` or ``failed`` (``reason`` says why)."""

    state: str
    progress: float
    reason: str | None


class ItemOut(BaseModel):
    """One photo or video; URLs are signed and short-lived, null while missing."""

    id: str
    folder: str
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str | None
    status: str
    status_reason: str | None
    uploaded_by: str
    uploaded_at: datetime
    taken_at: datetime | None
    width: int | None = Field(description="as shown: after the camera's orientation and the turn")
    height: int | None = Field(description="as shown: after the camera's orientation and the turn")
    rotation: int = Field(0, description="the user's turn, degrees clockwise: 0, 90, 180, 270")
    date_fixed: bool = Field(
        False, description="taken_at was set by a user, not read from the file"
    )
    favorite: bool = False
    duration: float | None
    camera: str | None
    lens: str | None = None
    gps: GPSOut | None
    place: PlaceOut | None = None
    deleted_at: datetime | None = None
    playback: PlaybackOut | None = None
    live: bool = False
    url: str | None
    url_type: str | None = None
    thumbnail_url: str | None
    preview_url: str | None
    playback_url: str | None = None
    playback_type: str | None = None
    motion_url: str | None = None
    motion_type: str | None = None
    albums: list[str] = Field(default_factory=list, description="ids of the albums it is in")
    description: str = Field("", description="the user's caption")
    tags: list[str] = Field(default_factory=list, description="normalised: lower case, NFC")
    rating: int | None = Field(None, description="0 to 5 stars, from an XMP sidecar")
    sidecars: list[str] = Field(
        default_factory=list, description="ids of its sidecar files (XMP, AAE, Takeout JSON)"
    )


class ItemPageOut(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None


class MonthOut(BaseModel):
    """A month of the timeline (``YYYY-MM``, UTC) and how many items it holds."""

    month: str
    count: int


class ItemListOut(BaseModel):
    """Items changed together (all of them: no pages)."""

    items: list[ItemOut]


class RejectedOut(BaseModel):
    name: str
    detail: str


class UploadResultOut(BaseModel):
    items: list[ItemOut]
    rejected: list[RejectedOut]


class UploadIn(BaseModel):
    """Start a direct upload: the bytes then go straight to storage."""

    model_config = ConfigDict(extra="forbid")

    folder: str = Field("/", max_length=4096)
    name: str = Field(max_length=1024)
    size: int = Field(ge=1, le=2**63 - 1)
    content_type: str = Field("", max_length=255)
    fingerprint: str | None = Field(
        None,
        max_length=MAX_FINGERPRINT_CHARS,
        description="the client's identity of the file, e.g. 'name|size|lastModified': an "
        "unfinished upload of the same file in the same folder is resumed",
    )


class UploadTicketOut(BaseModel):
    """Single PUT: send the file to ``upload_url`` with ``headers`` (on S3 they include
    ``If-None-Match: *``: a 412 answer means the file is stored already, so go on to complete).
    Multipart (``multipart`` true, ``upload_url`` empty): PUT parts 1..``part_count`` of
    ``part_size`` bytes (the last shorter) to URLs from POST /api/uploads/{id}/parts, skip
    ``done_parts``, then complete."""

    item: ItemOut
    method: str = "PUT"
    upload_url: str
    headers: dict[str, str]
    expires_in: int
    multipart: bool = False
    upload_id: str | None = None
    part_size: int
    part_count: int = 1
    done_parts: list[int] = []


class PartsIn(BaseModel):
    """Which parts of a multipart upload to sign URLs for."""

    model_config = ConfigDict(extra="forbid")

    numbers: list[int] = Field(min_length=1, max_length=1000)


class PartsOut(BaseModel):
    """Part number (as text, JSON keys are strings) → signed PUT URL; each PUT answers with
    an ETag header."""

    urls: dict[str, str]
    expires_in: int


class ExistsIn(BaseModel):
    """Which of these files (by sha256, hex) the library holds already."""

    model_config = ConfigDict(extra="forbid")

    sha256: list[str] = Field(max_length=1000)


class ExistsOut(BaseModel):
    existing: list[str]


class ItemPatchIn(BaseModel):
    """Rename and/or move an item, turn a photo, set its date taken, make it a favourite."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=1024)
    folder: str | None = Field(None, max_length=4096)
    rotation: StrictInt | None = Field(
        None,
        description="degrees clockwise, on top of the camera's orientation: 0, 90, 180 or 270 "
        "(photos only; the original is never changed)",
        json_schema_extra={"enum": [0, 90, 180, 270]},
    )
    taken_at: str | None = Field(
        None,
        max_length=64,
        description="ISO 8601 date and time, e.g. 2019-07-14T15:30:00+02:00; without an offset "
        "it is UTC. From 1826 to a day from now. Processing the item again keeps it.",
    )
    favorite: StrictBool | None = None
    description: str | None = Field(
        None, description=f"free text of at most {MAX_DESCRIPTION_CHARS} characters; '' clears"
    )
    tags: list[str] | None = Field(
        None, description=f"the item's tags, replacing its own (at most {MAX_TAGS}); [] clears"
    )


class ShiftDatesIn(BaseModel):
    """Move the date taken of a selection by a time difference (a camera's wrong clock)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(description="1 to 1000 item ids")
    seconds: StrictInt = Field(description="how far to move them; negative moves them earlier")


class FavoritesIn(BaseModel):
    """Mark a selection favourites, or not."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(description="1 to 1000 item ids (photos and videos)")
    favorite: StrictBool = Field(description="true makes them favourites, false not")


class TagsEditIn(BaseModel):
    """Add and remove tags on a selection (a tag cannot be in both lists)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(description="1 to 1000 item ids")
    add: list[str] = Field(default_factory=list, description="tags to add to each item")
    remove: list[str] = Field(default_factory=list, description="tags to take off each item")


class TagOut(BaseModel):
    """A tag and how many items carry it."""

    tag: str = Field(description="as stored: lower case, NFC, single spaces")
    count: int = Field(description="items not in the trash")


class FolderPatchIn(BaseModel):
    """Rename or move a folder with everything in it."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(max_length=4096)
    new_path: str = Field(max_length=4096)


class AlbumIn(BaseModel):
    """A new album."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=1024)


class AlbumPatchIn(BaseModel):
    """A new name and/or cover; ``cover_id: null`` goes back to the newest item."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=1024)
    cover_id: str | None = Field(None, max_length=64)


class AlbumIdsIn(BaseModel):
    """Items to add to or remove from an album (1 to 1000 ids)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=1, max_length=MAX_IDS_PER_CALL)


class AlbumChangeOut(BaseModel):
    """``changed``: added (removed); ``unchanged``: in it already (not in it)."""

    changed: list[str]
    unchanged: list[str]

    @classmethod
    def of(cls, change: AlbumChange) -> AlbumChangeOut:
        return cls(changed=list(change.changed), unchanged=list(change.unchanged))


class AlbumOut(BaseModel):
    """An album: ``count`` items shown (trashed ones are hidden), and its cover (the chosen
    ``cover_id`` while it is shown, else the newest item; null when empty)."""

    id: str
    name: str
    created_at: datetime
    cover_id: str | None
    count: int
    cover: ItemOut | None


class AlbumListOut(BaseModel):
    albums: list[AlbumOut]


class CityOut(BaseModel):
    """A city (in its region) and how many items on the timeline were taken there."""

    city: str
    region: str
    count: int


class CountryOut(BaseModel):
    """A country, how many items were taken in it, and its cities, most items first."""

    country: str
    country_code: str
    count: int
    cities: list[CityOut]


class PlacesOut(BaseModel):
    """The Places page: every country the timeline's items were taken in, most items first."""

    countries: list[CountryOut]
