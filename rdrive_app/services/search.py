"""Search: one box over names, descriptions, tags, places and cameras, with filters; and the
Tags list.

What a query means is core.search's (words, dates, the match rule); this service turns what a
page or a route was given (a kind's name, a folder path, a tag as typed, days) into one
``SearchQuery`` and asks the catalog, whose index answers it on either backend. Filters that
can hold nothing (a reversed date range, an album that does not exist) give an empty page, as
a search box should; filters that are not values at all (a bad folder path or day) are 400.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

from rdrive_app.core.domain import normalize_folder
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.listing import Page, TagCount
from rdrive_app.core.search import SearchQuery, parse_query
from rdrive_app.core.tags import normalize_tag
from rdrive_app.services.items import parse_kind
from rdrive_app.storage.protocols import Catalog

MAX_PAGE = 500  # as the timeline's: the same grid pages both
MAX_PLACE_CHARS = 200
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: object, name: str) -> date | None:
    """A day as a route gets it (``YYYY-MM-DD``); '' or None = no bound."""
    if text in (None, ""):
        return None
    if isinstance(text, str) and _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidInput(f"{name} must be a day such as 2024-06-15")


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _end_of(day: date) -> datetime | None:
    """The first instant after ``day`` (the exclusive bound of an inclusive last day); None
    after the last day there is."""
    return _start_of(day + timedelta(days=1)) if day < date.max else None


def _place(value: object, what: str) -> str | None:
    """A country or city as the Places page links it: matched exactly, so only checked."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > MAX_PLACE_CHARS:
        raise InvalidInput(f"{what} must be text of at most {MAX_PLACE_CHARS} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise InvalidInput(f"{what} cannot contain control characters")
    return unicodedata.normalize("NFC", value)


def _album(value: object) -> str | None:
    """An album id to filter by; one that cannot be an id names no album (an empty page)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidInput("album must be an album id")
    return value


class SearchService:
    """The search box and the Tags list."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def search(
        self,
        text: str | None,
        *,
        kind: str | None = None,
        favorite: bool = False,
        album: str | None = None,
        folder: str | None = None,
        tag: str | None = None,
        country: str | None = None,
        city: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        """A page of results, newest first; ``date_to`` is inclusive (its whole day). Nothing
        asked at all, or filters that cannot hold together, give an empty page."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
        if not isinstance(favorite, bool):
            raise InvalidInput("favorite must be true or false")
        base = SearchQuery(
            kind=parse_kind(kind),
            favorite=favorite,
            album=_album(album),
            folder=normalize_folder(folder) if folder not in (None, "") else None,
            tag=normalize_tag(tag) if tag not in (None, "") else None,
            country=_place(country, "country"),
            city=_place(city, "city"),
            date_from=_start_of(date_from) if date_from is not None else None,
            date_to=_end_of(date_to) if date_to is not None else None,
        )
        query = parse_query(text, base=base)
        return self._catalog.search(query, limit=limit, cursor=cursor or None)

    def tags(self) -> list[TagCount]:
        """Every tag in use on the timeline's items, most used first (then A → Z)."""
        return self._catalog.tag_counts()
