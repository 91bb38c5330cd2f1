"""Turning photos, fixing and shifting dates, favourites: PATCH /api/media/{id},
POST /api/media/shift-dates and the turned download, on both backends."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.api.test_media_api import GPS, VIDEO, upload, wait_settled
from tests.media_factory import MARK_LEFT, MARK_TOP, edge_colour, looks, marked_photo


@pytest.fixture
def services(services_on_both):
    return services_on_both


def send(client, auth, data: bytes, name: str) -> dict:
    files = {"files": (name, data, "application/octet-stream")}
    r = client.post("/api/media", params={"folder": "/"}, files=files, headers=auth)
    assert r.status_code == 201, r.text
    item = wait_settled(client, auth, r.json()["items"][0]["id"])
    assert item["status"] == "ready", item
    return item


def image_at(client, url: str) -> Image.Image:
    r = client.get(url)
    assert r.status_code == 200, r.text
    return Image.open(io.BytesIO(r.content))


def patch(client, auth, item_id: str, body: dict):
    return client.patch(f"/api/media/{item_id}", json=body, headers=auth)


def test_rotation_90_turns_the_tiles_and_swaps_the_size(client, auth, services):
    item = send(client, auth, marked_photo((600, 400)), "IMG_1.jpg")
    assert (item["width"], item["height"], item["rotation"]) == (600, 400, 0)
    r = patch(client, auth, item["id"], {"rotation": 90})
    assert r.status_code == 200, r.text
    turned = r.json()
    assert (turned["width"], turned["height"], turned["rotation"]) == (400, 600, 90)
    assert turned["thumbnail_url"] != item["thumbnail_url"]  # a new URL: no stale cache
    for url in (turned["thumbnail_url"], turned["preview_url"]):
        im = image_at(client, url)
        assert im.height > im.width
        assert looks(edge_colour(im, "right"), MARK_TOP)  # the red top edge is on the right
        assert looks(edge_colour(im, "top"), MARK_LEFT)
    assert client.get(item["thumbnail_url"]).status_code in (403, 404)  # old files deleted
    again = client.get(f"/api/media/{item['id']}", headers=auth).json()
    assert (again["width"], again["height"], again["rotation"]) == (400, 600, 90)
    r = client.get(f"/api/media/{item['id']}/rendition?w=200", headers=auth)  # follows
    assert Image.open(io.BytesIO(r.content)).size == (200, 300)


def test_the_download_is_the_original_unless_the_turned_copy_is_asked_for(client, auth, services):
    data = marked_photo((600, 400))
    item = send(client, auth, data, "IMG_1.jpg")
    patch(client, auth, item["id"], {"rotation": 270})
    original = client.get(f"/api/media/{item['id']}/download", headers=auth, follow_redirects=True)
    assert original.content == data
    url = f"/api/media/{item['id']}/download?rotated=true"
    r = client.get(url, headers=auth, follow_redirects=False)
    assert r.status_code == 302
    got = client.get(r.headers["location"])
    assert got.headers["content-type"] == "image/jpeg"
    assert "IMG_1%20%28rotated%29.jpg" in got.headers["content-disposition"]
    im = Image.open(io.BytesIO(got.content))
    assert im.size == (400, 600) and looks(edge_colour(im, "left"), MARK_TOP)


@pytest.mark.parametrize(
    "bad",
    [45, -90, 360, 1, 91, 450, "90", 90.5, True, None, [90], {"deg": 90}],
)
def test_rotation_only_in_quarter_turns(client, auth, services, bad):
    item = send(client, auth, marked_photo(), "IMG_1.jpg")
    r = patch(client, auth, item["id"], {"rotation": bad, "name": "renamed.jpg"})
    assert r.status_code == 400, r.text
    assert isinstance(r.json()["detail"], str)
    same = client.get(f"/api/media/{item['id']}", headers=auth).json()
    assert (same["rotation"], same["name"], same["thumbnail_url"] is not None) == (
        0,
        "IMG_1.jpg",
        True,
    )


def test_videos_cannot_be_turned_yet(client, auth):
    r = upload(client, auth, VIDEO)
    item = wait_settled(client, auth, r.json()["items"][0]["id"])
    r = patch(client, auth, item["id"], {"rotation": 90})
    assert r.status_code == 400 and r.json()["detail"] == "videos cannot be turned yet"
    assert patch(client, auth, item["id"], {"rotation": 0}).status_code == 200  # as it is
    assert client.get(f"/api/media/{item['id']}", headers=auth).json()["rotation"] == 0


def test_taken_at_is_set_fixed_and_kept(client, auth, services):
    r = upload(client, auth, GPS)  # EXIF: 2008
    item = wait_settled(client, auth, r.json()["items"][0]["id"])
    assert item["taken_at"].startswith("2008-") and item["date_fixed"] is False
    r = patch(client, auth, item["id"], {"taken_at": "2010-03-04T05:06:07"})  # naive: UTC
    assert r.status_code == 200, r.text
    assert datetime.fromisoformat(r.json()["taken_at"]) == datetime(2010, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert r.json()["date_fixed"] is True
    r = patch(client, auth, item["id"], {"taken_at": "2010-03-04T05:06:07-05:00"})
    assert datetime.fromisoformat(r.json()["taken_at"]) == datetime(
        2010, 3, 4, 10, 6, 7, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "bad",
    [
        "not a date",
        "2019-07-14",  # a day without a time
        "2019-02-30T10:00:00",
        "1825-12-31T23:59:59Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59",
        "tomorrow",
        "",
        1_700_000_000,
        None,
        True,
    ],
)
def test_taken_at_that_is_not_a_date_in_range_is_400(client, auth, services, bad):
    item = send(client, auth, marked_photo(), "IMG_1.jpg")
    r = patch(client, auth, item["id"], {"taken_at": bad, "favorite": True})
    assert r.status_code == 400, r.text
    same = client.get(f"/api/media/{item['id']}", headers=auth).json()
    assert (same["taken_at"], same["date_fixed"], same["favorite"]) == (None, False, False)


def test_taken_at_more_than_a_day_ahead_is_400_but_within_a_day_is_kept(client, auth, services):
    item = send(client, auth, marked_photo(), "IMG_1.jpg")
    now = datetime.now(UTC)
    late = (now + timedelta(days=1, minutes=5)).isoformat()
    assert patch(client, auth, item["id"], {"taken_at": late}).status_code == 400
    soon = (now + timedelta(hours=20)).isoformat()
    assert patch(client, auth, item["id"], {"taken_at": soon}).status_code == 200


def test_favourite_through_patch(client, auth, services):
    item = send(client, auth, marked_photo(), "IMG_1.jpg")
    assert patch(client, auth, item["id"], {"favorite": True}).json()["favorite"] is True
    assert patch(client, auth, item["id"], {"favorite": "yes"}).status_code == 400
    assert patch(client, auth, item["id"], {"favorite": 1}).status_code == 400
    assert client.get(f"/api/media/{item['id']}", headers=auth).json()["favorite"] is True
    assert patch(client, auth, item["id"], {"favorite": False}).json()["favorite"] is False
    assert patch(client, auth, item["id"], {}).status_code == 400
    assert patch(client, auth, "nope", {"favorite": True}).status_code == 404


def test_shift_dates_of_a_selection(client, auth, services):
    a = send(client, auth, marked_photo(), "a.jpg")  # no date taken: moves from its upload
    b = upload(client, auth, GPS).json()["items"][0]
    b = wait_settled(client, auth, b["id"])
    r = client.post(
        "/api/media/shift-dates", json={"ids": [a["id"], b["id"]], "seconds": -3600}, headers=auth
    )
    assert r.status_code == 200, r.text
    moved = {i["id"]: i for i in r.json()["items"]}
    hour = timedelta(hours=1)
    assert datetime.fromisoformat(moved[a["id"]]["taken_at"]) == (
        datetime.fromisoformat(a["uploaded_at"]) - hour
    )
    assert datetime.fromisoformat(moved[b["id"]]["taken_at"]) == (
        datetime.fromisoformat(b["taken_at"]) - hour
    )
    assert all(i["date_fixed"] for i in moved.values())


def test_shift_dates_refuses_bad_selections_and_changes_nothing(client, auth, services):
    a = send(client, auth, marked_photo(), "a.jpg")
    before = client.get(f"/api/media/{a['id']}", headers=auth).json()
    for body, status in [
        ({"ids": [a["id"], "nope"], "seconds": 60}, 404),
        ({"ids": [a["id"]] * 1001, "seconds": 60}, 400),
        ({"ids": [], "seconds": 60}, 400),
        ({"ids": [a["id"]], "seconds": 3 * 86400}, 400),  # into the future
        ({"ids": [a["id"]], "seconds": -300 * 366 * 86400}, 400),  # before 1826
        ({"ids": [a["id"]], "seconds": "60"}, 400),
        ({"ids": [a["id"]], "seconds": 1.5}, 400),
        ({"ids": [a["id"]], "seconds": 10**40}, 400),
        ({"ids": [a["id"]]}, 400),
        ({"ids": a["id"], "seconds": 60}, 400),
    ]:
        r = client.post("/api/media/shift-dates", json=body, headers=auth)
        assert r.status_code == status, (body, r.text)
    after = client.get(f"/api/media/{a['id']}", headers=auth).json()
    assert (after["taken_at"], after["date_fixed"]) == (before["taken_at"], False)
    assert (
        client.post("/api/media/shift-dates", json={"ids": [a["id"]], "seconds": 1}).status_code
        == 401
    )


def test_favourites_of_a_selection_at_once(client, auth, services):
    a = send(client, auth, marked_photo(), "fa.jpg")
    b = send(client, auth, marked_photo(), "fb.jpg")
    r = client.post(
        "/api/media/favorites", json={"ids": [a["id"], b["id"]], "favorite": True}, headers=auth
    )
    assert r.status_code == 200, r.text
    assert [(i["id"], i["favorite"]) for i in r.json()["items"]] == [
        (a["id"], True),
        (b["id"], True),
    ]
    for body, status in [
        ({"ids": [a["id"], "nope"], "favorite": False}, 404),
        ({"ids": [a["id"]], "favorite": "no"}, 400),
        ({"ids": [], "favorite": False}, 400),
        ({"ids": [a["id"]]}, 400),
    ]:
        r = client.post("/api/media/favorites", json=body, headers=auth)
        assert r.status_code == status, (body, r.text)
    assert client.get(f"/api/media/{a['id']}", headers=auth).json()["favorite"] is True
    body = {"ids": [a["id"]], "favorite": False}
    assert client.post("/api/media/favorites", json=body).status_code == 401
