"""The formats cameras write (AVCHD, MPEG-TS, AVI, 3GP/3G2) upload and process on both backends,
through the direct path (start → PUT → complete) and the API's own upload, with the type a
browser claims for them (often none, or a wrong one: '.mts' is 'model/vnd.mts' on Linux)."""

from __future__ import annotations

import pytest

from tests.api.test_media_api import wait_settled
from tests.media_factory import CAMERA_SHAPES, camera_clip

# name → (the type a browser sends, the type the bytes are)
CLAIMS = {
    "clip.ts": ("video/mp2t", "video/mp2t"),
    "00001.mts": ("model/vnd.mts", "video/mp2t"),
    "mjpeg.avi": ("video/x-msvideo", "video/x-msvideo"),
    "mpeg4.avi": ("", "video/x-msvideo"),
    "phone.3gp": ("video/3gpp", "video/3gpp"),
    "old.3gp": ("audio/3gpp", "video/3gpp"),
    "phone.3g2": ("", "video/3gpp2"),
}
assert set(CLAIMS) == set(CAMERA_SHAPES)


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.mark.parametrize("name", CLAIMS)
def test_a_camera_format_uploads_directly_and_is_processed(client, auth, name: str) -> None:
    claimed, real = CLAIMS[name]
    data = camera_clip(name)
    body = {"folder": "/", "name": name.upper(), "size": len(data), "content_type": claimed}
    started = client.post("/api/uploads", json=body, headers=auth)
    assert started.status_code == 201, started.text
    ticket = started.json()
    put = client.put(ticket["upload_url"], content=data, headers=ticket["headers"])
    assert put.status_code in (200, 201, 204), put.text
    done = client.post(f"/api/uploads/{ticket['item']['id']}/complete", headers=auth)
    assert done.status_code == 200, done.text
    assert (done.json()["kind"], done.json()["content_type"]) == ("video", real)
    item = wait_settled(client, auth, ticket["item"]["id"])
    assert item["status"] == "ready", item
    assert item["height"] == 144
    assert item["width"] == (192 if name == "old.3gp" else 176)  # H.263's 12:11 pixels


@pytest.mark.parametrize("name", ["00001.mts", "mjpeg.avi", "old.3gp"])
def test_a_camera_format_uploads_through_the_api(client, auth, name: str) -> None:
    files = {"files": (name, camera_clip(name), CLAIMS[name][0] or "application/octet-stream")}
    r = client.post("/api/media", params={"folder": "/"}, files=files, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["rejected"] == []
    (item,) = r.json()["items"]
    assert (item["kind"], item["content_type"]) == ("video", CLAIMS[name][1])
    assert wait_settled(client, auth, item["id"])["status"] == "ready"


def test_the_upload_picker_offers_every_file() -> None:
    # No filter: a picker filtering by type greys out '.mts' on Linux (its type is
    # 'model/vnd.mts'), and a folder's sidecars and PDFs are kept as plain files.
    from rdrive_app.ui.components.uploads import upload_button  # Reflex: only for this test

    rendered = str(upload_button())
    assert 'type:"file"' in rendered and "accept:" not in rendered
