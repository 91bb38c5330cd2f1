"""`make export`'s code path: the static site, exported from a copy of the app, in CI's time."""

from __future__ import annotations

import os
import time
from pathlib import Path

from infra.export import export_site
from tests.infra.conftest import REPO_ROOT

SITE = "https://d1example.cloudfront.net"


def test_export_produces_the_static_site_with_the_api_url(app_copy: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{REPO_ROOT / '.tools/node_modules/.bin'}:{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_API_URL": SITE,
        "RDRIVE_DATA_DIR": str(tmp_path / "data"),
    }
    started = time.monotonic()
    site = export_site(app_copy, env)
    elapsed = time.monotonic() - started
    assert elapsed < 240, f"export took {elapsed:.0f} s"
    assert (site / "index.html").is_file()
    assert (site / "404.html").is_file()  # CloudFront's error page for unknown paths
    assert (site / "signin.html").is_file()  # what the URI rewrite maps /signin to
    baked = [p for p in (site / "assets").glob("*.js") if f"{SITE[8:]}/_event" in p.read_text()]
    assert baked, "REFLEX_API_URL is not in the exported bundle"
