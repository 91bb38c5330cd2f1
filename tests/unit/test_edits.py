"""The rules of a user's edits (core/edits.py), the selection rule and the turned keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rdrive_app.core.domain import MAX_SELECTION, Kind, MediaItem, selection
from rdrive_app.core.edits import (
    MAX_SHIFT_SECONDS,
    add_turns,
    check_shift,
    check_turn,
    parse_shift_text,
    parse_taken_at,
    shifted,
    turned_name,
)
from rdrive_app.core.errors import InvalidInput
from rdrive_app.core.keys import owner_of, thumbnail_key, turned_download_key

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_the_four_quarter_turns_are_accepted(turn: int) -> None:
    assert check_turn(turn) == turn


@pytest.mark.parametrize("bad", [45, -90, 360, 1, 91, 450, True, False, "90", 90.0, None, [90]])
def test_anything_else_is_not_a_turn(bad: object) -> None:
    with pytest.raises(InvalidInput, match="0, 90, 180 or 270"):
        check_turn(bad)


def test_turns_add_up_either_way() -> None:
    assert [add_turns(270, 90), add_turns(0, -90), add_turns(90, 180)] == [0, 270, 270]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-07-14T15:30:00+02:00", datetime(2019, 7, 14, 13, 30, tzinfo=UTC)),
        ("2019-07-14T15:30:00Z", datetime(2019, 7, 14, 15, 30, tzinfo=UTC)),
        ("2019-07-14T15:30:00", datetime(2019, 7, 14, 15, 30, tzinfo=UTC)),  # naive: UTC
        ("2019-07-14 15:30", datetime(2019, 7, 14, 15, 30, tzinfo=UTC)),
        ("1826-01-01T00:00:00Z", datetime(1826, 1, 1, tzinfo=UTC)),
        ("2024-06-02T11:59:00Z", datetime(2024, 6, 2, 11, 59, tzinfo=UTC)),  # within a day
    ],
)
def test_a_date_and_time_is_one_instant_in_utc(text: str, expected: datetime) -> None:
    parsed = parse_taken_at(text, NOW)
    assert parsed == expected and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2019-07-14",
        "14/07/2019 15:30",
        "2019-13-01T00:00",
        "2019-07-14T25:00",
        "2019-07-14T15:30:00+25:00",
        "x" * 100,
        "2019-07-14T15:30:00" + " " * 60 + "Z",
    ],
)
def test_what_is_not_a_date_and_time_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a date and time"):
        parse_taken_at(text, NOW)


@pytest.mark.parametrize("value", [12345, 1.5, None, True, ["2019-07-14T00:00"]])
def test_a_date_must_be_text(value: object) -> None:
    with pytest.raises(InvalidInput, match="must be text"):
        parse_taken_at(value, NOW)


@pytest.mark.parametrize(
    "text",
    [
        "1825-12-31T23:59:59Z",
        "1826-01-01T00:30:00+01:00",
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:00:00",
    ],
)
def test_before_1826_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="before 1826"):
        parse_taken_at(text, NOW)


@pytest.mark.parametrize(
    "text", ["2024-06-02T12:00:01Z", "2080-01-01T00:00:00Z", "9999-12-31T23:59"]
)
def test_more_than_a_day_ahead_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="future"):
        parse_taken_at(text, NOW)


def test_a_datetime_is_taken_as_it_is() -> None:
    local = datetime(2020, 1, 1, 9, tzinfo=timezone(timedelta(hours=9)))
    assert parse_taken_at(local, NOW) == datetime(2020, 1, 1, 0, tzinfo=UTC)


def test_a_shift_stays_in_range_and_in_the_calendar() -> None:
    when = datetime(2020, 1, 1, tzinfo=UTC)
    assert shifted(when, -3600, NOW) == datetime(2019, 12, 31, 23, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="future"):
        shifted(when, 10 * 365 * 86400, NOW)
    with pytest.raises(InvalidInput, match="before 1826"):
        shifted(when, -200 * 366 * 86400, NOW)
    with pytest.raises(InvalidInput, match="calendar"):
        shifted(datetime(1, 1, 1, tzinfo=UTC), -1, NOW)


@pytest.mark.parametrize("bad", [True, 1.5, "60", None, MAX_SHIFT_SECONDS + 1, -(10**30)])
def test_a_shift_is_whole_seconds_within_bounds(bad: object) -> None:
    with pytest.raises(InvalidInput):
        check_shift(bad)


def test_a_selection_is_1_to_1000_ids_each_once() -> None:
    assert selection(["b", "a", "b"]) == ["b", "a"]
    assert len(selection([f"i{n}" for n in range(MAX_SELECTION)])) == MAX_SELECTION
    for bad in (
        [],
        None,
        "abc",
        [f"i{n}" for n in range(MAX_SELECTION + 1)],
        [1],
        [""],
        ["x" * 65],
    ):
        with pytest.raises(InvalidInput):
            selection(bad)


def test_turned_names() -> None:
    assert turned_name("IMG_1.HEIC") == "IMG_1 (rotated).jpg"
    assert turned_name("a.b.jpg") == "a.b (rotated).jpg"
    assert turned_name("photo") == "photo (rotated).jpg"
    assert turned_name(".hidden") == ".hidden (rotated).jpg"


def test_each_turn_has_its_own_keys_under_the_item() -> None:
    keys = {thumbnail_key("abc", "thumb", t) for t in (0, 90, 180, 270)}
    assert len(keys) == 4 and thumbnail_key("abc", "thumb") == "thumbs/abc/thumb.webp"
    assert thumbnail_key("abc", "w200", 90) == "thumbs/abc/w200-t90.webp"
    assert turned_download_key("abc", 270) == "thumbs/abc/turned-t270.jpg"
    assert {owner_of(k) for k in keys} == {"abc"}
    with pytest.raises(ValueError):
        thumbnail_key("abc", "thumb", 45)
    with pytest.raises(ValueError):
        turned_download_key("abc", 0)


def test_a_quarter_turn_swaps_the_size_shown() -> None:
    item = MediaItem("i", "/", "a.jpg", Kind.IMAGE, "image/jpeg", 1, "ann", width=600, height=400)
    assert [item.with_changes(turn=t).shown_size for t in (0, 90, 180, 270)] == [
        (600, 400),
        (400, 600),
        (600, 400),
        (400, 600),
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("-3", -10800), ("+1:30", 5400), ("26", 93600), (" 0:05 ", 300), ("-0:45", -2700)],
)
def test_a_shift_is_typed_in_hours_and_minutes(text: str, seconds: int) -> None:
    assert parse_shift_text(text) == seconds


@pytest.mark.parametrize("bad", ["", "three", "1:75", "1.5", "--2", "+", None, 3, "999999999"])
def test_anything_else_is_not_a_shift(bad: object) -> None:
    with pytest.raises(InvalidInput):
        parse_shift_text(bad)
