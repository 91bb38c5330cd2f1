"""pynamodb models for the items and users tables, built per configuration.

Table names come from settings, so the model classes are made by ``make_models`` rather than at
import time. ``table_schemas`` describes the keys and indexes in plain data: the CDK stack reads
it, so the tables it creates and the tables the app queries have one source of truth.

Items table (the seed's design): partition key ``folder`` (the folder path), sort key ``name``.

- A folder ``/a/b`` is a marker record ``("/a", "b", kind="folder")`` in its parent's partition:
  empty folders persist, and a file and a folder can never share a name.
- Trashed items live in partition ``#trash`` under their id and remember ``orig_folder`` and
  ``orig_name``; no user folder can be called ``#trash`` because folder paths start with '/'.
- Local secondary indexes give every listing order within a folder; the date keys are only on
  items, so folder markers never show up in those indexes.
- Global secondary indexes find an item by id, duplicates by sha256, work by status, the
  trash by deletion date, the timeline by month and date taken, and the favourites.
- Partition ``#months`` holds one counter record per month of the timeline (``tally``), changed
  in the same transaction as the item that moves it (records.month_deltas).
- The change log (search.py): every write of an item record stamps ``chg_part``/``chg_key``
  (``iso(now)#id``), so the sparse index ``by_change`` lists every item by its last change; a
  purged item leaves a tombstone in partition ``#gone`` that expires (TTL ``expires``) after
  ``TOMBSTONE_DAYS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any, Protocol

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
    LocalSecondaryIndex,
)
from pynamodb.models import Model

from rdrive_app.core.domain import ROOT, split_path, utcnow
from rdrive_app.core.errors import RDriveError
from rdrive_app.storage import records as R
from rdrive_app.storage.aws.tx import Transaction

BILLING_MODE = "PAY_PER_REQUEST"
CHANGES = "changes"  # chg_part's one value: the change log is one index partition
GONE = "#gone"  # tombstones of purged items (no user folder starts with '#')
GONE_KIND = "gone"
TOMBSTONE_DAYS = 30  # a process whose index is older than this rebuilds it (search.py)
# What a search needs of an item: the change log's projection (search_index.Entry), beside
# the keys every index carries (folder, name, chg_part, chg_key).
SEARCH_FIELDS = (
    "id", "timeline_key", "search_terms", "kind", "favorite", "albums", "tags",
    "place_city", "place_region", "place_country", "place_code",
)  # fmt: skip
_KEY_AND_ID = frozenset({"folder", "name", "id"})  # what ``same`` needs no condition on


@dataclass(frozen=True)
class Models:
    """The model classes of one configuration, plus where they live."""

    items: type[ItemModel]  # subclasses bound to this configuration's tables
    users: type[UserModel]
    region: str
    connection: Connection  # for transactions (pynamodb 6 needs one passed explicitly)


def _lsi(index_name: str, sort_key: str) -> LocalSecondaryIndex[Any]:
    meta = type("Meta", (), {"index_name": index_name, "projection": AllProjection()})
    attrs = {
        "Meta": meta,
        "folder": UnicodeAttribute(hash_key=True),
        sort_key: UnicodeAttribute(range_key=True),
    }
    cls = type(f"LSI_{index_name}", (LocalSecondaryIndex,), attrs)
    return cls()


def _gsi(
    index_name: str, hash_key: str, range_key: str | None, projection: Any
) -> GlobalSecondaryIndex[Any]:
    meta = type("Meta", (), {"index_name": index_name, "projection": projection})
    attrs: dict[str, Any] = {"Meta": meta, hash_key: UnicodeAttribute(hash_key=True)}
    if range_key:
        attrs[range_key] = UnicodeAttribute(range_key=True)
    cls = type(f"GSI_{index_name}", (GlobalSecondaryIndex,), attrs)
    return cls()


class ItemModel(Model):
    """A record of the items table, typed; ``make_models`` binds a subclass to a table."""

    folder = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)  # folders
    moving_from = UnicodeAttribute(null=True)  # folders, while a move is under way
    content_type = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    uploaded_by = UnicodeAttribute(null=True)
    uploaded_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    status_reason = UnicodeAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    crc32 = NumberAttribute(null=True)  # the original's CRC-32: its ZIP entry header
    taken_at = UnicodeAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    duration = NumberAttribute(null=True)
    camera = UnicodeAttribute(null=True)
    lens = UnicodeAttribute(null=True)
    gps_lat = NumberAttribute(null=True)
    gps_lon = NumberAttribute(null=True)
    rotation = NumberAttribute(null=True)
    codec = UnicodeAttribute(null=True)
    thumbnails = UnicodeAttribute(null=True)  # JSON object
    playback = UnicodeAttribute(null=True)  # JSON object (core/playback.py)
    motion = UnicodeAttribute(null=True)  # JSON object
    content_id = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    orig_folder = UnicodeAttribute(null=True)
    orig_name = UnicodeAttribute(null=True)
    kind_name = UnicodeAttribute(null=True)
    taken_key = UnicodeAttribute(null=True)
    uploaded_key = UnicodeAttribute(null=True)
    kind_taken_key = UnicodeAttribute(null=True)
    kind_uploaded_key = UnicodeAttribute(null=True)
    deleted_key = UnicodeAttribute(null=True)
    upload_id = UnicodeAttribute(null=True)  # while a multipart upload is under way
    fingerprint = UnicodeAttribute(null=True)  # the client's file identity, for resuming
    favorite = NumberAttribute(null=True)  # 1, or absent
    albums = UnicodeAttribute(null=True)  # JSON list of album ids
    turn = NumberAttribute(null=True)  # the user's quarter turns, in degrees
    date_fixed = NumberAttribute(null=True)  # 1 when the user set taken_at
    tl_month = UnicodeAttribute(null=True)  # the timeline's bucket (records.timeline_keys)
    timeline_key = UnicodeAttribute(null=True)
    fav_list = UnicodeAttribute(null=True)
    tally = NumberAttribute(null=True)  # a month counter's count (catalog._count_months)
    album_name = UnicodeAttribute(null=True)  # albums (storage/album_records.py)
    cover_id = UnicodeAttribute(null=True)  # an album's chosen cover
    added_at = UnicodeAttribute(null=True)  # when an item joined an album
    description = UnicodeAttribute(null=True)
    tags = UnicodeAttribute(null=True)  # JSON list of normalised tags (core/tags.py)
    rating = NumberAttribute(null=True)  # 0-5, from an XMP sidecar
    sidecars = UnicodeAttribute(null=True)  # JSON list of sidecar item ids
    place_city = UnicodeAttribute(null=True)  # the reverse geocoder's place (core Place)
    place_region = UnicodeAttribute(null=True)
    place_country = UnicodeAttribute(null=True)
    place_code = UnicodeAttribute(null=True)
    search_terms = UnicodeAttribute(null=True)  # core.search.item_terms, space-joined
    chg_part = UnicodeAttribute(null=True)  # CHANGES on item records and tombstones
    chg_key = UnicodeAttribute(null=True)  # iso(time of the last write)#id
    expires = TTLAttribute(null=True)  # tombstones only: DynamoDB deletes them after this

    by_kind = _lsi("by_kind", "kind_name")
    by_taken = _lsi("by_taken", "taken_key")
    by_uploaded = _lsi("by_uploaded", "uploaded_key")
    by_kind_taken = _lsi("by_kind_taken", "kind_taken_key")
    by_kind_uploaded = _lsi("by_kind_uploaded", "kind_uploaded_key")
    by_id = _gsi("by_id", "id", None, AllProjection())
    by_sha256 = _gsi("by_sha256", "sha256", None, KeysOnlyProjection())
    by_status = _gsi("by_status", "status", "uploaded_at", AllProjection())
    by_deleted = _gsi("by_deleted", "folder", "deleted_key", AllProjection())
    # The timeline, bucketed by month so that a jump to a date reads that month's partition
    # (and the months above or below it while a page is not full), never the whole library.
    by_timeline = _gsi("by_timeline", "tl_month", "timeline_key", AllProjection())
    by_favorite = _gsi("by_favorite", "fav_list", "timeline_key", AllProjection())
    # The change log the search's in-memory index is built and refreshed from (search.py).
    by_change = _gsi("by_change", "chg_part", "chg_key", IncludeProjection(list(SEARCH_FIELDS)))


class UserModel(Model):
    """A record of the users table, typed; ``make_models`` binds a subclass to a table."""

    name = UnicodeAttribute(hash_key=True)
    password_hash = UnicodeAttribute()
    token_version = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # absent on accounts made before ids (catalog_base)


def make_models(items_table: str, users_table: str, region: str) -> Models:
    """Model classes bound to these table names (the endpoint comes from AWS_ENDPOINT_URL)."""
    region_name = region  # a class body cannot read a name it assigns from the function

    class Item(ItemModel):
        class Meta:
            table_name = items_table
            billing_mode = BILLING_MODE
            region = region_name

    class UserRecord(UserModel):
        class Meta:
            table_name = users_table
            billing_mode = BILLING_MODE
            region = region_name

    return Models(items=Item, users=UserRecord, region=region, connection=Connection(region=region))


def record(model: Model) -> R.Record:
    """A model's stored attributes as a record (records.py), the shape the catalog works in."""
    return dict(model.attribute_values)


