"""The Places page: the library by country and city, with counts (``ui/pages/places.py``).

Each city links to the search page filtered to it (``/search?country=<c>&city=<city>``), which
shows its photos as a grid.
"""

from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import urlencode

import reflex as rx

from rdrive_app.core.errors import RDriveError
from rdrive_app.services.places import CountryPlaces
from rdrive_app.ui.routes import SEARCH_ROUTE
from rdrive_app.ui.state.albums import count_label
from rdrive_app.ui.state.session import SessionState, protected, services


def city_href(country: str, city: str) -> str:
    """The search page showing the photos taken in ``city`` (of ``country``)."""
    return f"{SEARCH_ROUTE}?{urlencode({'country': country, 'city': city})}"


@dataclasses.dataclass(frozen=True)
class CityRow:
    """One city under its country: its name, its region, its count and its search."""

    city: str = ""
    region: str = ""
    count: str = ""
    href: str = ""


@dataclasses.dataclass(frozen=True)
class CountryRow:
    """One country: its name, its count, and its cities (most items first)."""

    country: str = ""
    count: str = ""
    cities: list[CityRow] = dataclasses.field(default_factory=list)


def country_row(place: CountryPlaces) -> CountryRow:
    return CountryRow(
        country=place.country or "Unknown country",
        count=count_label(place.count),
        cities=[
            CityRow(c.city or "Unknown place", c.region, count_label(c.count),
                    city_href(place.country, c.city))
            for c in place.cities
        ],
    )  # fmt: skip


class PlacesState(SessionState):
    """The countries shown on the Places page."""

    countries: rx.Field[list[CountryRow]] = rx.field(default_factory=list)
    loaded: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")

    @protected
    async def load_places(self) -> None:
        """on_load of /places: every country and city the timeline's items were taken in."""
        try:
            found = await asyncio.to_thread(services().places.places)
        except RDriveError as exc:
            self.error = exc.detail
            return
        self.error = ""
        self.countries = [country_row(c) for c in found]
        self.loaded = True
