"""The rules of a user's edits to a photo: quarter turns and the date it was taken.

A turn is on top of the camera's own orientation and never touches the original. A date is
one instant: text with an offset ('2019-07-14T15:30:00+02:00', 'Z') is that instant; text
without one is taken as UTC, as processing labels an EXIF time without an offset (the camera's
wall clock shown as it said). Dates before photography (1826, Niépce's first photograph) or
more than a day ahead (a time zone or two of slack, never a wrong clock's year 2080) are
refused.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.keys import TURNS

EARLIEST_TAKEN = datetime(1826, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
MAX_SHIFT_SECONDS = 400 * 366 * 86_400  # more than any date in range can move and stay in it
_MAX_DATE_TEXT = 64
_HAS_TIME = re.compile(r"\d[T ]\d")
_DATE_HINT = "send a date and time in ISO 8601, e.g. 2019-07-14T15:30:00+02:00"


def check_turn(turn: object) -> int:
    """The user's turn (clockwise degrees) if it is one of 0, 90, 180, 270; InvalidInput if not."""
    if isinstance(turn, bool) or not isinstance(turn, int) or turn not in TURNS:
        raise InvalidInput("rotation must be 0, 90, 180 or 270 (degrees clockwise)")
    return turn


def add_turns(turn: int, more: int) -> int:
    """``turn`` turned ``more`` degrees further (negative: the other way), as one of TURNS."""
    return (turn + more) % 360


def parse_taken_at(value: object, now: datetime) -> datetime:
    """A date taken from text (or a datetime), aware and in range; InvalidInput saying why."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _MAX_DATE_TEXT or not _HAS_TIME.search(text):
            raise InvalidInput(f"taken_at is not a date and time: {_DATE_HINT}")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"taken_at is not a date and time: {_DATE_HINT}") from None
    if not isinstance(value, datetime):
        raise InvalidInput(f"taken_at must be text: {_DATE_HINT}")
    when = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return check_taken_at(when, now)


def check_taken_at(when: datetime, now: datetime) -> datetime:
    """``when`` (aware) if it is a date a photo can have been taken, in UTC; InvalidInput if not."""
    try:
        when = when.astimezone(UTC)
    except OverflowError:  # '0001-01-01T00:00+01:00' is before year 1 in UTC
        raise InvalidInput("a photo cannot have been taken before 1826") from None
    if when < EARLIEST_TAKEN:
        raise InvalidInput("a photo cannot have been taken before 1826")
    if when > now + FUTURE_SLACK:
        raise InvalidInput("that date is in the future (more than a day from now)")
    return when


def shifted(when: datetime, seconds: int, now: datetime) -> datetime:
    """``when`` moved by ``seconds`` (negative: earlier), in range; InvalidInput if not."""
    try:
        moved = when + timedelta(seconds=seconds)
    except OverflowError:
        raise InvalidInput("that shift moves a date out of the calendar") from None
    return check_taken_at(moved, now)


def check_shift(seconds: object) -> int:
    """A time difference in whole seconds, within MAX_SHIFT_SECONDS either way."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise InvalidInput("seconds must be a whole number of seconds")
    if abs(seconds) > MAX_SHIFT_SECONDS:
        raise InvalidInput("that shift moves a date out of range (before 1826 or future)")
    return seconds


_SHIFT_TEXT = re.compile(r"([+-]?)(\d{1,6})(?::([0-5]\d))?")


def parse_shift_text(text: object) -> int:
    """A time difference as a person types it: hours, or hours:minutes, with a sign
    ("-3", "+1:30", "26") → seconds, checked by ``check_shift``."""
    found = _SHIFT_TEXT.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise InvalidInput("write the difference in hours, or hours:minutes, such as -3 or +1:30")
    sign = -1 if found[1] == "-" else 1
    return check_shift(sign * (int(found[2]) * 3600 + int(found[3] or 0) * 60))


def turned_name(name: str) -> str:
    """The download name of a turned photo's JPEG: 'IMG_1.HEIC' → 'IMG_1 (rotated).jpg'."""
    stem, dot, _ = name.rpartition(".")
    return f"{stem if dot and stem else name} (rotated).jpg"
