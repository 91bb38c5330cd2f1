"""The catalog's record layout, shared by the SQLite and DynamoDB backends.

Both backends store the same flat records with the same composite sort keys, and page with the
same cursors, so they list in exactly the same order: strings compare by UTF-8 bytes in SQLite
(BINARY collation) and in DynamoDB alike.

- Times are ISO-8601 UTC strings of fixed width, so they sort as text.
- ``kind_name`` = ``kind#name``, ``taken_key`` = ``iso(taken_at or uploaded_at)#name``,
  ``uploaded_key`` = ``iso(uploaded_at)#name``, and the ``kind_``-prefixed date keys. The name
  makes each key unique within its folder, which keyset pagination needs.
- The timeline: ``timeline_key`` = ``iso(sort_date)#id`` and ``tl_month`` = its ``YYYY-MM``, set
  only on items ``on_timeline`` (not uploading, not trashed), so both indexes over them are sparse;
  ``fav_list`` = ``favorites`` marks a favourite on the timeline for the favourites index.
- Albums (catalog_albums.py) live in partitions starting with '#' too, as user folders never do.
- Trashed items live in folder ``#trash`` under their id and keep ``orig_folder``/``orig_name``;
  ``deleted_key`` = ``iso(deleted_at)#id`` orders the trash.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from rdrive_app.core.domain import GPS, Folder, Kind, MediaItem, Place, Status, User
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.playback import Motion, Playback
from rdrive_app.core.search import item_terms
from rdrive_app.storage.protocols import SortOrder

Record = dict[str, Any]  # one stored record, as both backends read and write it

TRASH = "#trash"
MONTHS = "#months"  # DynamoDB's timeline month counters (aws/catalog.py)
FOLDER_KIND = "folder"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_PAGE = 1000
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

ITEM_COLUMNS = (
    "folder", "name", "kind", "id", "created_at", "moving_from", "content_type", "size",
    "uploaded_by", "uploaded_at", "status", "status_reason", "sha256", "taken_at", "width",
    "height", "duration", "camera", "lens", "gps_lat", "gps_lon", "rotation", "codec",
    "thumbnails", "playback", "motion", "content_id", "deleted_at", "orig_folder", "orig_name",
    "kind_name", "taken_key", "uploaded_key", "kind_taken_key", "kind_uploaded_key", "deleted_key",
    "upload_id", "fingerprint", "favorite", "albums", "turn", "date_fixed", "tl_month",
    "timeline_key", "fav_list", "album_name", "cover_id", "added_at", "description", "tags",
    "place_city", "place_region", "place_country", "place_code", "search_terms", "rating",
    "sidecars", "crc32",
)  # fmt: skip
# Fields update_item may change: everything but identity, place and trash state.
UPDATABLE = frozenset(f.name for f in fields(MediaItem)) - {"id", "folder", "name", "deleted_at"}


def iso(dt: datetime) -> str:
    """Fixed-width UTC text ('2024-05-01T10:00:00.000000Z'); naive times are taken as UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    # not strftime: glibc writes year 999 as '999', which would break the fixed width
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
        f"{dt.second:02d}.{dt.microsecond:06d}Z"
    )


def parse_iso(text: str) -> datetime:
    """The inverse of ``iso``. fromisoformat reads what ``iso`` writes (it ends in Z) fifty
    times faster than strptime, which listing thousands of items feels; anything else is
    read strictly."""
    if len(text) == 27 and text[-1] == "Z":
        return datetime.fromisoformat(text)
    return datetime.strptime(text, _ISO_FORMAT).replace(tzinfo=UTC)


def _opt_iso(dt: datetime | None) -> str | None:
    return iso(dt) if dt is not None else None


def _opt_dt(text: Any) -> datetime | None:
    return parse_iso(text) if text else None


def _opt(conv: Any, value: Any) -> Any:
    return conv(value) if value is not None else None


def sort_keys(item: MediaItem) -> dict[str, str]:
    """The composite keys the listings sort by."""
    taken = iso(item.sort_date)
    uploaded = iso(item.uploaded_at)
    return {
        "kind_name": f"{item.kind}#{item.name}",
        "taken_key": f"{taken}#{item.name}",
        "uploaded_key": f"{uploaded}#{item.name}",
        "kind_taken_key": f"{item.kind}#{taken}#{item.name}",
        "kind_uploaded_key": f"{item.kind}#{uploaded}#{item.name}",
    }


FAVORITES = "favorites"  # fav_list's one value: the favourites index has one partition


def timeline_keys(item: MediaItem) -> dict[str, str | None]:
    """The keys that put an item on the timeline (and the favourites) — None when it is not."""
    if not item.on_timeline:
        return {"tl_month": None, "timeline_key": None, "fav_list": None}
    key = f"{iso(item.sort_date)}#{item.id}"
    return {
        "tl_month": key[:7],
        "timeline_key": key,
        "fav_list": FAVORITES if item.favorite else None,
    }


