"""The web manifest, its icons and the head tags agree with each other and with the app: what
Chrome's install check and share sheet read (the browser test asks Chrome itself)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PIL import Image

from rdrive_app.ui.components import install
from rdrive_app.ui.routes import SHARE_ROUTE

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
MANIFEST = json.loads((ASSETS / install.MANIFEST_HREF.lstrip("/")).read_text(encoding="utf-8"))
WORKER = (ASSETS / "rdrive_sw.js").read_text(encoding="utf-8")


def _worker_const(name: str) -> str:
    match = re.search(rf'^const {name} = "([^"]*)";', WORKER, re.M)
    assert match, name
    return match.group(1)


def test_the_manifest_makes_a_standalone_app_of_the_whole_site():
    assert MANIFEST["name"] == MANIFEST["short_name"] == install.APP_NAME
    assert (MANIFEST["start_url"], MANIFEST["scope"], MANIFEST["id"]) == ("/", "/", "/")
    assert MANIFEST["display"] == "standalone"
    assert MANIFEST["theme_color"] == MANIFEST["background_color"] == install.THEME_COLORS["light"]


def test_the_icons_are_real_pngs_of_their_sizes_with_a_maskable_one():
    purposes = set()
    for icon in MANIFEST["icons"]:
        with Image.open(ASSETS / icon["src"].lstrip("/")) as image:
            assert image.format == "PNG" and icon["type"] == "image/png"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            if icon["purpose"] == "maskable":  # a launcher cuts its shape: no transparent edge
                assert image.mode == "RGB"
        purposes.add(icon["purpose"])
    assert {i["sizes"] for i in MANIFEST["icons"] if i["purpose"] == "any"} >= {
        "192x192",
        "512x512",
    }
    assert "maskable" in purposes
    with Image.open(ASSETS / install.APPLE_TOUCH_ICON.lstrip("/")) as touch:
        assert touch.format == "PNG" and touch.size == (180, 180) and touch.mode == "RGB"


def test_the_share_target_posts_photos_and_videos_to_the_worker_and_the_share_page():
    target = MANIFEST["share_target"]
    assert target["action"] == SHARE_ROUTE == _worker_const("SHARE_ACTION")
    assert (target["method"], target["enctype"]) == ("POST", "multipart/form-data")
    (files,) = target["params"]["files"]
    assert files["accept"] == ["image/*", "video/*"]
    assert files["name"] == _worker_const("SHARE_FIELD")


def test_every_page_links_the_manifest_theme_colours_and_touch_icon():
    head = [str(component) for component in install.install_head()]
    assert f'href:"{install.MANIFEST_HREF}",rel:"manifest"' in head[0]
    themes = [h for h in head if '"theme-color"' in h]
    assert len(themes) == 2
    for scheme, colour in install.THEME_COLORS.items():
        assert any(colour in h and f"(prefers-color-scheme: {scheme})" in h for h in themes)
    assert any(install.APPLE_TOUCH_ICON in h and "apple-touch-icon" in h for h in head)


def test_the_worker_precaches_files_that_exist():
    listed = re.search(r"const PRECACHE = \[(.*?)\];", WORKER, re.S)
    assert listed
    for path in re.findall(r'"([^"]+)"', listed.group(1)):
        assert path == "/" or (ASSETS / path.lstrip("/")).is_file(), path
