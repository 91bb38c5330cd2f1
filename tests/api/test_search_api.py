"""GET /api/search on both backends: words over names, descriptions, tags, places and cameras,
the filters, newest-first pages with a cursor, edits found at once, and every bad input a 400 or
an empty page, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Place, Status, new_id

T0 = datetime(2023, 12, 30, 9, 0, tzinfo=UTC)
AREZZO = Place(city="Arezzo", region="Tuscany", country="Italy", country_code="IT")
LYON = Place(city="Lyon", region="Auvergne-Rhône-Alpes", country="France", country_code="FR")


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _item(n: int, name: str, folder: str, **fields: object) -> MediaItem:
    return MediaItem(
        id=new_id(), folder=folder, name=name, kind=Kind.IMAGE, content_type="image/jpeg",
        size=100, uploaded_by="alice", status=Status.READY, taken_at=T0 + timedelta(days=n),
    ).with_changes(**fields)  # fmt: skip


@pytest.fixture
def library(services) -> dict[str, MediaItem]:
    """Five items over new year 2024 in /trip (and /trip/day2) and /home, one in the trash."""
    catalog = services.storage.catalog
    for folder in ("/trip", "/trip/day2", "/home"):
        catalog.create_folder(folder)
    made = [
        _item(0, "Crémieux11.tiff", "/trip", camera="Canon EOS 40D", place=LYON),
        _item(1, "IMG_0002.jpg", "/trip/day2", description="Duomo at dusk", place=AREZZO,
              tags=("italy trip", "church"), favorite=True),
        _item(2, "IMG_0003.jpg", "/trip/day2", place=AREZZO, tags=("italy trip",)),
        _item(3, "clip.mp4", "/home", kind=Kind.VIDEO, content_type="video/mp4",
              description="Birthday cake", camera="Apple iPhone 12"),
        _item(4, "IMG_0005.jpg", "/home", description="Birthday in the trash"),
    ]  # fmt: skip
    found = {i.name: catalog.add_item(i) for i in made}
    catalog.trash_item(found["IMG_0005.jpg"].id)
    return found


def found(client, auth, **params) -> list[str]:
    r = client.get("/api/search", params=params, headers=auth)
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


def test_words_match_every_field_folded_and_by_prefix(client, auth, library) -> None:
    assert found(client, auth, q="cremieux") == ["Crémieux11.tiff"]
    assert found(client, auth, q="CRÉM") == ["Crémieux11.tiff"]
    assert found(client, auth, q="arezzo") == ["IMG_0003.jpg", "IMG_0002.jpg"]
    assert found(client, auth, q="tusc duomo") == ["IMG_0002.jpg"]
    assert found(client, auth, q="italy") == ["IMG_0003.jpg", "IMG_0002.jpg"]
    assert found(client, auth, q="canon") == ["Crémieux11.tiff"]
    assert found(client, auth, q="birthday") == ["clip.mp4"]  # not the trashed one
    assert found(client, auth, q="iphone birth") == ["clip.mp4"]
    assert found(client, auth, q="img 0002") == ["IMG_0002.jpg"]
    assert found(client, auth, q="rhone") == ["Crémieux11.tiff"]
    assert found(client, auth, q="nowhere") == []


def test_dates_in_the_query_and_as_filters(client, auth, library) -> None:
    assert found(client, auth, q="2023") == ["IMG_0002.jpg", "Crémieux11.tiff"]
    assert found(client, auth, q="january 2024") == ["clip.mp4", "IMG_0003.jpg"]
    assert found(client, auth, q="img 2024-01-01") == ["IMG_0003.jpg"]
    days = {"q": "img", "from": "2023-12-31", "to": "2024-01-01"}  # both days included
    assert found(client, auth, **days) == ["IMG_0003.jpg", "IMG_0002.jpg"]
    assert found(client, auth, **{"from": "2024-01-02"}) == ["clip.mp4"]
    assert found(client, auth, q="lyon", to="2023-12-30") == ["Crémieux11.tiff"]
    assert found(client, auth, q="lyon", **{"from": "2023-12-31"}) == []


def test_filters(client, auth, library, services) -> None:
    album = services.albums.create("Best")
    services.albums.add(album.id, [library["clip.mp4"].id, library["IMG_0003.jpg"].id])
    assert found(client, auth, folder="/trip") == [
        "IMG_0003.jpg", "IMG_0002.jpg", "Crémieux11.tiff"
    ]  # fmt: skip
    assert found(client, auth, folder="/trip/day2/", q="duomo") == ["IMG_0002.jpg"]
    assert found(client, auth, kind="video") == ["clip.mp4"]
    assert found(client, auth, kind="image", q="birthday") == []
    assert found(client, auth, favorite="true") == ["IMG_0002.jpg"]
    assert found(client, auth, album=album.id) == ["clip.mp4", "IMG_0003.jpg"]
    assert found(client, auth, tag="Italy  Trip") == ["IMG_0003.jpg", "IMG_0002.jpg"]
    assert found(client, auth, tag="church", q="arezzo") == ["IMG_0002.jpg"]
    assert found(client, auth, country="France") == ["Crémieux11.tiff"]
    assert found(client, auth, country="Italy", city="Arezzo", q="dusk") == ["IMG_0002.jpg"]
    assert found(client, auth, city="Lyon", country="Italy") == []


def test_pages_newest_first_with_a_cursor(client, auth, services) -> None:
    catalog = services.storage.catalog
    catalog.create_folder("/a")
    for n in range(11):
        catalog.add_item(_item(n, f"beach_{n:02d}.jpg", "/a"))
    seen, cursor, pages = [], None, 0
    while True:
        params = {"q": "beach", "limit": 4, **({"cursor": cursor} if cursor else {})}
        r = client.get("/api/search", params=params, headers=auth)
        assert r.status_code == 200, r.text
        seen += [i["name"] for i in r.json()["items"]]
        pages += 1
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"beach_{n:02d}.jpg" for n in reversed(range(11))] and pages == 3
    item = r.json()["items"][-1]
    assert {"description", "tags", "thumbnail_url", "taken_at"} <= set(item)  # the grid's shape


def test_edits_show_up_in_results_at_once(client, auth, library) -> None:
    photo = library["Crémieux11.tiff"]
    r = client.patch(
        f"/api/media/{photo.id}",
        json={"name": "Lyon old town.tiff", "description": "Traboules", "tags": ["Secret"]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert found(client, auth, q="cremieux") == []
    assert found(client, auth, q="trabou old") == ["Lyon old town.tiff"]
    assert found(client, auth, tag="secret") == ["Lyon old town.tiff"]
    assert client.patch(f"/api/media/{photo.id}", json={"folder": "/home"}, headers=auth).is_success
    assert found(client, auth, q="traboules", folder="/trip") == []
    assert found(client, auth, q="traboules", folder="/home") == ["Lyon old town.tiff"]
    assert client.delete(f"/api/media/{photo.id}", headers=auth).is_success
    assert found(client, auth, q="traboules") == []
    assert client.post(f"/api/trash/{photo.id}/restore", headers=auth).is_success
    assert found(client, auth, q="traboules") == ["Lyon old town.tiff"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"'}, {"q": '"duomo'}, {"q": "*"}, {"q": "duo*"}, {"q": "a OR b"},
        {"q": "NEAR(duomo dusk)"}, {"q": "duomo NOT dusk"}, {"q": "'; DROP TABLE entries; --"},
        {"q": "{search_terms}: x"}, {"q": "^duomo"}, {"album": "no-such-album"},
        {"album": "x" * 64, "q": "duomo"}, {"q": "duomo", "from": "2024-01-05", "to": "2023-01-01"},
        {"q": "2023 2024"}, {"q": ""}, {}, {"q": "   "}, {"country": "Atlantis"},
    ],
)  # fmt: skip
def test_syntax_and_impossible_filters_are_an_answer(client, auth, library, params) -> None:
    """Nothing in a query is FTS or SQL syntax: these are words (or nothing) and find at most
    what their words do; filters that hold nothing give an empty page."""
    names = found(client, auth, **params)
    assert set(names) <= {"IMG_0002.jpg"}


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"q": "x" * 10_000}, "at most"),
        ({"q": "x" * 501}, "at most"),
        ({"q": "a\x00b"}, "control characters"),
        ({"q": "a\x1bb"}, "control characters"),
        ({"q": " ".join(f"w{n}" for n in range(17))}, "at most 16 words"),
        ({"from": "yesterday"}, "from must be a day"),
        ({"to": "2023-02-29"}, "to must be a day"),
        ({"from": "1700000000"}, "from must be a day"),
        ({"q": "2023-13-01"}, "not a date"),
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"q": "x", "cursor": "AAAA"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"folder": "trip"}, "start with '/'"),
        ({"folder": "/a/../b"}, "'.' or '..'"),
        ({"kind": "pdf"}, "kind"),
        ({"favorite": "maybe"}, "favorite"),
        ({"tag": "a/b"}, "a tag cannot"),
        ({"city": "x\x07"}, "control characters"),
    ],
)
def test_bad_input_is_a_clear_400(client, auth, library, params, says) -> None:
    r = client.get("/api/search", params={"q": "duomo", **params}, headers=auth)
    assert r.status_code == 400, r.text
    assert list(r.json()) == ["detail"] and says in r.json()["detail"]


def test_search_needs_a_session(client, library) -> None:
    r = client.get("/api/search", params={"q": "duomo"})
    assert r.status_code == 401 and "IMG_0002" not in r.text
