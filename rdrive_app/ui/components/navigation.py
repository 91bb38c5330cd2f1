"""Where a signed-in user can go: a rail down the left on a wide screen, a bar along the bottom
on a phone (assets/rdrive_nav.css shows one of them), the same links in both, each named by
its label and the current page's marked ``aria-current="page"``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from rdrive_app.ui.routes import (
    ALBUMS_ROUTE,
    FAVORITES_ROUTE,
    FOLDER_ROUTE_PREFIX,
    PHOTOS_ROUTE,
    PLACES_ROUTE,
    SETTINGS_ROUTE,
    TAGS_ROUTE,
    TRASH_ROUTE,
)


@dataclass(frozen=True)
class Destination:
    """A page the navigation leads to."""

    label: str
    href: str
    icon: str
    on_phone: bool = True  # the bottom bar has room for seven


DESTINATIONS: tuple[Destination, ...] = (
    Destination("Photos", PHOTOS_ROUTE, "images"),
    Destination("Folders", FOLDER_ROUTE_PREFIX, "folder"),
    Destination("Albums", ALBUMS_ROUTE, "book-image"),
    Destination("Favourites", FAVORITES_ROUTE, "heart"),
    Destination("Places", PLACES_ROUTE, "map-pin"),
    Destination("Tags", TAGS_ROUTE, "tags", on_phone=False),  # a phone finds it on Places
    Destination("Trash", TRASH_ROUTE, "trash-2"),
    Destination("Settings", SETTINGS_ROUTE, "settings"),
)
LABELS = tuple(d.label for d in DESTINATIONS)


def _link(place: Destination, current: Any) -> rx.Component:
    here = rx.Var.create(current) == place.label
    return rx.el.a(
        rx.icon(place.icon, size=22),
        rx.el.span(place.label),
        href=place.href,
        class_name="rdrive-nav-link",
        custom_attrs={"aria-current": rx.cond(here, "page", "false")},
    )


def rail(current: Any) -> rx.Component:
    """The wide screen's column of destinations."""
    return rx.el.nav(
        *(_link(place, current) for place in DESTINATIONS),
        class_name="rdrive-rail",
        aria_label="Main",
    )


def bottom_bar(current: Any) -> rx.Component:
    """The phone's row of destinations, in reach of a thumb."""
    return rx.el.nav(
        *(_link(place, current) for place in DESTINATIONS if place.on_phone),
        class_name="rdrive-bottom-bar",
        aria_label="Main",
    )
