"""Places over HTTP on both backends: an item's place in its answer, and GET /api/places
grouping the timeline by country and city, following trash and restore."""

from __future__ import annotations

import pytest

from tests.api.test_media_api import CANON, GPS, MEDIA, upload, wait_settled

HEIC = MEDIA / "photos" / "IMG_5195.HEIC"
AREZZO = {"city": "Arezzo", "region": "Tuscany", "country": "Italy", "country_code": "IT"}


@pytest.fixture
def services(services_on_both):
    return services_on_both


def _upload(client, auth, path, folder: str = "/") -> dict:
    r = upload(client, auth, path, folder=folder)
    assert r.status_code == 201, r.text
    return wait_settled(client, auth, r.json()["items"][0]["id"])


def _places(client, auth) -> list[dict]:
    r = client.get("/api/places", headers=auth)
    assert r.status_code == 200, r.text
    return r.json()["countries"]


def test_an_items_answer_has_its_place(client, auth):
    photo = _upload(client, auth, GPS)
    assert photo["status"] == "ready" and photo["place"] == AREZZO
    plain = _upload(client, auth, CANON)
    assert plain["place"] is None
    listed = client.get("/api/media", params={"folder": "/"}, headers=auth).json()["items"]
    assert {i["name"]: i["place"] for i in listed} == {GPS.name: AREZZO, CANON.name: None}


def test_places_group_countries_and_cities_with_counts(client, auth):
    assert _places(client, auth) == []
    client.post("/api/folders", json={"path": "/trip"}, headers=auth)
    first = _upload(client, auth, GPS)
    _upload(client, auth, GPS, folder="/trip")
    _upload(client, auth, HEIC)
    _upload(client, auth, CANON)  # no position: in no place
    italy = {
        "country": "Italy", "country_code": "IT", "count": 2,
        "cities": [{"city": "Arezzo", "region": "Tuscany", "count": 2}],
    }  # fmt: skip
    usa = {
        "country": "United States", "country_code": "US", "count": 1,
        "cities": [{"city": "Blue Springs", "region": "Missouri", "count": 1}],
    }  # fmt: skip
    assert _places(client, auth) == [italy, usa]

    assert client.delete(f"/api/media/{first['id']}", headers=auth).status_code == 200
    italy_1 = {**italy, "count": 1, "cities": [{**italy["cities"][0], "count": 1}]}
    assert _places(client, auth) == [italy_1, usa]  # equal counts: by name
    assert client.post(f"/api/trash/{first['id']}/restore", headers=auth).status_code == 200
    assert _places(client, auth) == [italy, usa]


def test_places_needs_a_session_and_is_documented(client):
    assert client.get("/api/places").status_code == 401
    spec = client.get("/api/openapi.json").json()
    answer = spec["paths"]["/api/places"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/PlacesOut")
    assert "place" in spec["components"]["schemas"]["ItemOut"]["properties"]
