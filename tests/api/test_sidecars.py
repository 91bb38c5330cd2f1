"""Sidecars over WebDAV on both backends: an XMP or Takeout JSON beside a photo, in either
order, is kept byte for byte as a file and feeds the photo what it lacks (date taken, rating,
description, keywords, position, favourite); the sidecars go where the photo goes: a rename or
move, the trash and back; a new version of the photo keeps them."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from tests.api.test_dav import CANON, MEDIA, _basic, _propfind, _write  # noqa: F401
from tests.unit.test_sidecar_files import LIGHTROOM, takeout

NO_EXIF = MEDIA / "photos" / "xmp" / "no_exif.jpg"  # a phone photo without EXIF (no date)


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.fixture
def dav(client, services):
    """PUT ``data`` as ``name`` in /Trip over WebDAV (made once) and wait until it is processed."""
    services.folders.create_folder("/Trip")
    auth = _write(services)

    def put(name: str, data: bytes, folder: str = "/Trip") -> dict:
        made = client.put("/dav" + quote(f"{folder}/{name}"), content=data, headers=auth)
        assert made.status_code in (201, 204), made.text
        return settled(services, folder, name)

    put.auth = auth
    return put


def settled(services, folder: str, name: str):
    catalog = services.storage.catalog
    deadline = time.time() + 60
    while (item := catalog.item_named(folder, name)) is None or item.status.value == "processing":
        assert time.time() < deadline, f"{folder}/{name} was not processed"
        time.sleep(0.05)
    return item


def fresh(services, item):
    return services.storage.catalog.get_item(item.id)


def linked(services, photo, count: int = 1):
    """``photo`` once ``count`` sidecars have attached (just after the later half is ready)."""
    deadline = time.time() + 30
    while len((now := fresh(services, photo)).sidecars) < count:
        assert time.time() < deadline, "the sidecars did not attach"
        time.sleep(0.05)
    return now


def test_an_xmp_after_its_photo_feeds_it_and_stays_a_file(client, services, dav, token):
    photo = dav("IMG_0001.jpg", NO_EXIF.read_bytes())
    assert photo.taken_at is None and photo.rating is None
    sidecar = dav("IMG_0001.xmp", LIGHTROOM)
    assert sidecar.kind.value == "file"
    photo = linked(services, photo)
    assert photo.taken_at == datetime(2019, 7, 14, 16, 22, 5, 120000, tzinfo=UTC)
    assert photo.rating == 4
    assert photo.description == "Sunset over the harbour"
    assert photo.tags == ("harbour", "sunset")
    assert photo.gps is not None and photo.place is not None
    assert photo.sidecars == (sidecar.id,)
    listed = _propfind(client, "/dav/Trip", dav.auth)
    assert "/dav/Trip/IMG_0001.xmp" in listed
    got = client.get("/dav/Trip/IMG_0001.xmp", headers=dav.auth)
    assert got.content == LIGHTROOM
    shown = client.get(f"/api/media/{photo.id}", headers={"Authorization": f"Bearer {token}"})
    shown = shown.json()
    assert shown["rating"] == 4 and shown["sidecars"] == [sidecar.id]
    assert photo.on_timeline and not sidecar.on_timeline


def test_a_takeout_json_before_its_photo(services, dav):
    sidecar = dav("PXL_0002.jpg.json", takeout(description="Lake day", favorited=True))
    photo = linked(services, dav("PXL_0002.jpg", NO_EXIF.read_bytes()))
    assert photo.taken_at == datetime(2019, 7, 5, 16, 14, 5, tzinfo=UTC)
    assert photo.description == "Lake day"
    assert photo.favorite
    assert photo.gps is not None and round(photo.gps.lat, 4) == 46.0037
    assert photo.sidecars == (sidecar.id,)


def test_the_photo_s_own_date_and_the_user_s_words_win(services, dav):
    photo = dav("Canon_40D.jpg", CANON.read_bytes())
    camera_date = photo.taken_at
    assert camera_date is not None
    services.items.describe(photo.id, "Our own caption")
    dav("Canon_40D.jpg.xmp", LIGHTROOM)  # darktable's name: the photo's whole name + .xmp
    photo = linked(services, photo)
    assert photo.taken_at == camera_date
    assert photo.description == "Our own caption"
    assert photo.rating == 4
    assert len(photo.sidecars) == 1


def test_sidecars_follow_a_move_the_trash_and_a_restore(client, services, dav):
    photo = dav("IMG_0003.jpg", NO_EXIF.read_bytes())
    xmp = dav("IMG_0003.xmp", LIGHTROOM)
    js = dav("IMG_0003.jpg.json", takeout())
    linked(services, photo, 2)
    services.folders.create_folder("/Kept")
    moved = client.request(
        "MOVE",
        "/dav/Trip/IMG_0003.jpg",
        headers={**dav.auth, "Destination": "/dav/Kept/Harbour.jpg"},
    )
    assert moved.status_code == 201, moved.text
    assert fresh(services, xmp).path == "/Kept/Harbour.xmp"
    assert fresh(services, js).path == "/Kept/Harbour.jpg.json"

    gone = client.request("DELETE", "/dav/Kept/Harbour.jpg", headers=dav.auth)
    assert gone.status_code == 204
    trashed = sorted(i.name for i in services.items.list_trash(limit=10).items)
    assert trashed == ["Harbour.jpg", "Harbour.jpg.json", "Harbour.xmp"]
    services.items.restore(photo.id)
    names = sorted(i.name for i in services.items.list_page("/Kept", limit=10).items)
    assert names == ["Harbour.jpg", "Harbour.jpg.json", "Harbour.xmp"]
    assert services.items.list_trash(limit=10).items == []


def test_a_new_version_keeps_the_sidecars(services, dav):
    first = dav("IMG_0004.jpg", NO_EXIF.read_bytes())
    xmp = dav("IMG_0004.xmp", LIGHTROOM)
    linked(services, first)
    second = dav("IMG_0004.jpg", CANON.read_bytes())
    assert second.id != first.id
    assert [i.name for i in services.items.list_trash(limit=10).items] == ["IMG_0004.jpg"]
    assert fresh(services, xmp).deleted_at is None
    assert linked(services, second).sidecars == (xmp.id,)


def test_a_sidecar_the_user_moved_away_stays(client, services, dav):
    photo = dav("IMG_0005.jpg", NO_EXIF.read_bytes())
    xmp = dav("IMG_0005.xmp", LIGHTROOM)
    linked(services, photo)
    services.folders.create_folder("/Elsewhere")
    services.items.rename_or_move(xmp.id, folder="/Elsewhere")
    client.request(
        "MOVE", "/dav/Trip/IMG_0005.jpg", headers={**dav.auth, "Destination": "/dav/Trip/B.jpg"}
    )
    assert fresh(services, xmp).path == "/Elsewhere/IMG_0005.xmp"
