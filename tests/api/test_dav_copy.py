"""WebDAV COPY on both backends is the store's copy: the new item is ready at once, with its
own original and thumbnails (copied in storage, not read through the backend), and keeps them
when the item it was copied from is purged."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.api.test_dav import CANON, _app_password, _basic, library  # noqa: F401 (a fixture)


@pytest.fixture
def services(services_on_both):
    return services_on_both


def test_copy_is_made_in_storage_and_stands_alone(client, services, library):  # noqa: F811
    auth = _basic("alice", _app_password(services, "write"))
    base = "/dav/" + quote("Crémieux")
    source = services.storage.catalog.item_named("/Crémieux", "Canon_40D.jpg")
    copied = client.request(
        "COPY",
        f"{base}/Canon_40D.jpg",
        headers={**auth, "Destination": f"{base}/empty/Canon copy.jpg"},
    )
    assert copied.status_code == 201, copied.text
    copy = services.storage.catalog.item_named("/Crémieux/empty", "Canon copy.jpg")
    assert copy is not None and copy.id != source.id
    assert copy.status.value == "ready" and copy.sha256 == source.sha256
    assert set(copy.thumbnails) == set(source.thumbnails)
    assert all(copy.id in key for key in copy.thumbnails.values())

    services.items.trash(source.id)
    services.items.purge(source.id)
    blobs = services.storage.blobs
    assert all(blobs.size(key) for key in copy.thumbnails.values())
    got = client.get(f"{base}/empty/" + quote("Canon copy.jpg"), headers=auth)
    assert got.status_code == 200 and got.content == CANON.read_bytes()

    # Without Overwrite, a COPY onto a taken name changes nothing.
    again = client.request(
        "COPY",
        f"{base}/Nikon_D70.jpg",
        headers={**auth, "Destination": f"{base}/empty/Canon copy.jpg", "Overwrite": "F"},
    )
    assert again.status_code == 412, again.text
    assert client.get(f"{base}/empty/" + quote("Canon copy.jpg"), headers=auth).content == (
        CANON.read_bytes()
    )
