"""Every video plays in Chromium, and a Live Photo is one item whose motion plays.

Chromium here plays H.264, VP9 and AV1 but not HEVC: an iPhone's HEVC MOV, a camcorder's MTS,
an old camera's AVI and a phone's 3GP must each play from the API's ``playback_url``, at the
size the person saw when filming, seekable. The files are made with PyAV (tests/media_factory.py)
and uploaded through the page as a person would.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page, expect

from tests import media_factory as mf
from tests.e2e.conftest import shot
from tests.e2e.test_library import new_folder, open_folder, sign_in

SECONDS = 2.5
LIVE_ID = "7D3E1C0B-2A4F-4B6E-9C8D-1E2F3A4B5C6D"
OTHER_LIVE_ID = "0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9"

PLAY = """async ([src, type]) => {
    const v = document.createElement('video');
    v.muted = true;
    v.preload = 'auto';
    const loaded = new Promise((resolve, reject) => {
        v.addEventListener('loadeddata', resolve, {once: true});
        v.addEventListener('error', () => reject(new Error('media error ' + v.error.code)));
    });
    v.src = src;
    document.body.appendChild(v);
    await loaded;
    const seeked = new Promise((resolve) => v.addEventListener('seeked', resolve, {once: true}));
    v.currentTime = 1;
    await seeked;
    const found = {width: v.videoWidth, height: v.videoHeight, at: v.currentTime,
                   canPlay: v.canPlayType(type)};
    v.remove();
    return found;
}"""


def clips(folder: Path) -> list[Path]:
    """The formats phones and cameras write, each a few seconds long."""
    kw: dict[str, Any] = {"seconds": SECONDS}
    return [
        mf.hevc_mov(folder / "IMG_0001.MOV", ten_bit=True, **kw),  # iPhone, portrait
        mf.hevc_hdr(folder / "IMG_0002.MOV", hdr=mf.HLG, **kw),  # iPhone HDR
        mf.hevc_hdr(folder / "pq.mov", hdr=mf.PQ, **kw),
        mf.vp9_webm(folder / "screen.webm", **kw),
        mf.h264_mkv(folder / "export.mkv", **kw),
        mf.h264_mts(folder / "00001.MTS", **kw),
        mf.h264_avi(folder / "h264.avi", **kw),
        mf.mjpeg_avi(folder / "DSCF0001.AVI", **kw),
        mf.mpeg4_3gp(folder / "VID_0001.3gp", **kw),
    ]


def api_client(app) -> httpx.Client:
    client = httpx.Client(base_url=app.api, timeout=30)
    token = client.post(
        "/api/auth/login", json={"username": app.username, "password": app.password}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def settled(client: httpx.Client, folder: str, count: int, timeout: float = 240) -> list[dict]:
    """The folder's items once ``count`` of them are ready with their playback settled."""
    deadline = time.time() + timeout
    items: list[dict] = []
    while time.time() < deadline:
        items = client.get("/api/media", params={"folder": folder, "limit": 100}).json()["items"]
        done = [i for i in items if i["status"] in ("ready", "failed")]
        if len(done) == count == len(items):
            return items
        time.sleep(0.5)
    raise AssertionError(f"not settled: {[(i['name'], i['status']) for i in items]}")


def upload(page: Page, files: list[Path], total: int) -> None:
    page.get_by_label("Upload").set_input_files([str(p) for p in files])
    expect(page.get_by_text(f"{total} of {total} uploaded")).to_be_visible(timeout=120_000)


