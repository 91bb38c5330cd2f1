"""A 300 MB video over a connection that drops half-way: the upload resumes and arrives whole."""

from __future__ import annotations

import hashlib
import os
import re

from playwright.sync_api import Page, expect

from rdrive_app.core.settings import Settings
from rdrive_app.storage import build_storage
from tests.e2e.conftest import shot
from tests.e2e.test_library import new_folder, open_folder, sign_in

SIZE = 300 * 1024 * 1024


def fake_video(path, size: int = SIZE) -> str:
    """A well-formed MP4 shell (ftyp, then one mdat box of random bytes): accepted as a video,
    never playable, so the test is about bytes arriving, not about decoding."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
        header = ftyp + (size - len(ftyp)).to_bytes(4, "big") + b"mdat"
        out.write(header)
        digest.update(header)
        left = size - len(header)
        while left:
            block = os.urandom(min(left, 8 * 1024 * 1024))
            out.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def throttle_uploads(page: Page, bytes_per_s: int) -> object:
    """Slow the browser's uploads down (-1: no limit), so that "half-way" lasts long enough."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_s},
    )
    return cdp


def _percent(page: Page) -> int:
    text = page.get_by_text(re.compile(r"^\d+ %")).first.inner_text()
    return int(text.split()[0])


def test_300_mb_upload_resumes_after_the_network_drops(page: Page, app_server, tmp_path):
    video = tmp_path / "holiday.mp4"
    expected = fake_video(video)
    sign_in(page, app_server)
    new_folder(page, "Big")
    open_folder(page, "Big")

    # Slow the browser's uploads down so that "half-way" lasts long enough to cut it there.
    throttle_uploads(page, 12 * 1024 * 1024)
    page.get_by_label("Upload").set_input_files(str(video))
    expect(page.get_by_text(re.compile(r"^\d+ %")).first).to_be_visible(timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('p,span')].some(e => /^(3\\d|4\\d|5\\d) %/.test("
        "e.textContent || ''))",
        timeout=120_000,
    )
    shot(page, "20-big-upload-half-way")
    page.context.set_offline(True)
    page.wait_for_timeout(3000)
    page.context.set_offline(False)
    throttle_uploads(page, -1)
    expect(page.get_by_text("1 of 1 uploaded")).to_be_visible(timeout=240_000)
    shot(page, "21-big-upload-done")

    storage = build_storage(Settings(data_dir=app_server.data_dir))
    (item,) = storage.catalog.list_items("/Big").items
    assert item.size == SIZE
    digest = hashlib.sha256()
    for chunk in storage.blobs.iter_chunks(item.original_key):
        digest.update(chunk)
    assert digest.hexdigest() == expected


def test_reload_and_re_add_continues_with_the_missing_parts(page: Page, app_server, tmp_path):
    video = tmp_path / "again.mp4"
    expected = fake_video(video, 120 * 1024 * 1024)
    sign_in(page, app_server)
    new_folder(page, "Resume")
    open_folder(page, "Resume")
    throttle_uploads(page, 12 * 1024 * 1024)
    page.get_by_label("Upload").set_input_files(str(video))
    page.wait_for_function(
        "() => [...document.querySelectorAll('p,span')].some(e => /^(4\\d|5\\d|6\\d) %/.test("
        "e.textContent || ''))",
        timeout=120_000,
    )
    page.reload()  # the page forgets the upload; the server keeps its parts
    expect(page.get_by_text("interrupted by a page reload")).to_be_visible()
    shot(page, "22-interrupted-by-reload")
    throttle_uploads(page, 12 * 1024 * 1024)
    page.get_by_label("Upload").set_input_files(str(video))
    expect(page.get_by_text(re.compile(r"^\d+ %")).first).to_be_visible()
    assert _percent(page) >= 25, "the re-added file started from zero"
    shot(page, "23-resumed-after-reload")
    expect(page.get_by_text("1 of 1 uploaded")).to_be_visible(timeout=240_000)
    storage = build_storage(Settings(data_dir=app_server.data_dir))
    (item,) = storage.catalog.list_items("/Resume").items
    assert item.name == "again.mp4"
    digest = hashlib.sha256()
    for chunk in storage.blobs.iter_chunks(item.original_key):
        digest.update(chunk)
    assert digest.hexdigest() == expected
