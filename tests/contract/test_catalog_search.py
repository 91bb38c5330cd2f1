"""Search in the catalog, on both backends: words found by prefix whatever their case and
accents, every filter, dates, paging newest first, every change found at once, hostile queries
harmless, the tag and place counts, and results equal to core.search.matches over the library."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Place, Status
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.listing import PlaceCount, TagCount
from rdrive_app.core.search import SearchQuery, matches, parse_query
from rdrive_app.storage import Storage
from rdrive_app.storage.local.catalog import SQLiteCatalog
from rdrive_app.storage.protocols import Catalog

MakeItem = Callable[..., MediaItem]
T0 = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
AREZZO = Place("Arezzo", "Tuscany", "Italy", "IT")
LYON = Place("Lyon", "Auvergne-Rhône-Alpes", "France", "FR")
CREMIEUX = Place("Crémieux", "Auvergne-Rhône-Alpes", "France", "FR")


def find(catalog: Catalog, text: str | None = None, limit: int = 100, **filters) -> list[str]:
    """The names of every result of ``text`` with ``filters``, all pages walked."""
    query = parse_query(text, SearchQuery(**filters))
    names: list[str] = []
    page = catalog.search(query, limit=limit)
    while True:
        names += [i.name for i in page.items]
        if page.next_cursor is None:
            return names
        page = catalog.search(query, limit=limit, cursor=page.next_cursor)


def newest_first(items: list[MediaItem]) -> list[MediaItem]:
    return sorted(items, key=lambda i: (i.sort_date, i.id), reverse=True)


@pytest.fixture
def library(storage: Storage, make_item: MakeItem) -> dict[str, MediaItem]:
    """A handful of photos and a video, one day apart (newest first in this order), in /trip,
    /trip/day 1, /trip_2 and /; with tags, descriptions, places and cameras."""
    c = storage.catalog
    for folder in ("/trip", "/trip/day 1", "/trip_2", "/100%"):
        c.create_folder(folder)
    specs = [
        ("Crémieux11.tiff", "/trip", {"place": CREMIEUX, "tags": ("holiday",)}),
        ("IMG_1234.jpg", "/trip/day 1", {"description": "A dog on the beach", "favorite": True}),
        ("clip.mp4", "/trip_2", {"kind": Kind.VIDEO, "camera": "Apple iPhone 12"}),
        ("Arezzo duomo.jpg", "/", {"place": AREZZO, "tags": ("holiday", "church")}),
        ("lyon.jpg", "/100%", {"place": LYON, "camera": "Canon EOS 5D", "favorite": True}),
        ("old.jpg", "/", {"taken_at": datetime(2023, 3, 1, tzinfo=UTC)}),
    ]
    items = {}
    for n, (name, folder, fields) in enumerate(specs):
        fields.setdefault("taken_at", T0 - timedelta(days=n))
        items[name] = c.add_item(make_item(name, folder, **fields))
    return items


def test_words_are_prefixes_without_case_or_accents(storage: Storage, library) -> None:
    c = storage.catalog
    assert find(c, "cremieux") == ["Crémieux11.tiff"]
    assert find(c, "CRÉM") == ["Crémieux11.tiff"]
    assert find(c, "crem 11") == ["Crémieux11.tiff"]  # a term's letter and digit parts
    assert find(c, "img") == ["IMG_1234.jpg"]
    assert find(c, "1234") == ["IMG_1234.jpg"]
    assert find(c, "dog bea") == ["IMG_1234.jpg"]  # a word of the description
    assert find(c, "dog cat") == []  # every word must be found
    assert find(c, "holi") == ["Crémieux11.tiff", "Arezzo duomo.jpg"]  # a tag
    assert find(c, "tuscany") == ["Arezzo duomo.jpg"]  # a region
    assert find(c, "france") == ["Crémieux11.tiff", "lyon.jpg"]
    assert find(c, "iphone") == ["clip.mp4"]  # the camera
    assert find(c, "canon eos") == ["lyon.jpg"]
    assert find(c, "ogg") == []  # not a prefix of anything


def test_every_filter(storage: Storage, library) -> None:
    c = storage.catalog
    album = c.create_album("Best")
    c.add_to_album(album.id, [library["lyon.jpg"].id, library["clip.mp4"].id])
    assert find(c, kind=Kind.VIDEO) == ["clip.mp4"]
    assert find(c, "jpg", kind=Kind.IMAGE) == [
        "IMG_1234.jpg", "Arezzo duomo.jpg", "lyon.jpg", "old.jpg"
    ]  # fmt: skip
    assert find(c, favorite=True) == ["IMG_1234.jpg", "lyon.jpg"]
    assert find(c, "dog", favorite=True) == ["IMG_1234.jpg"]
    assert find(c, album=album.id) == ["clip.mp4", "lyon.jpg"]
    assert find(c, "lyon", album=album.id) == ["lyon.jpg"]
    assert find(c, album="0" * 32) == []  # an unknown album: nothing, not an error
    assert find(c, folder="/trip") == ["Crémieux11.tiff", "IMG_1234.jpg"]  # and below
    assert find(c, folder="/trip/day 1") == ["IMG_1234.jpg"]
    assert find(c, folder="/trip_2") == ["clip.mp4"]  # '_' is no wildcard
    assert find(c, folder="/100%") == ["lyon.jpg"]  # nor '%'
    assert find(c, folder="/tri") == []  # a folder, not a prefix of one
    assert len(find(c, folder="/")) == 6
    assert find(c, tag="holiday") == ["Crémieux11.tiff", "Arezzo duomo.jpg"]
    assert find(c, tag="church") == ["Arezzo duomo.jpg"]
    assert find(c, tag="holi") == []  # one tag exactly
    assert find(c, country="France") == ["Crémieux11.tiff", "lyon.jpg"]
    assert find(c, country="France", city="Lyon") == ["lyon.jpg"]
    assert find(c, city="Arezzo") == ["Arezzo duomo.jpg"]
    assert find(c, "jpg", folder="/", tag="holiday", country="Italy") == ["Arezzo duomo.jpg"]


def test_dates(storage: Storage, library) -> None:
    c = storage.catalog
    assert find(c, "2023") == ["old.jpg"]
    assert find(c, "march 2023") == ["old.jpg"]
    assert find(c, "june 2024") == [
        "Crémieux11.tiff", "IMG_1234.jpg", "clip.mp4", "Arezzo duomo.jpg", "lyon.jpg"
    ]  # fmt: skip
    assert find(c, "2024-06-15") == ["Crémieux11.tiff"]
    assert find(c, "2024-06-14 dog") == ["IMG_1234.jpg"]
    assert find(c, "2024-06-13 dog") == []
    assert find(c, "jpg", date_from=T0 - timedelta(days=3), date_to=T0) == [
        "IMG_1234.jpg",
        "Arezzo duomo.jpg",
    ]  # fmt: skip   (from inclusive, to exclusive: 'Crémieux' was taken at T0 exactly)
    assert find(c, date_from=T0 - timedelta(days=1), date_to=T0 + timedelta(seconds=1)) == [
        "Crémieux11.tiff", "IMG_1234.jpg"
    ]  # fmt: skip
    assert find(c, "2023 2024") == []
    assert find(c, date_from=T0, date_to=T0 - timedelta(days=9)) == []  # reversed: empty


def test_pages_newest_first_without_gaps_or_repeats(storage: Storage, make_item) -> None:
    c = storage.catalog
    items = [
        c.add_item(make_item(f"beach {n:02d}.jpg", taken_at=T0 - timedelta(hours=n % 7)))
        for n in range(23)
    ]
    expected = [i.name for i in newest_first(items)]
    for limit in (1, 5, 7, 23, 100):
        assert find(c, "beach", limit=limit) == expected
        assert find(c, "jpg", limit=limit, date_from=T0 - timedelta(days=1)) == expected
    page = c.search(parse_query("beach"), limit=23)
    assert page.next_cursor is None
    page = c.search(parse_query("beach"), limit=10)
    later = c.search(parse_query("beach"), limit=10, cursor=page.next_cursor)
    assert [i.name for i in page.items + later.items] == expected[:20]


def test_every_change_is_found_at_once(storage: Storage, library) -> None:
    c = storage.catalog
    item = library["IMG_1234.jpg"]
    c.update_item(item.id, tags=("puppy",), description="Snow in the hills")
    assert find(c, "puppy") == find(c, tag="puppy") == ["IMG_1234.jpg"]
    assert find(c, "snow hills") == ["IMG_1234.jpg"]
    assert find(c, "dog") == []  # the old description is gone
    assert find(c, tag="holiday") == ["Crémieux11.tiff", "Arezzo duomo.jpg"]
    c.rename_item(item.id, "/", "Zebra.jpg")
    assert find(c, "zebra") == ["Zebra.jpg"]
    assert find(c, "img") == []
    assert find(c, folder="/trip") == ["Crémieux11.tiff"]
    c.trash_item(item.id)
    assert find(c, "zebra") == find(c, tag="puppy") == []
    assert c.tag_counts() == [TagCount("holiday", 2), TagCount("church", 1)]
    c.restore_item(item.id)
    assert find(c, "zebra snow") == ["Zebra.jpg"]
    assert TagCount("puppy", 1) in c.tag_counts()
    c.move_folder("/trip", "/journey")
    assert find(c, folder="/journey") == ["Crémieux11.tiff"]
    assert find(c, folder="/trip") == []
    assert find(c, "crem") == ["Crémieux11.tiff"]
    c.update_item(library["old.jpg"].id, taken_at=T0 + timedelta(days=1))
    assert find(c, "2023") == []
    assert find(c, "jpg", limit=2)[0] == "old.jpg"  # its new date puts it first
    c.update_item(library["clip.mp4"].id, status=Status.UPLOADING)
    assert find(c, "iphone") == []  # only items on the timeline are found


@pytest.mark.parametrize(
    "text",
    ['"', '"beach', "*", "beach*", "NEAR", "NEAR(dog beach)", "dog OR beach", "AND (", "-x",
     "^dog", "dog:beach", "'; DROP TABLE entries; --", "{col}: dog", "%", "_", "\\", "\u00ad"],
)  # fmt: skip
def test_query_syntax_is_only_words(storage: Storage, library, text: str) -> None:
    c = storage.catalog
    query = parse_query(text)
    page = c.search(query)  # no error, whatever FTS5 or DynamoDB would make of it
    expected = [i.id for i in newest_first(list(library.values())) if matches(i, query)]
    assert [i.id for i in page.items] == ([] if query.is_blank else expected)
    assert find(c, "dog") == ["IMG_1234.jpg"]  # and nothing changed


def test_operators_are_searched_as_words(storage: Storage, library) -> None:
    c = storage.catalog
    assert find(c, '"dog"') == ["IMG_1234.jpg"]
    assert find(c, "dog OR cat") == []  # 'or' is a word like another, not an operator
    assert find(c, "dog -beach") == ["IMG_1234.jpg"]  # no negation either


@pytest.mark.parametrize("text", ["x" * 10_000, "dog\x00", "dog\nbeach", "\x1b[2J"])
def test_hostile_queries_are_refused(storage: Storage, library, text: str) -> None:
    with pytest.raises(InvalidInput):
        storage.catalog.search(parse_query(text))


@pytest.mark.parametrize("cursor", ["", "x", "not a cursor!", "AAAA", "MjAyNC0wNi0xNQ"])
def test_a_bad_cursor_is_refused(storage: Storage, library, cursor: str) -> None:
    with pytest.raises(InvalidInput):
        storage.catalog.search(parse_query("jpg"), cursor=cursor)


def test_a_blank_query_finds_nothing(storage: Storage, library) -> None:
    assert storage.catalog.search(SearchQuery()).items == []
    assert storage.catalog.search(parse_query("  ,;  ")).items == []


def test_tag_and_place_counts(storage: Storage, library, make_item) -> None:
    c = storage.catalog
    busy = c.add_item(make_item("busy.jpg", place=AREZZO, tags=("holiday",), taken_at=T0))
    c.update_item(busy.id, status=Status.UPLOADING)
    gone = c.add_item(make_item("gone.jpg", place=LYON, tags=("church",), taken_at=T0))
    c.trash_item(gone.id)  # neither is counted
    c.add_item(make_item("nowhere.jpg", taken_at=T0))
    assert c.tag_counts() == [TagCount("holiday", 2), TagCount("church", 1)]
    assert c.place_counts() == [
        PlaceCount("France", "Crémieux", "Auvergne-Rhône-Alpes", "FR", 1),
        PlaceCount("France", "Lyon", "Auvergne-Rhône-Alpes", "FR", 1),
        PlaceCount("Italy", "Arezzo", "Tuscany", "IT", 1),
    ]
    c.update_item(library["old.jpg"].id, place=AREZZO, tags=("church", "holiday"))
    assert c.tag_counts() == [TagCount("holiday", 3), TagCount("church", 2)]
    assert PlaceCount("Italy", "Arezzo", "Tuscany", "IT", 2) in c.place_counts()


_WORDS = ["beach", "bear", "dog", "dôme", "sun", "sunset", "snow", "x1", "straße"]
_QUERIES = [
    "b", "be", "bea", "beach", "dog", "dome", "DÔME", "sun", "sunset", "sun dog", "strasse",
    "x", "x1", "x12", "pic", "pic 3", "2022", "may 2023", "2023-05", "beach 2024", "zzz",
    "iphone", "canon", "italy", "arezzo", "lyon sun", "holiday", "pets", "img",
]  # fmt: skip


def test_results_are_the_rule_over_the_library(storage: Storage, make_item) -> None:
    """For a random library (with trashed and uploading items), every query with every
    filter finds exactly what core.search.matches accepts, newest first."""
    c = storage.catalog
    rng = random.Random(15)
    folders = ["/", "/a", "/a/b", "/a_b", "/c"]
    for folder in folders[1:]:
        c.create_folder(folder)
    album = c.create_album("Some")
    cameras = [None, "Canon EOS", "Apple iPhone"]
    places = [None, AREZZO, LYON, CREMIEUX]
    items = []
    for n in range(60):
        item = c.add_item(
            make_item(
                f"{rng.choice(['pic', 'IMG', 'Dôme'])}_{n}.jpg",
                rng.choice(folders),
                kind=rng.choice([Kind.IMAGE, Kind.IMAGE, Kind.VIDEO]),
                taken_at=datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(900)),
                description=" ".join(rng.sample(_WORDS, rng.randrange(3))),
                tags=tuple(rng.sample(["holiday", "pets", "work"], rng.randrange(3))),
                camera=rng.choice(cameras),
                place=rng.choice(places),
                favorite=rng.random() < 0.3,
            )
        )
        if n % 9 == 4:
            item = c.trash_item(item.id)
        elif n % 11 == 5:
            item = c.update_item(item.id, status=Status.UPLOADING)
        items.append(item)
    c.add_to_album(album.id, [i.id for i in items if i.on_timeline][::3])
    everything = newest_first([c.get_item(i.id) for i in items if i.on_timeline] + [
        i for i in items if not i.on_timeline
    ])  # fmt: skip
    filters: list[dict[str, object]] = [
        {}, {"kind": Kind.VIDEO}, {"favorite": True}, {"album": album.id}, {"folder": "/a"},
        {"folder": "/a_b"}, {"tag": "pets"}, {"country": "France"}, {"city": "Crémieux"},
        {"date_from": datetime(2023, 1, 1, tzinfo=UTC)},
    ]  # fmt: skip
    for base in filters:
        for text in _QUERIES:
            query = parse_query(text, SearchQuery(**base))  # type: ignore[arg-type]
            expected = [i.name for i in everything if matches(i, query)]
            assert find(c, text, limit=10, **base) == expected, (text, base)  # pages too


def _drop_search_index(db) -> None:
    """Leave the database as a version before the search (or before ranks) left it."""
    for trigger in ("search_added", "search_removed", "search_changed"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP TABLE search_fts")


def test_an_older_sqlite_library_is_indexed_when_opened(tmp_path, make_item) -> None:
    """A database from before the search (terms, no index) gets its index at the next open,
    and only once: reopening keeps it as it is."""
    path = tmp_path / "catalog.sqlite3"
    catalog = SQLiteCatalog(path)
    catalog.add_item(make_item("Crémieux11.tiff", taken_at=T0))
    db = catalog._db()
    _drop_search_index(db)
    catalog.add_item(make_item("later.jpg", taken_at=T0))  # written with no index at all
    catalog.close()
    for _ in range(2):
        catalog = SQLiteCatalog(path)
        assert find(catalog, "cremieux") == ["Crémieux11.tiff"]
        assert find(catalog, "lat") == ["later.jpg"]
        catalog.close()


def test_a_library_indexed_before_ranks_is_indexed_again_when_opened(tmp_path, make_item) -> None:
    """The index was once keyed by the entries' rowid; opening such a database makes it again,
    keyed by rank, and searches find what they found."""
    path = tmp_path / "catalog.sqlite3"
    catalog = SQLiteCatalog(path)
    catalog.add_item(make_item("Crémieux11.tiff", taken_at=T0))
    db = catalog._db()
    _drop_search_index(db)
    db.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(search_terms, content='entries', "
        "content_rowid='rowid', tokenize='ascii', prefix='2 3 4')"
    )
    db.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    db.execute("UPDATE entries SET search_rank = NULL")
    catalog.close()
    catalog = SQLiteCatalog(path)
    assert find(catalog, "cremieux") == ["Crémieux11.tiff"]
    catalog.add_item(make_item("Crémieux12.tiff", taken_at=T0 + timedelta(days=1)))
    assert find(catalog, "cremieux") == ["Crémieux12.tiff", "Crémieux11.tiff"]
    catalog.close()


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_many_matches_in_one_second_page_in_timeline_order(tmp_path, make_item, limit) -> None:
    """Matches are read by rank, which orders by the second; within a second (a burst) the
    pages still follow the timeline's order exactly, across the chunks the matches come in."""
    catalog = SQLiteCatalog(tmp_path / "catalog.sqlite3")
    rng = random.Random(limit)
    items = []
    for n in range(400):
        second = T0 - timedelta(seconds=rng.choice((0, 0, 0, 1, 2, 60)))
        when = second + timedelta(microseconds=rng.randrange(0, 1_000_000))
        kind = Kind.VIDEO if n % 9 == 0 else Kind.IMAGE
        item = make_item(f"burst {n}.jpg", taken_at=when, kind=kind)
        catalog.add_item(item)
        items.append(item)
    for text, kind in (("burst", None), ("burst", Kind.VIDEO), ("bu", Kind.IMAGE)):
        expected = [i.name for i in newest_first(items) if kind is None or i.kind is kind]
        assert find(catalog, text, limit=limit, kind=kind) == expected, (text, kind)
    catalog.close()


def test_a_folder_search_starts_at_the_folder_s_newest_item(tmp_path, make_item) -> None:
    """A folder filter (with or without words) finds the items of the folder and its
    subfolders only, and nothing for a folder that holds no item or does not exist."""
    catalog = SQLiteCatalog(tmp_path / "catalog.sqlite3")
    for folder in ("/2019", "/2019/trip", "/2019-b", "/2020", "/empty"):
        catalog.create_folder(folder)
    made = []
    for n, folder in enumerate(["/2019", "/2019/trip", "/2019-b", "/2020", "/"] * 6):
        item = make_item(f"photo {n}.jpg", folder, taken_at=T0 - timedelta(days=n))
        catalog.add_item(item)
        made.append(item)
    in_2019 = [i.name for i in newest_first(made) if i.folder in ("/2019", "/2019/trip")]
    assert find(catalog, None, limit=4, folder="/2019") == in_2019
    assert find(catalog, "photo", limit=4, folder="/2019") == in_2019
    assert find(catalog, None, folder="/2019/trip") == in_2019[1::2]
    assert find(catalog, None, folder="/empty") == []
    assert find(catalog, "photo", folder="/nowhere") == []
    catalog.close()
