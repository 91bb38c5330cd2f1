"""How albums are stored: records in the items table, in partitions no user folder can name.

User folder paths start with '/', so these partitions (and the trash) never meet a folder, and
the CDK stack needs no new table or index:

- an album: ``("#albums", <album id>, kind="album")`` with ``album_name``, ``cover_id``,
  ``created_at``; it has no ``id`` attribute, so the id index and ``get_item`` never see it;
- its name claim: ``("#album-names", <name_key(name)>, kind="album-name")``: the key is free or
  taken, so two albums cannot share a name (one transaction writes the album and its claim);
- each member: ``("#album/<album id>", <item id>, kind="member")`` with ``added_at`` and
  ``taken_key`` = ``iso(item.sort_date)#<item id>``, so the folders' date index lists an album
  newest first with the same keyset cursors (and upwards from one, ``MEMBERS_UP``: a cursor is
  a position, ``member_position``); the item lists the album in ``albums`` (written in
  the same transaction as its member record).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rdrive_app.core.albums import Album, name_key
from rdrive_app.core.domain import MediaItem, utcnow
from rdrive_app.core.errors import RDriveError
from rdrive_app.storage import records as R

ALBUMS = "#albums"
NAMES = "#album-names"
ALBUM_KIND = "album"
NAME_KIND = "album-name"
MEMBER_KIND = "member"
MEMBERS_PLAN = R.ListPlan("by_taken", "taken_key", True, None)  # newest taken first
# read upwards (oldest first), for the items above a position; the same cursor fields
MEMBERS_UP = R.ListPlan("by_taken", "taken_key", False, None)


def members_of(album_id: str) -> str:
    """The partition of an album's members."""
    return f"#album/{album_id}"


def album_record(album: Album) -> R.Record:
    return {
        "folder": ALBUMS,
        "name": album.id,
        "kind": ALBUM_KIND,
        "album_name": album.name,
        "cover_id": album.cover_id,
        "created_at": R.iso(album.created_at),
    }


def record_album(rec: Mapping[str, Any]) -> Album:
    return Album(
        id=rec["name"],
        name=rec["album_name"],
        created_at=R.parse_iso(rec["created_at"]),
        cover_id=rec.get("cover_id"),
    )


def claim_record(name: str) -> R.Record:
    return {"folder": NAMES, "name": name_key(name), "kind": NAME_KIND}


def member_key(item: MediaItem) -> str:
    """Where an item sorts in its albums: by date taken (else uploaded), then id."""
    return f"{R.iso(item.sort_date)}#{item.id}"


def member_record(album_id: str, item: MediaItem) -> R.Record:
    return {
        "folder": members_of(album_id),
        "name": item.id,
        "kind": MEMBER_KIND,
        "taken_key": member_key(item),
        "added_at": R.iso(utcnow()),
    }


def member_position(album_id: str, item: MediaItem) -> R.Record:
    """The key of ``item``'s member record in an album: a position to page either way from."""
    return {"folder": members_of(album_id), "name": item.id, "taken_key": member_key(item)}


def member_stub(album_id: str, item_id: str) -> R.Record:
    """The key and kind of a member record (what deleting one needs)."""
    return {"folder": members_of(album_id), "name": item_id, "kind": MEMBER_KIND}


Op = Literal["put", "replace", "delete", "exists"]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a transaction (``_transact``), which commits all of them or none.

    ``put``: ``rec`` at its key, which must be free. ``replace``: ``rec`` instead of ``old`` at
    the same key, only while the key still holds ``old`` exactly as read. ``delete``/``exists``:
    the key must hold a record of ``rec``'s kind, deleted or left alone. A failed condition
    raises ``error`` (nothing is written).
    """

    op: Op
    rec: R.Record
    error: RDriveError
    old: R.Record | None = None
