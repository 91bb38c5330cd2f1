"""Reflex configuration: telemetry off, URLs from the environment (see README)."""

import os
from pathlib import Path

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

# Hot reload watches the app package only: the data directory (./data by default) changes on
# every write, and watching it would restart the backend in a loop.
os.environ.setdefault(
    "REFLEX_HOT_RELOAD_OVERRIDE_PATHS", str(Path(__file__).resolve().parent / "rdrive_app")
)

_site_url = os.environ.get("RDRIVE_SITE_URL", "http://localhost:3000").rstrip("/")

config = rx.Config(
    app_name="rdrive_app",
    telemetry_enabled=False,
    api_url=os.environ.get(
        "REFLEX_API_URL", os.environ.get("RDRIVE_API_URL", "http://localhost:8000")
    ),
    deploy_url=_site_url,
    cors_allowed_origins=[_site_url],
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[SitemapPlugin],
)