class ItemLookup(Protocol):
    """DynamoCatalog's read of an item's record by id, which its mixins call."""

    def __call__(self, item_id: str, *, consistent: bool) -> dict[str, Any] | None: ...


class ItemTable:
    """The items table with records in and out, for the catalog and folder moves alike.

    pynamodb's untyped results stop here: callers get records and typed models, and the
    conditions both of them write with ("the key is free", "still the same record", "the folder
    exists") are spelled once.
    """

    def __init__(self, models: Models, clock: Callable[[], datetime] = utcnow) -> None:
        self.Item = models.items
        self._connection = models.connection
        self.clock = clock  # stamps the change log (tests give a skewed one)

    def transaction(self) -> Transaction:
        return Transaction(self._connection)

    def model(self, rec: Mapping[str, Any]) -> ItemModel:
        """A model holding ``rec`` (None fields left out, as DynamoDB stores no nulls)."""
        return self.Item(**{k: v for k, v in rec.items() if v is not None})

    def stamp(self, item_id: str) -> dict[str, str]:
        """The change-log keys of a write of item ``item_id`` now (search.py reads them)."""
        return {"chg_part": CHANGES, "chg_key": f"{R.iso(self.clock())}#{item_id}"}

    def put_model(self, rec: Mapping[str, Any]) -> ItemModel:
        """The model to put ``rec`` with: an item record (it has an id) is stamped."""
        return self.model({**rec, **self.stamp(rec["id"])} if rec.get("id") else rec)

    def tombstone(self, item_id: str) -> ItemModel:
        """What a purged item leaves in the change log, until it expires."""
        return self.model(
            {
                "folder": GONE,
                "name": item_id,
                "kind": GONE_KIND,
                "expires": self.clock() + timedelta(days=TOMBSTONE_DAYS),
                **self.stamp(item_id),
            }
        )

    def get(self, folder: str, name: str) -> R.Record | None:
        """The record at (folder, name), read consistently."""
        try:
            return record(self.Item.get(folder, name, consistent_read=True))
        except DoesNotExist:
            return None

    def first(self, folder: str, n: int) -> list[R.Record]:
        """The first ``n`` records (items and folder markers) of a partition, by name."""
        hits = self.Item.query(folder, consistent_read=True, page_size=n)
        return [record(m) for m in islice(hits, n)]

    def subfolders(self, parent: str) -> list[R.Record]:
        """The folder markers in ``parent``, by name."""
        hits = self.Item.by_kind.query(
            parent, self.Item.kind_name.startswith(f"{R.FOLDER_KIND}#"), consistent_read=True
        )
        return [record(m) for m in hits]

    def changes(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Any]:
        """The update actions that turn record ``old`` into ``new`` (the same key); an item's
        are stamped in the change log."""
        Item = self.Item
        actions = [
            getattr(Item, col).set(new[col])
            if new.get(col) is not None
            else getattr(Item, col).remove()
            for col in R.ITEM_COLUMNS
            if col not in ("folder", "name") and new.get(col) != old.get(col)
        ]
        if actions and new.get("id"):
            actions += [getattr(Item, k).set(v) for k, v in self.stamp(new["id"]).items()]
        return actions

    def key_free(self) -> Condition:
        return self.Item.folder.does_not_exist()

    def same(self, rec: Mapping[str, Any]) -> Condition:
        """The key still holds ``rec`` as it was read: the same item with every attribute as
        read and none added (for a folder marker: still a folder).

        Renames, moves, trash and restore write back a whole record; on this condition such a
        write cannot undo a change made since its read (a processing result landing meanwhile):
        it fails, and the caller reads again.
        """
        Item = self.Item
        if not rec.get("id"):
            return Item.kind == R.FOLDER_KIND
        cond = Item.id == rec["id"]
        for col in R.ITEM_COLUMNS:
            if col in _KEY_AND_ID:
                continue
            attr, value = getattr(Item, col), rec.get(col)
            cond &= attr.does_not_exist() if value is None else attr == value
        return cond

    def require_folder(self, tx: Transaction, path: str, error: RDriveError) -> None:
        """Make the transaction depend on ``path`` existing (the root always does)."""
        if path != ROOT:
            parent, name = split_path(path)
            tx.check(error, self.Item, parent, name, self.Item.kind == R.FOLDER_KIND)


