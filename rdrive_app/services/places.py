"""Places: the library grouped by country and city (the Places page and ``GET /api/places``),
and the items whose position has not been named yet (fsck's backfill).

An item's place itself is set by processing, from its GPS position (media/places.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdrive_app.core.domain import MediaItem, Place, Status
from rdrive_app.core.listing import PlaceCount
from rdrive_app.media.places import place_of
from rdrive_app.storage.protocols import Catalog


@dataclass(frozen=True, slots=True)
class CountryPlaces:
    """A country, how many items were taken in it, and its cities (most items first)."""

    country: str
    country_code: str
    count: int
    cities: list[PlaceCount]


def group_by_country(counts: Iterable[PlaceCount]) -> list[CountryPlaces]:
    """Cities under their countries; countries and cities by count (most first), then name."""
    by_country: dict[str, list[PlaceCount]] = {}
    for city in counts:
        by_country.setdefault(city.country, []).append(city)
    countries = [
        CountryPlaces(
            country=country,
            country_code=cities[0].country_code,
            count=sum(c.count for c in cities),
            cities=sorted(cities, key=lambda c: (-c.count, c.city, c.region)),
        )
        for country, cities in by_country.items()
    ]
    return sorted(countries, key=lambda c: (-c.count, c.country))


def missing_places(items: Iterable[MediaItem]) -> dict[str, Place]:
    """``{id: place}`` of the items with a position but no place yet that the geocoder names
    (those processed before places existed); an item still uploading is left to processing."""
    found = {}
    for item in items:
        if item.gps is None or item.place is not None or item.status == Status.UPLOADING:
            continue
        place = place_of(item.gps)
        if place is not None:
            found[item.id] = place
    return found


class PlaceService:
    """The Places page's use-case."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def places(self) -> list[CountryPlaces]:
        """Every country the timeline's items were taken in, with its cities and counts."""
        return group_by_country(self._catalog.place_counts())