def test_every_camera_format_plays_rotated_and_seekable(page: Page, app_server, tmp_path):
    files = clips(tmp_path)
    sign_in(page, app_server)
    new_folder(page, "Clips")
    open_folder(page, "Clips")
    upload(page, files, len(files))
    client = api_client(app_server)
    items = {i["name"]: i for i in settled(client, "/Clips", len(files))}
    assert set(items) == {p.name for p in files}

    for name, item in items.items():
        assert item["status"] == "ready", item
        assert item["playback"]["state"] in ("original", "ready"), item
        found = page.evaluate(PLAY, [item["playback_url"], item["playback_type"]])
        assert found["canPlay"] in ("probably", "maybe"), (name, item["playback_type"])
        assert abs(found["width"] - item["width"]) <= 2, (name, found, item)
        assert abs(found["height"] - item["height"]) <= 2, (name, found, item)
        assert abs(found["at"] - 1) <= 0.5, (name, found)

    iphone = items["IMG_0001.MOV"]
    assert (iphone["width"], iphone["height"]) == (240, 320)  # portrait, as it was held
    assert iphone["url_type"].startswith('video/quicktime; codecs="hvc1.')
    assert (
        page.evaluate("(t) => document.createElement('video').canPlayType(t)", iphone["url_type"])
        == ""
    )
    assert items["screen.webm"]["playback"]["state"] == "original"  # VP9 plays as it is

    # The viewer plays the rendition (the original first in its sources: Chromium skips it).
    page.get_by_role("button", name="IMG_0001.MOV", exact=True).click()
    page.wait_for_function(
        "document.querySelector('#rdrive-video') && "
        "document.querySelector('#rdrive-video').readyState >= 2",
        timeout=30_000,
    )
    current = page.evaluate("document.querySelector('#rdrive-video').currentSrc")
    assert urlsplit(current).path == urlsplit(iphone["playback_url"]).path
    width, height = page.evaluate(
        "[document.querySelector('#rdrive-video').videoWidth,"
        " document.querySelector('#rdrive-video').videoHeight]"
    )
    assert height > width
    shot(page, "20-hevc-rendition-playing")
    page.keyboard.press("Escape")

    # Download still gives the original, untouched.
    page.get_by_role("button", name="IMG_0001.MOV", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("dialog").get_by_role("button", name="Download").click()
    assert Path(info.value.path()).read_bytes() == files[0].read_bytes()


def live_pair(folder: Path, stem: str, content_id: str) -> tuple[Path, Path]:
    """An iPhone Live Photo's two files: a JPEG and an HEVC MOV sharing Apple's identifier."""
    still = mf.live_photo_jpeg(folder / f"{stem}.JPG", content_id)
    video = mf.hevc_mov(
        folder / f"{stem}.MOV",
        rotate=0,
        seconds=2.0,
        metadata={"com.apple.quicktime.content.identifier": content_id},
        container_options={"movflags": "use_metadata_tags"},
    )
    return still, video


def test_a_live_photo_in_either_order_is_one_item_whose_motion_plays(
    page: Page, app_server, tmp_path
):
    first = live_pair(tmp_path, "IMG_0100", LIVE_ID)
    second = live_pair(tmp_path, "IMG_0200", OTHER_LIVE_ID)
    sign_in(page, app_server)
    new_folder(page, "Live")
    open_folder(page, "Live")
    client = api_client(app_server)
    upload(page, [first[1]], 1)  # the video half first…
    settled(client, "/Live", 1)
    upload(page, [first[0]], 2)  # …then its still
    upload(page, [second[0]], 3)  # the other pair still first
    settled(client, "/Live", 2)
    upload(page, [second[1]], 4)
    deadline = time.time() + 120
    while time.time() < deadline:
        items = client.get("/api/media", params={"folder": "/Live"}).json()["items"]
        if sorted(i["name"] for i in items) == ["IMG_0100.JPG", "IMG_0200.JPG"]:
            break
        time.sleep(0.5)
    assert all(i["live"] and i["motion_url"] for i in items), items

    for stem in ("IMG_0100", "IMG_0200"):
        expect(page.get_by_role("button", name=f"{stem}.JPG", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name=f"{stem}.JPG", exact=True)).to_contain_text(
            "Live", timeout=30_000
        )
        expect(page.get_by_role("button", name=f"{stem}.MOV", exact=True)).to_have_count(0)
    shot(page, "21-live-photos-in-grid")

    page.get_by_role("button", name="IMG_0100.JPG", exact=True).click()
    dialog = page.get_by_role("dialog")
    still = dialog.get_by_role("img", name="IMG_0100.JPG")
    expect(still).to_be_visible()
    toggle = dialog.get_by_role("button", name="Live")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    motion = "document.querySelector('video[data-rdrive-motion]')"
    page.wait_for_function(f"{motion} && {motion}.readyState >= 2", timeout=30_000)
    still.hover()
    page.wait_for_function(f"!{motion}.paused && {motion}.currentTime > 0.2", timeout=10_000)
    shot(page, "22-live-photo-moving")
    page.mouse.move(5, 5)
    page.wait_for_function(f"{motion}.paused", timeout=5_000)

    toggle.click()  # Live off: hovering keeps the still
    expect(toggle).to_have_attribute("aria-pressed", "false")
    still.hover()
    page.wait_for_timeout(800)
    assert page.evaluate(f"{motion}.paused")
