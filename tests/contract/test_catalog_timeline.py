"""The timeline on both backends: every folder newest first by date taken, paged either way from
any position with nothing lost or repeated, months counted, and every change (trash, restore, a
new date, a favourite, a finished upload) moving items and counts at once."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.listing import MonthCount
from rdrive_app.services.upkeep.fsck import fsck
from rdrive_app.storage import Storage
from rdrive_app.storage import records as R
from rdrive_app.storage.local.catalog import SQLiteCatalog
from rdrive_app.storage.protocols import Catalog

MakeItem = Callable[..., MediaItem]
T0 = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


def newest_first(items: list[MediaItem]) -> list[str]:
    return [i.id for i in sorted(items, key=lambda i: (i.sort_date, i.id), reverse=True)]


def months_of(items: list[MediaItem]) -> list[MonthCount]:
    counts = Counter(i.sort_date.strftime("%Y-%m") for i in items)
    return [MonthCount(m, n) for m, n in sorted(counts.items(), reverse=True)]


def walk(catalog: Catalog, limit: int, favorites: bool = False, **start: object) -> list[str]:
    """Every id from a start downwards, page by page."""
    ids: list[str] = []
    page = catalog.list_timeline(limit=limit, favorites=favorites, **start)  # type: ignore[arg-type]
    while True:
        ids += [i.id for i in page.items]
        if page.next_cursor is None:
            return ids
        page = catalog.list_timeline(limit=limit, cursor=page.next_cursor, favorites=favorites)


@pytest.fixture
def spread(storage: Storage, make_item: MakeItem) -> list[MediaItem]:
    """60 items over three years in three folders; some share an instant, some have no date
    taken (they sort by upload), one is still uploading and one is in the trash."""
    catalog = storage.catalog
    for folder in ("/a", "/b"):
        catalog.create_folder(folder)
    rng = random.Random(7)
    items = []
    for n in range(60):
        taken = T0 + timedelta(days=rng.randrange(0, 3 * 365), hours=rng.randrange(24))
        if n % 10 == 3:
            taken = T0  # ties: the id breaks them
        fields = {"taken_at": None, "uploaded_at": taken} if n % 7 == 0 else {"taken_at": taken}
        folder = ("/", "/a", "/b")[n % 3]
        items.append(catalog.add_item(make_item(f"p{n:02d}.jpg", folder, **fields)))
    catalog.add_item(make_item("busy.jpg", "/a", status=Status.UPLOADING, taken_at=T0))
    gone = catalog.add_item(make_item("gone.jpg", "/b", taken_at=T0))
    catalog.trash_item(gone.id)
    return items


def test_every_folder_newest_first_without_uploads_or_trash(storage: Storage, spread):
    assert walk(storage.catalog, 7) == newest_first(spread)


def test_months_count_what_the_timeline_shows(storage: Storage, spread):
    assert storage.catalog.timeline_months() == months_of(spread)


def test_a_jump_starts_strictly_before_the_date(storage: Storage, spread):
    when = T0 + timedelta(days=400)
    below = [i for i in spread if i.sort_date < when]
    assert walk(storage.catalog, 9, before=when) == newest_first(below)


def test_newer_pages_climb_back_to_the_top_from_any_item(storage: Storage, spread):
    catalog = storage.catalog
    order = newest_first(spread)
    middle = next(i for i in spread if i.id == order[37])
    page = catalog.list_timeline(cursor=catalog.timeline_cursor(middle), newer=True, limit=10)
    assert [i.id for i in page.items] == order[27:37]
    climbed = [i.id for i in page.items]
    while page.next_cursor is not None:
        page = catalog.list_timeline(cursor=page.next_cursor, newer=True, limit=10)
        climbed = [i.id for i in page.items] + climbed
    assert climbed == order[:37]
    below = catalog.list_timeline(cursor=catalog.timeline_cursor(middle), limit=5)
    assert [i.id for i in below.items] == order[38:43]


def test_changes_move_items_and_counts_at_once(storage: Storage, spread, make_item):
    catalog = storage.catalog
    shown = list(spread)
    victim, moved = shown[0], shown[1]
    catalog.trash_item(victim.id)
    shown.remove(victim)
    assert walk(catalog, 25) == newest_first(shown)
    assert catalog.timeline_months() == months_of(shown)

    catalog.restore_item(victim.id)
    shown.append(victim)
    new_date = datetime(2019, 1, 5, tzinfo=UTC)
    shown[shown.index(moved)] = catalog.update_item(moved.id, taken_at=new_date)
    busy = catalog.add_item(make_item("late.jpg", "/a", status=Status.UPLOADING, taken_at=T0))
    shown.append(catalog.update_item(busy.id, status=Status.PROCESSING))
    assert walk(catalog, 25) == newest_first(shown)
    assert catalog.timeline_months() == months_of(shown)
    assert MonthCount("2019-01", 1) in catalog.timeline_months()

    catalog.trash_item(busy.id)
    catalog.purge_item(busy.id)
    shown.remove(next(i for i in shown if i.id == busy.id))
    assert catalog.timeline_months() == months_of(shown)


def test_favourites_are_their_own_timeline(storage: Storage, spread):
    catalog = storage.catalog
    picked = [catalog.update_item(i.id, favorite=True) for i in spread[::6]]
    assert walk(catalog, 4, favorites=True) == newest_first(picked)
    assert catalog.timeline_months(favorites=True) == months_of(picked)
    catalog.trash_item(picked[0].id)
    catalog.update_item(picked[1].id, favorite=False)
    assert walk(catalog, 4, favorites=True) == newest_first(picked[2:])


def test_a_folder_move_keeps_the_timeline(storage: Storage, spread):
    catalog = storage.catalog
    catalog.move_folder("/a", "/b/a")
    assert walk(catalog, 30) == newest_first(spread)
    assert catalog.timeline_months() == months_of(spread)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cursor": "not a cursor"},
        {"cursor": "MjAyNC0wNi0wMVQwMDowMDowMC4wMDAwMDBaI1oh"},  # a key with a bad id
        {"newer": True},
        {"limit": 0},
        {"limit": 1001},
        {"cursor": "x", "before": T0},
    ],
)
def test_bad_positions_are_refused(storage: Storage, kwargs):
    with pytest.raises(InvalidInput):
        storage.catalog.list_timeline(**kwargs)


def test_an_empty_library_has_an_empty_timeline(storage: Storage):
    assert storage.catalog.list_timeline().items == []
    assert storage.catalog.timeline_months() == []
    assert storage.catalog.count() == (0, 0)


def _as_before_the_timeline(storage: Storage, storage_settings, items: list[MediaItem]) -> None:
    """Strip the timeline's keys (and DynamoDB's month counters), as a version before the
    timeline wrote them."""
    catalog: Any = storage.catalog
    if storage_settings.backend.value == "local":
        catalog._db().execute("UPDATE entries SET tl_month = NULL, timeline_key = NULL")
        return
    Item = catalog.Item
    for item in items:
        rec = catalog._item_record(item.id, consistent=True)
        catalog.table.model(rec).update(
            actions=[Item.tl_month.remove(), Item.timeline_key.remove()]
        )
    for counter in Item.query(R.MONTHS):
        counter.delete()


def test_fsck_puts_an_older_library_on_the_timeline(storage: Storage, storage_settings, spread):
    _as_before_the_timeline(storage, storage_settings, spread)
    assert storage.catalog.list_timeline().items == []
    assert sorted(storage.catalog.off_timeline()) == sorted(i.id for i in spread)

    found = fsck(storage)
    assert sorted(found.off_timeline) == sorted(i.id for i in spread)
    assert any("was not on the timeline" in line for line in found.lines())
    fsck(storage, repair=True)
    assert walk(storage.catalog, 50) == newest_first(spread)
    assert storage.catalog.timeline_months() == months_of(spread)
    assert fsck(storage).off_timeline == []


def test_an_older_sqlite_library_joins_the_timeline_when_opened(
    storage_settings, tmp_path, make_item
):
    if storage_settings.backend.value != "local":
        pytest.skip("DynamoDB's older records are added by fsck (above)")
    path = tmp_path / "old.sqlite3"
    catalog = SQLiteCatalog(path)
    items = [
        catalog.add_item(make_item(f"{n}.jpg", taken_at=T0 + timedelta(days=n))) for n in range(3)
    ]
    catalog._db().execute("UPDATE entries SET tl_month = NULL, timeline_key = NULL")
    catalog.close()
    again = SQLiteCatalog(path)
    assert [i.id for i in again.list_timeline().items] == newest_first(items)
    again.close()
