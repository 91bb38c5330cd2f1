"""The timeline's rows: tiles, day sections with their labels, the scrubber's months.

Plain values built from items (``TimelineState`` keeps a window of them); kept small, since
every one is sent to the browser.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, date
from typing import Any

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import InvalidInput
from rdrive_app.services.timeline import month_end
from rdrive_app.ui.state.folder import ItemRow, item_row, tile_shape
from rdrive_app.ui.state.labels import duration_label

SECTION_MAX = 30  # tiles in one section (a day of 2 000 photos is many sections)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclasses.dataclass
class Tile(ItemRow):
    """One photo or video of the timeline (kept small: this is per item in the client's state)."""

    width: int = 1
    height: int = 1
    duration: str = ""
    live: bool = False
    favorite: bool = False


@dataclasses.dataclass
class Section:
    """Tiles of one day, at most ``SECTION_MAX``; the first of a day or month shows its label."""

    key: str = ""
    day: str = ""  # 2024-06-15
    day_label: str = ""  # Sat 15 Jun
    month: str = ""  # 2024-06
    month_label: str = ""  # June 2024
    show_day: bool = False
    show_month: bool = False
    tiles: list[Tile] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ScrubMark:
    """One month on the scrubber: its share of the items is its ``count``."""

    month: str = ""
    label: str = ""
    year: str = ""
    year_start: bool = False  # the newest month shown of its year carries the year's label
    count: int = 0


def month_label(month: str) -> str:
    """'2024-06' → 'June 2024'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def day_label(day: date) -> str:
    """A date → 'Sat 15 Jun' (the month heading above it names the year)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1][:3]}"


def item_day(item: MediaItem) -> date:
    """The day an item sorts under: its date taken (else uploaded), in UTC as the catalog keys."""
    when = item.sort_date
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).date()


def named_month(text: object) -> str:
    """A month the URL or the scrubber names ('2024-06'), or '' for anything else."""
    if not isinstance(text, str):
        return ""
    try:
        month_end(text)
    except InvalidInput:
        return ""
    return text


def to_tile(item: MediaItem) -> Tile:
    """The tile of an item: its thumbnail (a signed URL, as the folder grid's) and its shape."""
    width, height = tile_shape(item)
    return Tile(
        **dataclasses.asdict(item_row(item)),
        width=width,
        height=height,
        duration=duration_label(item.duration),
        live=item.motion is not None and item.motion.play_key is not None,
        favorite=item.favorite,
    )


def sections_of(items: Iterable[MediaItem]) -> list[Section]:
    """Items (newest first) as sections: one per day, split every ``SECTION_MAX`` tiles."""
    sections: list[Section] = []
    for item in items:
        day = item_day(item)
        last = sections[-1] if sections else None
        if last is None or last.day != day.isoformat() or len(last.tiles) >= SECTION_MAX:
            month = day.isoformat()[:7]
            last = Section(
                key=f"{day.isoformat()}:{item.id}",
                day=day.isoformat(),
                day_label=day_label(day),
                month=month,
                month_label=month_label(month),
            )
            sections.append(last)
        last.tiles.append(to_tile(item))
    return sections


def labelled(sections: list[Section]) -> list[Section]:
    """Show a day's label on its first section, a month's heading on its first day."""
    previous: Section | None = None
    for section in sections:
        section.show_month = previous is None or previous.month != section.month
        section.show_day = previous is None or previous.day != section.day
        previous = section
    return sections


def scrub_marks(months: Iterable[Any]) -> list[ScrubMark]:
    """The scrubber's months (newest first, as ``timeline.months`` gives them)."""
    marks: list[ScrubMark] = []
    for entry in months:
        year = entry.month[:4]
        first = not marks or marks[-1].year != year
        marks.append(ScrubMark(entry.month, month_label(entry.month), year, first, entry.count))
    return marks
