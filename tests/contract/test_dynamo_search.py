"""DynamoDB only: each process's in-memory search index follows the change log.

Two catalogs on the same moto tables stand for two processes (the app's container and another
one, or the processing Lambda's writes): a change made through one shows in the other's very
next search, a purge reaches the other's counts through its tombstone, and a writer whose clock
runs behind (within the margin) is still seen. (SQLite searches its own FTS5 table: nothing
to follow there.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import boto3
import pytest

from rdrive_app.core.domain import MediaItem, Place, utcnow
from rdrive_app.core.search import parse_query
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import Storage
from rdrive_app.storage.aws.catalog import DynamoCatalog
from rdrive_app.storage.aws.models import GONE, TOMBSTONE_DAYS
from rdrive_app.storage.aws.search import SKEW_MARGIN

MakeItem = Callable[..., MediaItem]
ARC = Place(city="Arezzo", region="Tuscany", country="Italy", country_code="IT")


@pytest.fixture
def aws(storage_settings: Settings, request: pytest.FixtureRequest) -> Storage:
    if storage_settings.backend is not Backend.AWS:
        pytest.skip("the SQLite catalog searches its own FTS5 index")
    return request.getfixturevalue("storage")


@pytest.fixture
def two(aws: Storage) -> tuple[DynamoCatalog, DynamoCatalog]:
    """Two catalogs (processes) on the same tables, each with its own index."""
    first = aws.catalog
    assert isinstance(first, DynamoCatalog)
    return first, DynamoCatalog(first.models)


def _found(catalog: DynamoCatalog, text: str, **filters: object) -> list[str]:
    query = parse_query(text)
    if filters:
        from dataclasses import replace

        query = replace(query, **filters)
    return [i.name for i in catalog.search(query, limit=50).items]


def _behind(catalog: DynamoCatalog, by: timedelta) -> None:
    """Make ``catalog``'s clock run ``by`` behind the others'."""
    catalog.table.clock = lambda: utcnow() - by


def test_changes_through_one_process_show_in_the_others_next_search(
    two: tuple[DynamoCatalog, DynamoCatalog], make_item: MakeItem
) -> None:
    a, b = two
    a.create_folder("/trips")
    pier = a.add_item(make_item("IMG_0001.jpg", "/trips", description="Sunset at the pier"))
    assert _found(b, "pier") == ["IMG_0001.jpg"]  # b's index is built here, from the log

    a.update_item(pier.id, description="Dawn on the jetty", tags=("sea",), place=ARC)
    assert _found(b, "pier") == []
    assert _found(b, "jetty") == _found(b, "arezzo") == _found(b, "sea") == ["IMG_0001.jpg"]
    assert b.tag_counts()[0].tag == "sea" and b.place_counts()[0].city == "Arezzo"

    a.rename_item(pier.id, "/trips", "Crémieux11.tiff")
    assert _found(b, "cremieux") == ["Crémieux11.tiff"] and _found(b, "img") == []

    a.move_folder("/trips", "/holidays")
    assert _found(b, "jetty", folder="/holidays") == ["Crémieux11.tiff"]
    assert _found(b, "jetty", folder="/trips") == []

    a.trash_item(pier.id)
    assert _found(b, "jetty") == [] and b.tag_counts() == [] and b.place_counts() == []
    a.restore_item(pier.id)
    assert _found(b, "jetty") == ["Crémieux11.tiff"] and [t.count for t in b.tag_counts()] == [1]


def test_album_membership_shows_in_the_other_process(
    two: tuple[DynamoCatalog, DynamoCatalog], make_item: MakeItem
) -> None:
    a, b = two
    item = a.add_item(make_item("beach.jpg"))
    album = a.create_album("Summer")
    assert _found(b, "beach", album=album.id) == []
    a.add_to_album(album.id, [item.id])
    assert _found(b, "beach", album=album.id) == ["beach.jpg"]


def test_a_purge_leaves_a_tombstone_the_other_process_applies(
    two: tuple[DynamoCatalog, DynamoCatalog], make_item: MakeItem
) -> None:
    a, b = two
    kept = a.add_item(make_item("kept.jpg", tags=("cat",)))
    gone = a.add_item(make_item("gone.jpg", tags=("cat",)))
    assert [t.count for t in b.tag_counts()] == [2]
    # purged without passing through the trash first: only the tombstone can tell b
    assert a.purge_item(gone.id)
    assert [t.count for t in b.tag_counts()] == [1]
    assert _found(b, "jpg") == ["kept.jpg"]
    stone = a.table.get(GONE, gone.id)
    assert stone is not None and stone.get("id") is None  # the id index never sees it
    expires = stone["expires"]
    assert isinstance(expires, datetime)
    assert abs(expires - (utcnow() + timedelta(days=TOMBSTONE_DAYS))) < timedelta(minutes=1)
    assert a.count() == (1, 0) and a.get_item(kept.id).name == "kept.jpg"
    # a process starting now builds its index from the log, tombstones included
    assert [t.count for t in DynamoCatalog(a.models).tag_counts()] == [1]


def test_a_writer_whose_clock_is_behind_within_the_margin_is_seen(
    two: tuple[DynamoCatalog, DynamoCatalog], make_item: MakeItem
) -> None:
    a, b = two
    b.add_item(make_item("first.jpg"))
    assert _found(b, "first") == ["first.jpg"]  # b's last read: now
    _behind(a, SKEW_MARGIN - timedelta(minutes=1))
    late = a.add_item(make_item("late.jpg", tags=("skew",)))
    assert _found(b, "late") == ["late.jpg"]
    a.update_item(late.id, description="still seen")
    assert _found(b, "still") == ["late.jpg"]


def test_a_stale_entry_never_shows_a_wrong_result_and_more_are_read(
    two: tuple[DynamoCatalog, DynamoCatalog], make_item: MakeItem
) -> None:
    a, b = two
    ids = [a.add_item(make_item(f"boat{n:02d}.jpg")).id for n in range(20)]
    assert len(_found(b, "boat")) == 20
    b.add_item(make_item("now.jpg"))
    assert _found(b, "now") == ["now.jpg"]  # b's last read: now
    # a's clock is so far behind that b misses its writes: b's entries go stale
    _behind(a, SKEW_MARGIN * 3)
    for item_id in ids[-15:]:  # the newest 15 (make_item's items share a date: by id)
        a.update_item(item_id, description="renamed away")
    for item_id in ids:
        a.rename_item(item_id, "/", a.get_item(item_id).name.replace("boat", "ship"))
    page = b.search(parse_query("boat"), limit=5)
    assert page.items == []  # every entry still says 'boat'; no fresh record does
    assert _found(b, "ship") == []  # the limit of the design: missed until a write is seen
    b._live.index = None  # as in a process starting now, which reads the whole log
    assert len(_found(b, "ship")) == 20
    assert len(b.search(parse_query("ship renamed"), limit=5).items) == 5


def test_setup_gives_the_table_its_change_log_and_time_to_live(aws: Storage) -> None:
    catalog = aws.catalog
    assert isinstance(catalog, DynamoCatalog)
    client = boto3.client("dynamodb", region_name=catalog.models.region)
    table = catalog.Item.Meta.table_name
    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expires"
    described = client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]
    [log] = [ix for ix in described if ix["IndexName"] == "by_change"]
    assert log["Projection"]["ProjectionType"] == "INCLUDE"
    assert "search_terms" in log["Projection"]["NonKeyAttributes"]
