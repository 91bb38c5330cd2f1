"""What a search means, written once: the words an item is found by, how a query is read, and
whether an item matches it.

Both catalogs index the same ``search_terms`` (records.py stores ``item_terms`` joined by spaces)
and both answer exactly ``matches``: every word of the query is the start of one of the item's
terms, after folding case and accents ("cremieux" finds "Crémieux11.tiff"), and every filter
holds. Dates in the query are filters, not words: "2023", "june 2024", "jun 2024", "2024-06",
"2024-06-15" each narrow the dates taken (several narrow together). Nothing in a query is syntax:
quotes, '*', 'OR' and 'NEAR' are words or nothing, so no query can reach FTS5 or DynamoDB as
anything but terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rdrive_app.core.domain import Kind, MediaItem, is_same_or_inside
from rdrive_app.core.errors import InvalidInput

MAX_QUERY_CHARS = 500
MAX_WORDS = 16
_RUN = re.compile(r"[^\W_]+")  # letters and digits of any script
_PIECES = re.compile(r"\d+|[^\W\d_]+")  # a run's letter and digit parts: 'cremieux11'
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        ("january jan", "february feb", "march mar", "april apr", "may", "june jun",
         "july jul", "august aug", "september sep sept", "october oct", "november nov",
         "december dec")
    )
    for name in names.split()
}  # fmt: skip
_DAY = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_MONTH_NUMERIC = re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])")
_MONTH_NAMED = re.compile(r"\b([a-z]+)\s+(\d{4})\b")
_YEAR = re.compile(r"(?<![\w-])(1[89]\d\d|2[01]\d\d)(?![\w-])")


def fold(text: str) -> str:
    """Case and accents folded away: 'Crémieux' → 'cremieux', 'Straße' → 'strasse'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.casefold())


def words(text: str) -> list[str]:
    """The folded words of ``text``: runs of letters and digits."""
    return _RUN.findall(fold(text))


def _terms_of(text: str) -> set[str]:
    found: set[str] = set()
    for run in words(text):
        found.add(run)
        found.update(_PIECES.findall(run))  # 'IMG_1234' and 'cremieux11' found by their parts
    return found


def item_terms(item: MediaItem) -> tuple[str, ...]:
    """Every term ``item`` is found by, sorted: its name, description, tags, place and camera."""
    texts = [item.name, item.description, *item.tags, item.camera or ""]
    if item.place is not None:
        texts += [item.place.city, item.place.region, item.place.country]
    found: set[str] = set()
    for text in texts:
        found |= _terms_of(text)
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search: words that must all be found, and filters that must all hold.

    ``date_from`` is inclusive and ``date_to`` exclusive, on the date a photo app sorts by
    (``MediaItem.sort_date``); ``folder`` includes its subfolders; ``tag`` is one tag exactly;
    ``country``/``city`` a place exactly (the Places page's links).
    """

    words: tuple[str, ...] = ()
    kind: Kind | None = None
    favorite: bool = False
    album: str | None = None
    folder: str | None = None
    tag: str | None = None
    country: str | None = None
    city: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None

    @property
    def empty_range(self) -> bool:
        """The dates asked for cannot hold anything ('2023 2024', a reversed range)."""
        return (
            self.date_from is not None and self.date_to is not None
            and self.date_from >= self.date_to
        )  # fmt: skip

    @property
    def is_blank(self) -> bool:
        """Nothing asked at all: the search page shows no results rather than everything."""
        return self == SearchQuery()


def _narrow(query: SearchQuery, start: datetime, end: datetime) -> SearchQuery:
    date_from = max(start, query.date_from) if query.date_from else start
    date_to = min(end, query.date_to) if query.date_to else end
    return replace(query, date_from=date_from, date_to=date_to)


def _period(year: int, month: int | None = None, day: int | None = None) -> tuple:
    """[start, end) of a year, a month or a day; InvalidInput for a date that is not one."""
    try:
        if day is not None and month is not None:
            start = datetime(year, month, day, tzinfo=UTC)
            end = datetime.fromordinal(start.toordinal() + 1).replace(tzinfo=UTC)
        elif month is not None:
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        else:
            start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    except ValueError:
        raise InvalidInput("that is not a date") from None
    return start, end


def parse_query(text: object, base: SearchQuery | None = None) -> SearchQuery:
    """The query ``text`` asks for, on top of ``base``'s filters; InvalidInput when it is too
    long or holds control characters."""
    query = base or SearchQuery()
    if text is None:
        return query
    if not isinstance(text, str):
        raise InvalidInput("a search must be text")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(f"a search can be at most {MAX_QUERY_CHARS} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise InvalidInput("a search cannot contain control characters")
    rest = fold(text)
    for pattern in (_DAY, _MONTH_NUMERIC):
        for match in pattern.finditer(rest):
            query = _narrow(query, *_period(*(int(g) for g in match.groups())))
        rest = pattern.sub(" ", rest)
    for match in _MONTH_NAMED.finditer(rest):
        month = _MONTHS.get(match.group(1))
        if month is not None:
            query = _narrow(query, *_period(int(match.group(2)), month))
            rest = rest.replace(match.group(0), " ", 1)
    for match in _YEAR.finditer(rest):
        query = _narrow(query, *_period(int(match.group(1))))
    rest = _YEAR.sub(" ", rest)
    found = tuple(dict.fromkeys(words(rest)))
    if len(found) > MAX_WORDS:
        raise InvalidInput(f"a search can have at most {MAX_WORDS} words")
    return replace(query, words=query.words + found)


def matches(item: MediaItem, query: SearchQuery) -> bool:
    """Whether ``item`` is a result of ``query``: the rule both catalogs' indexes answer."""
    if not item.on_timeline or query.empty_range:
        return False
    if query.kind is not None and item.kind != query.kind:
        return False
    if query.favorite and not item.favorite:
        return False
    if query.album is not None and query.album not in item.albums:
        return False
    if query.folder is not None and not is_same_or_inside(item.folder, query.folder):
        return False
    if query.tag is not None and query.tag not in item.tags:
        return False
    if query.country is not None and (item.place is None or item.place.country != query.country):
        return False
    if query.city is not None and (item.place is None or item.place.city != query.city):
        return False
    when = item.sort_date
    if query.date_from is not None and when < query.date_from:
        return False
    if query.date_to is not None and when >= query.date_to:
        return False
    terms = item_terms(item)
    return all(any(t.startswith(w) for t in terms) for w in query.words)
