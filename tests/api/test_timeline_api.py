"""The timeline over HTTP on both backends: every folder newest first, a jump to a date or a
month, paging both ways, the months for the scrubber, the favourites, and bad positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id

T0 = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.fixture
def library(services) -> list[MediaItem]:
    """30 ready photos, one every 20 days from T0, alternating between two folders."""
    catalog = services.storage.catalog
    for folder in ("/trip", "/home"):
        catalog.create_folder(folder)
    return [
        catalog.add_item(
            MediaItem(
                id=new_id(),
                folder=("/trip", "/home")[n % 2],
                name=f"IMG_{n:03d}.jpg",
                kind=Kind.IMAGE,
                content_type="image/jpeg",
                size=100,
                uploaded_by="alice",
                status=Status.READY,
                taken_at=T0 + timedelta(days=20 * n),
            )
        )
        for n in range(30)
    ]


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [i["name"] for i in response.json()["items"]]


def test_pages_go_down_the_whole_library_newest_first(client, auth, library):
    seen, cursor = [], None
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        r = client.get("/api/timeline", params=params, headers=auth)
        seen += names(r)
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"IMG_{n:03d}.jpg" for n in reversed(range(30))]


def test_a_jump_to_a_month_or_a_day(client, auth, library):
    # IMG_009 is taken on 9 Jul 2022, IMG_010 on 29 Jul: a month starts at its end.
    r = client.get("/api/timeline", params={"before": "2022-07", "limit": 3}, headers=auth)
    assert names(r) == ["IMG_010.jpg", "IMG_009.jpg", "IMG_008.jpg"]
    day = client.get("/api/timeline", params={"before": "2022-07-28", "limit": 1}, headers=auth)
    assert names(day) == ["IMG_009.jpg"]
    at = {"before": "2022-07-29T08:00:00Z", "limit": 1}  # strictly before that instant
    assert names(client.get("/api/timeline", params=at, headers=auth)) == ["IMG_009.jpg"]


def test_newer_climbs_from_a_position_to_the_top(client, auth, library):
    start = client.get("/api/timeline", params={"before": "2022-07", "limit": 1}, headers=auth)
    cursor = start.json()["next_cursor"]  # the position of IMG_010
    r = client.get(
        "/api/timeline", params={"cursor": cursor, "direction": "newer", "limit": 4}, headers=auth
    )
    assert names(r) == ["IMG_014.jpg", "IMG_013.jpg", "IMG_012.jpg", "IMG_011.jpg"]
    climbed = names(r)
    while r.json()["next_cursor"]:
        params = {"cursor": r.json()["next_cursor"], "direction": "newer", "limit": 4}
        r = client.get("/api/timeline", params=params, headers=auth)
        climbed = names(r) + climbed
    assert climbed == [f"IMG_{n:03d}.jpg" for n in reversed(range(11, 30))]


def test_months_count_the_items_for_the_scrubber(client, auth, library):
    r = client.get("/api/timeline/months", headers=auth)
    assert r.status_code == 200
    months = r.json()
    assert sum(m["count"] for m in months) == 30
    assert months[0]["month"] > months[-1]["month"] == "2022-01"
    assert {"month": "2022-07", "count": 2} in months  # IMG_009 (9 Jul) and IMG_010 (29 Jul)


def test_favourites_and_the_trash(client, auth, services, library):
    catalog = services.storage.catalog
    for item in library[::10]:
        catalog.update_item(item.id, favorite=True)
    catalog.trash_item(library[29].id)
    r = client.get("/api/media", params={"favorite": "true"}, headers=auth)
    assert names(r) == ["IMG_020.jpg", "IMG_010.jpg", "IMG_000.jpg"]
    r = client.get("/api/timeline", params={"favorite": "true", "limit": 2}, headers=auth)
    assert names(r) == ["IMG_020.jpg", "IMG_010.jpg"]
    months = client.get("/api/timeline/months", params={"favorite": "true"}, headers=auth).json()
    assert sum(m["count"] for m in months) == 3
    top = client.get("/api/timeline", params={"limit": 1}, headers=auth)
    assert names(top) == ["IMG_028.jpg"]  # the trashed IMG_029 is gone from the timeline


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "garbage"},
        {"before": "last summer"},
        {"before": "2024-13"},
        {"direction": "newer"},
        {"direction": "sideways"},
        {"limit": 0},
        {"limit": 501},
        {"cursor": "MjAyNC0wNi0wMVQwMDowMDowMC4wMDAwMDBaI2Fi", "before": "2024-01"},
    ],
)
def test_bad_positions_are_400_or_422(client, auth, library, params):
    r = client.get("/api/timeline", params=params, headers=auth)
    assert r.status_code in (400, 422), r.text
    assert r.json()["detail"]


def test_the_timeline_needs_a_signed_in_user(client, library):
    assert client.get("/api/timeline").status_code == 401
    assert client.get("/api/timeline/months").status_code == 401
