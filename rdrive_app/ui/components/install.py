"""rDrive as an installable app: the tags every page's ``<head>`` carries for it.

The manifest (``assets/manifest.webmanifest``: name, standalone display, icons, the share
target) and the icons (``assets/icons/``, drawn by ``tools/make_icons.py``) are static files; the
service worker that makes the app start offline and receives shares is ``assets/rdrive_sw.js``,
registered by ``assets/rdrive_install.js``. The theme colour follows the system's light or dark
setting, as the page's own background does.
"""

from __future__ import annotations

import reflex as rx

MANIFEST_HREF = "/manifest.webmanifest"
APPLE_TOUCH_ICON = "/icons/apple-touch-icon.png"  # iOS ignores the manifest's icons
THEME_COLORS = {"light": "#ffffff", "dark": "#111113"}  # Radix's page backgrounds
APP_NAME = "rDrive"


def install_head() -> list[rx.Component]:
    """The manifest link, the theme colours, and what iOS reads instead of the manifest."""
    return [
        rx.el.link(rel="manifest", href=MANIFEST_HREF),
        *(
            rx.el.meta(
                name="theme-color",
                content=color,
                custom_attrs={"media": f"(prefers-color-scheme: {scheme})"},
            )
            for scheme, color in THEME_COLORS.items()
        ),
        rx.el.link(rel="apple-touch-icon", href=APPLE_TOUCH_ICON),
        rx.el.meta(name="apple-mobile-web-app-title", content=APP_NAME),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),
    ]
