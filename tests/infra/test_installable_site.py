"""The installable app on the deployed site: its manifest and service worker pass the stack's
CSP (from the site's own origin only), and they are published to be revalidated on every load,
never with the year-long cache of the hashed bundles (a new worker must reach phones at once)."""

from __future__ import annotations

from pathlib import Path

from infra.components.site import content_security_policy
from infra.config import DeployConfig
from infra.deploy import ASSET_CACHE, PAGE_CACHE, Deployment, sync_site
from tests.infra.csp import allows

SITE = "https://rdrive.example"
MEDIA = "https://rdrive-media-1-us-east-1.s3.us-east-1.amazonaws.com"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
INSTALL_FILES = ("rdrive_sw.js", "manifest.webmanifest", "icons/icon-512.png")


def test_the_policy_lets_the_site_own_manifest_and_worker_and_no_other() -> None:
    policy = content_security_policy([MEDIA])
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy
    assert allows(policy, "worker-src", f"{SITE}/rdrive_sw.js", SITE)
    assert allows(policy, "manifest-src", f"{SITE}/manifest.webmanifest", SITE)
    for elsewhere in (f"{MEDIA}/rdrive_sw.js", "https://evil.example/sw.js", "blob:x"):
        assert not allows(policy, "worker-src", elsewhere, SITE), elsewhere
    assert not allows(policy, "manifest-src", f"{MEDIA}/manifest.webmanifest", SITE)


def test_worker_manifest_and_icons_are_revalidated_not_cached_for_a_year() -> None:
    for name in INSTALL_FILES:
        assert (ASSETS / name).is_file(), name  # Reflex serves assets/ at the site's root
    deployment = Deployment(
        config=DeployConfig(), api_url=SITE, image_tag="t", outputs={"SiteBucket": "site"}
    )
    year, pages = sync_site(deployment)
    assert year.argv[year.argv.index("--cache-control") + 1] == ASSET_CACHE
    assert year.argv[3].endswith("/assets")  # only the export's hashed bundles
    assert pages.argv[pages.argv.index("--cache-control") + 1] == PAGE_CACHE == "no-cache"
    excluded = [pages.argv[i + 1] for i, a in enumerate(pages.argv) if a == "--exclude"]
    for name in INSTALL_FILES:  # at the root (or icons/), so in the revalidated sync
        assert not any(Path(name).match(pattern) for pattern in excluded if pattern != "*.gz")
        assert not name.startswith("assets/")
