"""ItemService's descriptions and tags and SearchService over the local catalog: what each
accepts, that a refused edit changes nothing, and that every edit shows up in results at once.
(Both backends answer the same searches over HTTP: tests/api/test_search_api.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.core.tags import MAX_TAGS
from rdrive_app.services.albums import AlbumService
from rdrive_app.services.items import ItemService
from rdrive_app.services.search import SearchService, parse_day
from rdrive_app.storage import Storage

LOCAL = pytest.mark.parametrize("storage_settings", ["local"], indirect=True)
T0 = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


def _add(storage: Storage, name: str, folder: str = "/", **fields: object) -> MediaItem:
    item = MediaItem(
        id=new_id(), folder=folder, name=name, kind=Kind.IMAGE, content_type="image/jpeg",
        size=1, uploaded_by="ann", status=Status.READY, taken_at=T0,
    )  # fmt: skip
    return storage.catalog.add_item(item.with_changes(**fields))


@pytest.fixture
def items(storage: Storage) -> ItemService:
    return ItemService(storage)


@pytest.fixture
def search(storage: Storage) -> SearchService:
    return SearchService(storage.catalog)


def names(page) -> list[str]:
    return [i.name for i in page.items]


@LOCAL
def test_a_description_is_checked_then_found_by_its_words(storage, items, search) -> None:
    photo = _add(storage, "IMG_1.jpg")
    described = items.describe(photo.id, "  Sunset over the Crémieux walls\n")
    assert described.description == "Sunset over the Crémieux walls"
    assert names(search.search("cremieux sun")) == ["IMG_1.jpg"]
    for bad in ("x" * 5001, "bell\x07", None, 5):
        with pytest.raises(InvalidInput):
            items.describe(photo.id, bad)
    assert storage.catalog.get_item(photo.id).description == described.description
    assert items.describe(photo.id, "").description == ""
    assert names(search.search("cremieux")) == []


@LOCAL
def test_tags_are_normalised_and_found_by_word_and_by_filter(storage, items, search) -> None:
    photo = _add(storage, "IMG_1.jpg")
    tagged = items.set_tags(photo.id, ["  Été  2024", "été 2024", "Family"])
    assert tagged.tags == ("été 2024", "family")
    assert names(search.search("ete")) == ["IMG_1.jpg"]
    assert names(search.search(None, tag=" FAMILY ")) == ["IMG_1.jpg"]
    assert names(search.search(None, tag="fam")) == []  # a tag filter is the whole tag
    for bad in ("family", ["a/b"], [""], ["x" * 65], [f"t{n}" for n in range(MAX_TAGS + 1)]):
        with pytest.raises(InvalidInput):
            items.set_tags(photo.id, bad)
    assert storage.catalog.get_item(photo.id).tags == tagged.tags
    assert items.set_tags(photo.id, []).tags == ()
    assert names(search.search(None, tag="family")) == []


@LOCAL
def test_a_trashed_item_cannot_be_described_or_tagged(storage, items) -> None:
    photo = _add(storage, "IMG_1.jpg")
    items.trash(photo.id)
    with pytest.raises(NotFound):
        items.describe(photo.id, "x")
    with pytest.raises(NotFound):
        items.set_tags(photo.id, ["x"])


@LOCAL
def test_edit_tags_on_a_selection(storage, items, search) -> None:
    a = _add(storage, "a.jpg", tags=("old", "keep"))
    b = _add(storage, "b.jpg")
    changed = items.edit_tags([a.id, b.id, a.id], add=["Trip", "keep"], remove=["OLD"])
    assert [i.tags for i in changed] == [("keep", "trip"), ("trip", "keep")]
    assert sorted(names(search.search(None, tag="trip"))) == ["a.jpg", "b.jpg"]
    assert [(t.tag, t.count) for t in search.tags()] == [("keep", 2), ("trip", 2)]


@LOCAL
def test_a_refused_selection_changes_nothing(storage, items) -> None:
    a = _add(storage, "a.jpg")
    full = _add(storage, "full.jpg", tags=tuple(f"t{n}" for n in range(MAX_TAGS)))
    trashed = _add(storage, "gone.jpg")
    items.trash(trashed.id)
    with pytest.raises(NotFound, match=trashed.id):
        items.edit_tags([a.id, trashed.id], add=["x"])
    with pytest.raises(NotFound, match="nope"):
        items.edit_tags([a.id, "nope"], add=["x"])
    with pytest.raises(InvalidInput):
        items.edit_tags([a.id, full.id], add=["one more"])
    for bad in ({"add": []}, {"add": ["x"], "remove": ["X"]}, {"add": "x"}, {"add": ["a/b"]}):
        with pytest.raises(InvalidInput):
            items.edit_tags([a.id], **bad)
    for ids in ([], "abc", [5], [f"{n:032x}" for n in range(1001)]):
        with pytest.raises(InvalidInput):
            items.edit_tags(ids, add=["x"])
    assert storage.catalog.get_item(a.id).tags == ()
    assert len(storage.catalog.get_item(full.id).tags) == MAX_TAGS


@LOCAL
def test_filters(storage, items, search) -> None:
    storage.catalog.create_folder("/trip")
    storage.catalog.create_folder("/trip/day1")
    storage.catalog.create_folder("/tripod")
    deep = _add(storage, "deep.jpg", "/trip/day1", favorite=True)
    _add(storage, "clip.mp4", "/trip", kind=Kind.VIDEO, content_type="video/mp4")
    _add(storage, "other.jpg", "/tripod")
    album = AlbumService(storage).create("Best")
    AlbumService(storage).add(album.id, [deep.id])
    assert sorted(names(search.search(None, folder="/trip/"))) == ["clip.mp4", "deep.jpg"]
    assert names(search.search(None, kind="video")) == ["clip.mp4"]
    assert names(search.search(None, favorite=True)) == ["deep.jpg"]
    assert names(search.search(None, album=album.id)) == ["deep.jpg"]
    assert names(search.search(None, album="no-such-album")) == []
    assert names(search.search(None, album="x" * 300)) == []
    assert names(search.search("deep", folder="/tripod")) == []
    for bad in ({"folder": "trip"}, {"folder": "/a/../b"}, {"kind": "pdf"}, {"tag": "a/b"}):
        with pytest.raises(InvalidInput):
            search.search("x", **bad)
    for bad in ({"country": "x\x00"}, {"city": "y" * 201}, {"favorite": "yes"}):
        with pytest.raises(InvalidInput):
            search.search("x", **bad)


@LOCAL
def test_days_are_inclusive_and_a_reversed_range_is_empty(storage, search) -> None:
    for n in range(3):  # 14, 15 and 16 June 2024, at noon
        _add(storage, f"IMG_{n}.jpg", taken_at=T0 + timedelta(days=n - 1))
    june = {"date_from": date(2024, 6, 15), "date_to": date(2024, 6, 15)}
    assert names(search.search(None, **june)) == ["IMG_1.jpg"]
    assert names(search.search("img", date_from=date(2024, 6, 15))) == ["IMG_2.jpg", "IMG_1.jpg"]
    assert names(search.search("img", date_to=date(2024, 6, 15))) == ["IMG_1.jpg", "IMG_0.jpg"]
    backwards = {"date_from": date(2024, 6, 16), "date_to": date(2024, 6, 14)}
    assert names(search.search("img", **backwards)) == []
    assert names(search.search("img 2024-06-14", date_from=date(2024, 6, 15))) == []
    assert names(search.search("june 2024")) == ["IMG_2.jpg", "IMG_1.jpg", "IMG_0.jpg"]
    assert names(search.search("img", date_to=date.max, date_from=date.min)) != []


def test_parse_day() -> None:
    assert parse_day("2024-02-29", "from") == date(2024, 2, 29)
    assert parse_day("", "from") is None
    for bad in ("2023-02-29", "2024-6-1", "20240601", "1717200000", "2024-06-15T00:00", 5):
        with pytest.raises(InvalidInput, match="from must be a day"):
            parse_day(bad, "from")


@LOCAL
def test_pages_newest_first_and_bad_paging(storage, search) -> None:
    for n in range(7):
        _add(storage, f"IMG_{n}.jpg", taken_at=T0 + timedelta(hours=n))
    seen, cursor = [], None
    while True:
        page = search.search("img", limit=3, cursor=cursor)
        seen += names(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"IMG_{n}.jpg" for n in reversed(range(7))]
    for bad in ({"limit": 0}, {"limit": 501}, {"limit": "5"}, {"cursor": "!!"}):
        with pytest.raises(InvalidInput):
            search.search("img", **bad)
    assert names(search.search(None)) == [] and names(search.search("   ")) == []


@LOCAL
def test_renames_moves_trash_and_restore_show_at_once(storage, items, search) -> None:
    storage.catalog.create_folder("/b")
    photo = _add(storage, "Crémieux11.tiff")
    assert names(search.search("cremieux")) == ["Crémieux11.tiff"]
    items.rename_or_move(photo.id, name="Lyon.tiff", folder="/b")
    assert names(search.search("cremieux")) == []
    assert names(search.search("lyon", folder="/b")) == ["Lyon.tiff"]
    items.trash(photo.id)
    assert names(search.search("lyon")) == [] and search.tags() == []
    items.restore(photo.id)
    assert names(search.search("lyo")) == ["Lyon.tiff"]


@LOCAL
def test_query_text_that_is_not_a_search(search) -> None:
    for bad in ("x" * 10_000, "a\x00b", "tab\tbed", "e\u0301" * 400 + "x" * 200):
        with pytest.raises(InvalidInput):
            search.search(bad)
    for syntax in ('"', '"unclosed', "*", "a*", "a OR b", "NEAR(a b)", "a AND NOT b", "-x"):
        assert names(search.search(syntax)) == []