def models_for(items_table: str, users_table: str, region: str) -> Models:
    """``make_models``, made once per configuration and endpoint in a process: every model
    class holds its own botocore client, and making one costs ~0.1 s."""
    return _cached_models(items_table, users_table, region, os.environ.get("AWS_ENDPOINT_URL"))


@lru_cache(maxsize=32)
def _cached_models(
    items_table: str, users_table: str, region: str, _endpoint: str | None
) -> Models:
    return make_models(items_table, users_table, region)


def _describe(model: Any) -> dict[str, Any]:
    schema = model._get_schema()
    types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}

    def keys(key_schema: list[dict[str, str]]) -> dict[str, dict[str, str]]:
        out = {}
        for k in key_schema:
            role = "partition_key" if k["KeyType"] == "HASH" else "sort_key"
            out[role] = {"name": k["AttributeName"], "type": types[k["AttributeName"]]}
        return out

    def index(ix: dict[str, Any]) -> dict[str, Any]:
        projection = ix["projection"]
        return {
            "name": ix["index_name"],
            **keys(ix["key_schema"]),
            "projection": projection["ProjectionType"],
            "non_key_attributes": list(projection.get("NonKeyAttributes", [])),
        }

    ttl = model._ttl_attribute()
    return {
        "table_name": model.Meta.table_name,
        "billing_mode": BILLING_MODE,
        "ttl_attribute": ttl.attr_name if ttl is not None else None,
        **keys(schema["key_schema"]),
        "local_secondary_indexes": [index(ix) for ix in schema["local_secondary_indexes"]],
        "global_secondary_indexes": [index(ix) for ix in schema["global_secondary_indexes"]],
    }


def table_schemas(models: Models) -> dict[str, dict[str, Any]]:
    """Key schema and indexes of both tables, as plain data (for the CDK stack).

    Shape: ``{"items": {"table_name", "billing_mode", "ttl_attribute" (or None),
    "partition_key": {"name", "type"},
    "sort_key", "local_secondary_indexes": [{"name", "partition_key", "sort_key", "projection",
    "non_key_attributes"}], "global_secondary_indexes": [...]}, "users": {...}}``.
    """
    return {"items": _describe(models.items), "users": _describe(models.users)}