def place_fields(place: Place | None) -> dict[str, str | None]:
    if place is None:
        return {"place_city": None, "place_region": None, "place_country": None,
                "place_code": None}  # fmt: skip
    return {
        "place_city": place.city,
        "place_region": place.region,
        "place_country": place.country,
        "place_code": place.country_code,
    }


def record_place(rec: Mapping[str, Any]) -> Place | None:
    if not rec.get("place_country") and not rec.get("place_city"):
        return None
    return Place(
        city=rec.get("place_city") or "",
        region=rec.get("place_region") or "",
        country=rec.get("place_country") or "",
        country_code=rec.get("place_code") or "",
    )


def search_fields(item: MediaItem) -> dict[str, str | None]:
    """``search_terms``: the words the search indexes (core.search.item_terms), space-joined;
    None off the timeline, so trashed and uploading items are never found."""
    if not item.on_timeline:
        return {"search_terms": None}
    return {"search_terms": " ".join(item_terms(item)) or None}


def month_deltas(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, int]:
    """How a write changes the timeline's month counts (a backend that keeps counters applies
    these in the same step): ``old`` replaced by ``new``, either None for a put or a delete."""
    deltas: dict[str, int] = {}
    for rec, step in ((old, -1), (new, 1)):
        month = rec.get("tl_month") if rec is not None else None
        if month:
            deltas[month] = deltas.get(month, 0) + step
    return {month: n for month, n in deltas.items() if n}


def item_record(item: MediaItem) -> Record:
    """The stored record of ``item``; a trashed item (deleted_at set) goes to the trash."""
    rec: Record = {
        "folder": item.folder,
        "name": item.name,
        "kind": str(item.kind),
        "id": item.id,
        "content_type": item.content_type,
        "size": item.size,
        "uploaded_by": item.uploaded_by,
        "uploaded_at": iso(item.uploaded_at),
        "status": str(item.status),
        "status_reason": item.status_reason,
        "sha256": item.sha256,
        "taken_at": _opt_iso(item.taken_at),
        "width": item.width,
        "height": item.height,
        "duration": item.duration,
        "camera": item.camera,
        "lens": item.lens,
        "gps_lat": item.gps.lat if item.gps else None,
        "gps_lon": item.gps.lon if item.gps else None,
        "rotation": item.rotation,
        "codec": item.codec,
        "thumbnails": json.dumps(item.thumbnails, sort_keys=True) if item.thumbnails else None,
        "playback": item.playback.to_json() if item.playback else None,
        "motion": item.motion.to_json() if item.motion else None,
        "content_id": item.content_id,
        "upload_id": item.upload_id,
        "fingerprint": item.fingerprint,
        "favorite": 1 if item.favorite else None,
        "albums": json.dumps(list(item.albums)) if item.albums else None,
        "turn": item.turn or None,
        "date_fixed": 1 if item.date_fixed else None,
        "description": item.description or None,
        "tags": json.dumps(list(item.tags), ensure_ascii=False) if item.tags else None,
        "rating": item.rating,
        "crc32": item.crc32,
        "sidecars": json.dumps(list(item.sidecars)) if item.sidecars else None,
        **place_fields(item.place),
        **search_fields(item),
        **sort_keys(item),
        **timeline_keys(item),
    }
    if item.deleted_at is not None:
        deleted = iso(item.deleted_at)
        rec.update(
            folder=TRASH,
            name=item.id,
            orig_folder=item.folder,
            orig_name=item.name,
            deleted_at=deleted,
            deleted_key=f"{deleted}#{item.id}",
        )
    return rec


def record_item(rec: Mapping[str, Any]) -> MediaItem:
    """The MediaItem a stored record describes (trashed ones report their original place)."""
    trashed = rec["folder"] == TRASH
    lat, lon = rec.get("gps_lat"), rec.get("gps_lon")
    thumbs = rec.get("thumbnails")
    return MediaItem(
        id=rec["id"],
        folder=rec["orig_folder"] if trashed else rec["folder"],
        name=rec["orig_name"] if trashed else rec["name"],
        kind=Kind(rec["kind"]),
        content_type=rec["content_type"],
        size=int(rec["size"]),
        uploaded_by=rec["uploaded_by"],
        uploaded_at=parse_iso(rec["uploaded_at"]),
        status=Status(rec["status"]),
        status_reason=rec.get("status_reason"),
        sha256=rec.get("sha256"),
        taken_at=_opt_dt(rec.get("taken_at")),
        width=_opt(int, rec.get("width")),
        height=_opt(int, rec.get("height")),
        duration=_opt(float, rec.get("duration")),
        camera=rec.get("camera"),
        lens=rec.get("lens"),
        gps=GPS(float(lat), float(lon)) if lat is not None and lon is not None else None,
        rotation=_opt(int, rec.get("rotation")),
        codec=rec.get("codec"),
        thumbnails=json.loads(thumbs) if thumbs else {},
        playback=_opt(Playback.from_json, rec.get("playback")),
        motion=_opt(Motion.from_json, rec.get("motion")),
        content_id=rec.get("content_id"),
        deleted_at=_opt_dt(rec.get("deleted_at")),
        upload_id=rec.get("upload_id"),
        fingerprint=rec.get("fingerprint"),
        favorite=bool(rec.get("favorite")),
        albums=tuple(json.loads(rec["albums"])) if rec.get("albums") else (),
        turn=int(rec.get("turn") or 0),
        date_fixed=bool(rec.get("date_fixed")),
        description=rec.get("description") or "",
        tags=tuple(json.loads(rec["tags"])) if rec.get("tags") else (),
        rating=_opt(int, rec.get("rating")),
        crc32=_opt(int, rec.get("crc32")),
        sidecars=tuple(json.loads(rec["sidecars"])) if rec.get("sidecars") else (),
        place=record_place(rec),
    )


