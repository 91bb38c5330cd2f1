"""Descriptions and tags over HTTP on both backends: PATCH /api/media/{id}, POST /api/media/tags
for a selection, GET /api/tags; every refusal a 400 or 404 that changes nothing."""

from __future__ import annotations

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.tags import MAX_TAGS


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.fixture
def photos(services) -> list[MediaItem]:
    """Three ready photos in /trip."""
    catalog = services.storage.catalog
    catalog.create_folder("/trip")
    made = [
        MediaItem(
            id=new_id(), folder="/trip", name=f"IMG_{n}.jpg", kind=Kind.IMAGE,
            content_type="image/jpeg", size=100, uploaded_by="alice", status=Status.READY,
        )
        for n in range(3)
    ]  # fmt: skip
    return [catalog.add_item(p) for p in made]


def stored(services, item: MediaItem) -> tuple[str, tuple[str, ...], str]:
    found = services.storage.catalog.get_item(item.id)
    return found.name, found.tags, found.description


def tag_counts(client, auth) -> list[tuple[str, int]]:
    r = client.get("/api/tags", headers=auth)
    assert r.status_code == 200, r.text
    return [(t["tag"], t["count"]) for t in r.json()]


def test_patch_sets_a_description_and_tags(client, auth, photos) -> None:
    photo = photos[0]
    body = {"description": " Sunset\nover Arezzo ", "tags": ["Sunset", " Italy  2024", "sunset"]}
    r = client.patch(f"/api/media/{photo.id}", json=body, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["description"] == "Sunset\nover Arezzo"
    assert r.json()["tags"] == ["sunset", "italy 2024"]
    again = client.get(f"/api/media/{photo.id}", headers=auth).json()
    assert (again["description"], again["tags"]) == (
        "Sunset\nover Arezzo",
        ["sunset", "italy 2024"],
    )
    assert tag_counts(client, auth) == [("italy 2024", 1), ("sunset", 1)]
    cleared = client.patch(
        f"/api/media/{photo.id}", json={"tags": [], "description": ""}, headers=auth
    )
    assert (cleared.json()["tags"], cleared.json()["description"]) == ([], "")
    assert tag_counts(client, auth) == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "new.jpg", "tags": ["a/b"]},
        {"name": "new.jpg", "tags": [""]},
        {"name": "new.jpg", "tags": ["x" * 65]},
        {"name": "new.jpg", "tags": [f"t{n}" for n in range(MAX_TAGS + 1)]},
        {"name": "new.jpg", "tags": "holiday"},
        {"name": "new.jpg", "tags": [5]},
        {"name": "new.jpg", "tags": None},
        {"name": "new.jpg", "description": "x" * 5001},
        {"name": "new.jpg", "description": "bell\x07"},
        {"name": "new.jpg", "description": None},
        {"name": "new.jpg", "description": ["text"]},
    ],
)
def test_a_refused_patch_changes_nothing(client, auth, services, photos, body) -> None:
    photo = photos[0]
    before = stored(services, photo)
    r = client.patch(f"/api/media/{photo.id}", json=body, headers=auth)
    assert r.status_code == 400, r.text
    assert list(r.json()) == ["detail"]
    assert stored(services, photo) == before


def test_a_trashed_item_is_not_found(client, auth, services, photos) -> None:
    services.items.trash(photos[0].id)
    r = client.patch(f"/api/media/{photos[0].id}", json={"tags": ["x"]}, headers=auth)
    assert r.status_code == 404, r.text


def test_tags_on_a_selection(client, auth, services, photos) -> None:
    ids = [p.id for p in photos]
    r = client.post("/api/media/tags", json={"ids": ids, "add": ["Trip", "Rome"]}, headers=auth)
    assert r.status_code == 200, r.text
    assert [i["tags"] for i in r.json()["items"]] == [["trip", "rome"]] * 3
    assert tag_counts(client, auth) == [("rome", 3), ("trip", 3)]
    body = {"ids": ids[:2], "add": ["best"], "remove": ["ROME"]}
    r = client.post("/api/media/tags", json=body, headers=auth)
    assert [i["tags"] for i in r.json()["items"]] == [["trip", "best"]] * 2
    assert tag_counts(client, auth) == [("trip", 3), ("best", 2), ("rome", 1)]
    services.items.trash(photos[2].id)  # the Tags list counts what is not in the trash
    assert tag_counts(client, auth) == [("best", 2), ("trip", 2)]
    r = client.get("/api/search", params={"tag": "best"}, headers=auth)
    assert {i["id"] for i in r.json()["items"]} == set(ids[:2])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"ids": ["unknown"], "add": ["x"]}, 404),
        ({"ids": None, "add": ["x"]}, 400),
        ({"ids": [], "add": ["x"]}, 400),
        ({"ids": ["a"] * 1001, "add": ["x"]}, 400),
        ({"ids": [5], "add": ["x"]}, 400),
        ({"ids": ["x" * 65], "add": ["x"]}, 400),
        ({"add": ["x"], "ids": "abc"}, 400),
        ({"add": [], "remove": []}, 400),
        ({"add": ["a/b"]}, 400),
        ({"add": ["x\x00"]}, 400),
        ({"add": ["x"], "remove": ["X"]}, 400),
        ({"add": [f"t{n}" for n in range(MAX_TAGS)]}, 400),  # 50 more on an item with one
        ({"add": "x"}, 400),
        ({"add": ["x"], "colour": "red"}, 400),
    ],
)
def test_a_refused_selection_changes_nothing(client, auth, services, photos, body, status) -> None:
    services.items.set_tags(photos[1].id, ["mine"])
    body = {"ids": [p.id for p in photos], **body}
    before = [stored(services, p) for p in photos]
    r = client.post("/api/media/tags", json=body, headers=auth)
    assert r.status_code == status, r.text
    assert list(r.json()) == ["detail"]
    assert [stored(services, p) for p in photos] == before


def test_a_trashed_id_in_a_selection_is_named(client, auth, services, photos) -> None:
    services.items.trash(photos[2].id)
    body = {"ids": [p.id for p in photos], "add": ["x"]}
    r = client.post("/api/media/tags", json=body, headers=auth)
    assert r.status_code == 404 and photos[2].id in r.json()["detail"]
    assert tag_counts(client, auth) == []
