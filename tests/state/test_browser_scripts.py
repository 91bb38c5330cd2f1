"""The browser scripts: one per job, all loaded by the app, none polling the page with timers."""

from __future__ import annotations

import re
from pathlib import Path

from tests.state.js_source import ASSETS, script

PACKAGE = Path(__file__).resolve().parents[2] / "rdrive_app"
APP_MODULE = PACKAGE / "rdrive_app.py"
PAGE_COMMANDS = PACKAGE / "ui" / "components" / "page_commands.py"
JOBS = {
    "rdrive_page.js": "the state's page commands",
    "rdrive_upload.js": "uploads",
    "rdrive_pick.js": "choosing files",
    "rdrive_scroll.js": "infinite scroll",
    "rdrive_keys.js": "viewer keys",
    "rdrive_gestures.js": "viewer zoom, pan and swipes",
    "rdrive_preload.js": "viewer neighbours decoded ahead",
    "rdrive_live.js": "Live Photo motion",
    "rdrive_passkeys.js": "passkey ceremonies",
    "rdrive_install.js": "registering the service worker",
    "rdrive_share.js": "the share page's shared files",
    "rdrive_awake.js": "the screen kept on while uploading",
}
# Not a page's script: the service worker, registered by rdrive_install.js (the app shell's
# cache and the share target's POST).
WORKER = "rdrive_sw.js"


def test_every_script_is_loaded_by_the_app_head_or_the_bundle():
    """The page commands' script is imported by the bundle, so that it runs before the app's
    socket connects (its beforeunload listener must come first); the others are in the head."""
    head = re.findall(r'"/(rdrive_\w+\.js)"', APP_MODULE.read_text(encoding="utf-8"))
    bundled = re.findall(r'"\$/public/(rdrive_\w+\.js)"', PAGE_COMMANDS.read_text(encoding="utf-8"))
    assert bundled == ["rdrive_page.js"] and not set(head) & set(bundled)
    loaded = head + bundled
    on_disk = sorted(p.name for p in ASSETS.glob("*.js") if p.name != WORKER)
    assert sorted(loaded) == on_disk == sorted(JOBS)
    assert f'"/{WORKER}"' in script("rdrive_install.js")


def test_no_script_polls_with_an_interval():
    for name in (*JOBS, WORKER):
        assert "setInterval" not in script(name), name


def test_each_job_lives_in_its_own_script():
    upload, pick = script("rdrive_upload.js"), script("rdrive_pick.js")
    scroll, keys = script("rdrive_scroll.js"), script("rdrive_keys.js")
    assert "XMLHttpRequest" in upload and "XMLHttpRequest" not in pick + scroll + keys
    assert '"drop"' in pick and '"drop"' not in upload + scroll + keys
    assert "IntersectionObserver" in scroll and "MutationObserver" in scroll
    assert "IntersectionObserver" not in upload + pick + keys
    assert '"keydown"' in keys and '"keydown"' not in upload + pick + scroll
    passkeys = script("rdrive_passkeys.js")
    assert "navigator.credentials" in passkeys
    assert "navigator.credentials" not in upload + pick + scroll + keys
    page = script("rdrive_page.js")
    assert "replaceState" in page and "replaceState" not in upload + pick + scroll + keys
    assert "XMLHttpRequest" not in page and '"drop"' not in page
    gestures, preload = script("rdrive_gestures.js"), script("rdrive_preload.js")
    assert '"pointerdown"' in gestures and '"wheel"' in gestures
    assert '"pointerdown"' not in preload + keys and '"wheel"' not in preload + keys + page
    assert ".decode()" in preload and ".decode()" not in gestures + keys
    assert '"keydown"' not in gestures + preload
    live = script("rdrive_live.js")
    assert "pointerover" in live and "pointerover" not in upload + pick + scroll + keys + page
    install, share, worker = script("rdrive_install.js"), script("rdrive_share.js"), script(WORKER)
    others = upload + pick + scroll + keys + page + live + passkeys
    assert "serviceWorker.register" in install and "serviceWorker.register" not in others + share
    assert "caches.open" in share and "caches.open" not in others + install
    assert "formData()" in worker and "rdriveUpload.choose" in share
    assert "rdriveUpload.choose" not in worker + install