def folder_record(folder: Folder, moving_from: str | None = None) -> Record:
    """The marker of ``folder``, stored in its parent's partition."""
    rec: Record = {
        "folder": folder.parent,
        "name": folder.name,
        "kind": FOLDER_KIND,
        "created_at": iso(folder.created_at),
        "kind_name": f"{FOLDER_KIND}#{folder.name}",
    }
    if moving_from is not None:
        rec["moving_from"] = moving_from
    return rec


def record_folder(rec: Mapping[str, Any]) -> Folder:
    parent, name = rec["folder"], rec["name"]
    path = f"{parent.rstrip('/')}/{name}"
    return Folder(path=path, created_at=_opt_dt(rec.get("created_at")) or EPOCH)


def user_record(user: User) -> Record:
    """The stored record of an account (the users table)."""
    return {
        "name": user.name,
        "password_hash": user.password_hash,
        "token_version": user.token_version,
        "created_at": iso(user.created_at),
        "account_id": user.account_id,
    }


def record_user(rec: Mapping[str, Any]) -> User:
    return User(
        name=rec["name"],
        password_hash=rec["password_hash"],
        token_version=int(rec["token_version"]),
        created_at=parse_iso(rec["created_at"]),
        account_id=rec["account_id"],
    )


def apply_changes(item: MediaItem, changes: Mapping[str, Any]) -> MediaItem:
    """``item`` with ``changes`` (update_item's fields) checked and coerced."""
    bad = set(changes) - UPDATABLE
    if bad:
        raise InvalidInput(f"cannot change {', '.join(sorted(bad))} this way")
    coerced = dict(changes)
    try:
        if "kind" in coerced:
            coerced["kind"] = Kind(coerced["kind"])
        if "status" in coerced:
            coerced["status"] = Status(coerced["status"])
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if coerced.get("thumbnails") is None and "thumbnails" in coerced:
        coerced["thumbnails"] = {}
    for many in ("albums", "tags", "sidecars"):
        if many in coerced:
            coerced[many] = tuple(coerced[many] or ())
    if coerced.get("description", "") is None:
        coerced["description"] = ""
    return item.with_changes(**coerced)


def check_limit(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    return limit


@dataclass(frozen=True, slots=True)
class ListPlan:
    """How to list a folder: which index (None = the table), its sort key, which way, and the
    key prefix a kind filter becomes."""

    index: str | None
    sort_attr: str
    descending: bool
    prefix: str | None

    @property
    def cursor_fields(self) -> frozenset[str]:
        return frozenset({"folder", "name", self.sort_attr})


def list_plan(kind: Kind | None, sort: SortOrder) -> ListPlan:
    try:
        sort = SortOrder(sort)
        kind = Kind(kind) if kind is not None else None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    prefix = f"{kind}#" if kind else None
    if sort is SortOrder.NAME:
        if kind is None:
            return ListPlan(None, "name", False, None)
        return ListPlan("by_kind", "kind_name", False, prefix)
    base = "taken_key" if sort is SortOrder.TAKEN else "uploaded_key"
    if kind is None:
        return ListPlan(f"by_{base.removesuffix('_key')}", base, True, None)
    return ListPlan(f"by_kind_{base.removesuffix('_key')}", f"kind_{base}", True, prefix)


TRASH_PLAN = ListPlan("by_deleted", "deleted_key", True, None)


def encode_cursor(rec: Mapping[str, Any], plan: ListPlan) -> str:
    """An opaque cursor: base64 JSON of the last returned record's key (DynamoDB's
    LastEvaluatedKey shape, so the aws backend can resume from it directly)."""
    key = {f: rec[f] for f in sorted(plan.cursor_fields)}
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, plan: ListPlan, folder: str) -> dict[str, str] | None:
    """The key a cursor names, checked against the listing it claims to continue."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error, AttributeError):
        raise InvalidInput("the cursor is not valid") from None
    if (
        not isinstance(key, dict)
        or set(key) != plan.cursor_fields
        or not all(isinstance(v, str) for v in key.values())
        or key["folder"] != folder
    ):
        raise InvalidInput("the cursor is not valid for this listing")
    return key
