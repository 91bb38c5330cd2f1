"""Listing a folder: every order, kind filter, and cursor pages with nothing lost or repeated."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.domain import Kind, MediaItem
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.playback import Motion
from rdrive_app.storage import Storage, catalog_base
from rdrive_app.storage.protocols import Catalog, SortOrder

MakeItem = Callable[..., MediaItem]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
PREFIXES = ["IMG_", "img_", "Été ", "日本 ", "zz-", "A"]


def expected_order(items: list[MediaItem], sort: SortOrder) -> list[str]:
    if sort is SortOrder.NAME:
        ordered = sorted(items, key=lambda i: i.name)
    elif sort is SortOrder.TAKEN:
        ordered = sorted(items, key=lambda i: (i.taken_at or i.uploaded_at, i.name), reverse=True)
    else:
        ordered = sorted(items, key=lambda i: (i.uploaded_at, i.name), reverse=True)
    return [i.id for i in ordered]


def all_pages(
    catalog: Catalog, folder: str, limit: int, **kwargs: object
) -> tuple[list[int], list[str]]:
    sizes, ids, cursor = [], [], None
    while True:
        page = catalog.list_items(folder, limit=limit, cursor=cursor, **kwargs)  # type: ignore[arg-type]
        sizes.append(len(page.items))
        ids.extend(i.id for i in page.items)
        if page.next_cursor is None:
            return sizes, ids
        cursor = page.next_cursor


@pytest.fixture
def library(storage: Storage, make_item: MakeItem) -> list[MediaItem]:
    """250 items beside 3 subfolders, with clashing dates, some never 'taken'.

    They live in the root: moto copies the whole table for every transaction, and only adding
    to the root needs none (no parent folder to check).
    """
    rng = random.Random(7)
    c = storage.catalog
    for sub in ("sub1", "IMG_0005 folder", "zzz"):
        c.create_folder(f"/{sub}")
    items = []
    for n in range(250):
        uploaded = T0 + timedelta(minutes=rng.randrange(60))  # many share a minute
        taken = None if n % 4 == 0 else T0 - timedelta(days=rng.randrange(30))
        kind = Kind.VIDEO if n % 3 == 0 else Kind.IMAGE
        name = f"{rng.choice(PREFIXES)}{n:04d}.{'mp4' if kind is Kind.VIDEO else 'jpg'}"
        item = make_item(name, "/", kind=kind, uploaded_at=uploaded, taken_at=taken)
        items.append(c.add_item(item))
    return items


def test_pages_in_every_order_and_kind(storage: Storage, library: list[MediaItem]) -> None:
    # one test for all of them: seeding 250 items is the slow part
    for sort in SortOrder:
        sizes, ids = all_pages(storage.catalog, "/", 100, sort=sort)
        assert sizes == [100, 100, 50], sort
        assert ids == expected_order(library, sort), sort
    for kind in Kind:
        wanted = [i for i in library if i.kind is kind]
        for sort in SortOrder:
            sizes, ids = all_pages(storage.catalog, "/", 70, sort=sort, kind=kind)
            assert ids == expected_order(wanted, sort), (kind, sort)
            assert sum(sizes) == len(wanted)
            assert all(size == 70 for size in sizes[:-1])


def test_exact_multiple_has_no_empty_last_page(storage: Storage, make_item: MakeItem) -> None:
    for n in range(4):
        storage.catalog.add_item(make_item(f"{n}.jpg"))
    sizes, _ = all_pages(storage.catalog, "/", 2)
    assert sizes == [2, 2]
    one = storage.catalog.list_items("/", limit=4)
    assert (len(one.items), one.next_cursor) == (4, None)


def test_folders_are_not_items(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    for name in ("a", "c", "e"):
        c.create_folder(f"/{name}")
    for name in ("b.jpg", "d.jpg"):
        c.add_item(make_item(name))
    for sort in SortOrder:
        assert [i.name for i in c.list_items("/", sort=sort, limit=1).items] in (
            ["b.jpg"],
            ["d.jpg"],
        )
        _, ids = all_pages(c, "/", 1, sort=sort)
        assert len(ids) == 2


def test_trashed_items_are_not_listed(storage: Storage, make_item: MakeItem) -> None:
    c = storage.catalog
    keep = c.add_item(make_item("keep.jpg"))
    gone = c.add_item(make_item("gone.jpg"))
    c.trash_item(gone.id)
    for sort in SortOrder:
        assert [i.id for i in c.list_items("/", sort=sort).items] == [keep.id]


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"not json").decode(),
        _b64(["a", "list"]),
        _b64({"folder": "/", "name": 3}),
        _b64({"folder": "/", "name": "a", "extra": "x"}),
        _b64({"folder": "/other", "name": "a"}),  # another folder's cursor
        "",
    ],
)
def test_bad_cursor(storage: Storage, make_item: MakeItem, cursor: str) -> None:
    storage.catalog.add_item(make_item("a.jpg"))
    with pytest.raises(InvalidInput):
        storage.catalog.list_items("/", cursor=cursor)


def test_cursor_of_another_order_is_refused(storage: Storage, make_item: MakeItem) -> None:
    for n in range(3):
        storage.catalog.add_item(make_item(f"{n}.jpg"))
    cursor = storage.catalog.list_items("/", limit=1, sort=SortOrder.TAKEN).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidInput):
        storage.catalog.list_items("/", cursor=cursor, sort=SortOrder.NAME)


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_bad_limit(storage: Storage, limit: int) -> None:
    with pytest.raises(InvalidInput):
        storage.catalog.list_items("/", limit=limit)


def test_bad_sort_or_kind(storage: Storage) -> None:
    with pytest.raises(InvalidInput):
        storage.catalog.list_items("/", sort="size")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        storage.catalog.list_items("/", kind="document")  # type: ignore[arg-type]


def test_list_files_is_the_name_order_with_what_a_zip_needs(
    storage: Storage, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_base, "FILES_PAGE", 3)  # the default reads pages: several here
    c = storage.catalog
    c.create_folder("/sub")
    live = Motion("motion/x.mov", "video/quicktime", 99, name="IMG_1.MOV", crc32=7)
    items = [
        c.add_item(make_item(name, size=n + 1, crc32=n or None, motion=live if n == 2 else None))
        for n, name in enumerate(["b.jpg", "Été.jpg", "a.heic", "日本.jpg", "c.jpg", "B.jpg", "z"])
    ]
    c.add_item(make_item("inside.jpg", "/sub"))
    c.trash_item(c.add_item(make_item("gone.jpg")).id)
    files = c.list_files("/")
    assert [f.id for f in files] == expected_order(items, SortOrder.NAME)
    for f in files:
        item = c.get_item(f.id)
        assert (f.name, f.size, f.crc32, f.uploaded_at, f.status, f.motion, f.original_key) == (
            item.name, item.size, item.crc32, item.uploaded_at, item.status, item.motion,
            item.original_key,
        )  # fmt: skip
    assert [f.name for f in c.list_files("/sub")] == ["inside.jpg"]
    assert c.list_files("/missing") == []
