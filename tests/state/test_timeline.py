"""The timeline's state: days under months newest first, a bounded window that scrolls both ways
with react-virtuoso's indices kept, jumps to a month, and the actions a folder's grid has."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

import rdrive_app.ui.state.timeline as timeline_state
import rdrive_app.ui.state.timeline_rows as timeline_rows
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.timeline import FIRST_INDEX, TimelineState
from rdrive_app.ui.state.viewer import ViewerState
from tests.state import test_handlers_work
from tests.state.test_handlers_work import run, signed_in
from tests.timeline_photos import dated_jpeg

services = test_handlers_work.services  # the fixture: a fresh library with alice in it
T0 = datetime(2024, 6, 15, 18, 0, tzinfo=UTC)  # a Saturday


def seed(
    services, count: int, *, every: timedelta = timedelta(days=2), prefix: str = "p", **fields
) -> list[str]:
    """``count`` ready photos straight into the catalog, newest first, one every ``every``."""
    catalog = services.storage.catalog
    if not catalog.list_folders("/"):
        services.folders.create_subfolder("/", "Camera")
    ids = []
    for n in range(count):
        item = MediaItem(
            id=new_id(),
            folder="/Camera",
            name=f"{prefix}{n:04d}.jpg",
            kind=Kind.IMAGE,
            content_type="image/jpeg",
            size=100,
            uploaded_by="alice",
            status=Status.READY,
            taken_at=T0 - every * n,
            width=(4, 3, 1)[n % 3] * 100,
            height=300,
            **fields,
        )
        ids.append(catalog.add_item(item).id)
    return ids


def shown(state: TimelineState) -> list[str]:
    return state._item_ids()


def test_days_under_months_newest_first_with_their_shapes(services, tmp_path):
    """Real uploads: EXIF dates group them by day under month headings, in the photos' shapes."""
    services.folders.create_subfolder("/", "Trip")
    times = [T0, T0 - timedelta(hours=3), T0 - timedelta(days=2), T0 - timedelta(days=40)]
    shapes = [(60, 40), (40, 60), (50, 50), (64, 27)]
    for n, (when, size) in enumerate(zip(times, shapes, strict=True)):
        path = dated_jpeg(tmp_path / f"d{n}.jpg", when.replace(tzinfo=None), size, n)
        with path.open("rb") as f:
            services.uploads.upload_stream(
                "alice", "/Trip", path.name, f, path.stat().st_size, "image/jpeg"
            )
    state = signed_in(TimelineState, services, "/photos")
    for _ in range(200):  # processing (thumbnails, EXIF) runs in the background
        run(TimelineState.load_timeline.fn, state)
        # the scrubber's month counts are read apart from the tiles: both must be current
        if (
            sum(len(s.tiles) for s in state.sections) == 4
            and all(t.thumb for s in state.sections for t in s.tiles)
            and [m.month for m in state.marks] == ["2024-06", "2024-05"]
        ):
            break
        time.sleep(0.05)
    heads = [(s.show_month and s.month_label, s.show_day and s.day_label) for s in state.sections]
    assert heads == [
        ("June 2024", "Sat 15 Jun"),
        (False, "Thu 13 Jun"),
        ("May 2024", "Mon 6 May"),
    ]
    assert [[t.name for t in s.tiles] for s in state.sections] == [
        ["d0.jpg", "d1.jpg"],
        ["d2.jpg"],
        ["d3.jpg"],
    ]
    assert [(t.width, t.height) for s in state.sections for t in s.tiles] == shapes
    assert [(m.month, m.count, m.year_start) for m in state.marks] == [
        ("2024-06", 3, True),
        ("2024-05", 1, False),
    ]


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(timeline_state, "PAGE_SIZE", 10)
    monkeypatch.setattr(timeline_state, "WINDOW_MAX", 25)
    monkeypatch.setattr(timeline_state, "NEWER_ON_JUMP", 4)
    monkeypatch.setattr(timeline_state, "SECTION_MAX", 3)
    monkeypatch.setattr(timeline_rows, "SECTION_MAX", 3)


def _indices(state: TimelineState, seen: dict[str, int]) -> None:
    """A section keeps the index react-virtuoso knows it by while it stays in the window
    (``seen``: the indices after the last change; one that left may come back elsewhere)."""
    now = {s.key: state.first_index + n for n, s in enumerate(state.sections)}
    for key in now.keys() & seen.keys():
        assert now[key] == seen[key], key
    seen.clear()
    seen.update(now)


def test_the_window_stays_bounded_and_scrolls_both_ways(services, small_window):
    ids = seed(services, 80, every=timedelta(hours=7))  # three or four photos a day
    state = signed_in(TimelineState, services, "/photos")
    run(TimelineState.load_timeline.fn, state)
    assert shown(state) == ids[:10] and state.first_index == FIRST_INDEX
    seen_keys: dict[str, int] = {}
    order: list[str] = []
    for _ in range(20):  # down to the oldest
        _indices(state, seen_keys)
        order += [i for i in shown(state) if i not in order]
        assert len(shown(state)) <= 25
        run(TimelineState.load_older.fn, state)
    assert order == ids and shown(state)[-1] == ids[-1]
    assert state.first_index > FIRST_INDEX  # sections left at the top, the indices shifted
    assert all(len(s.tiles) <= 3 for s in state.sections)
    for _ in range(20):  # and back up to the newest
        _indices(state, seen_keys)
        assert len(shown(state)) <= 25
        assert shown(state) == [i for i in ids if i in set(shown(state))]  # newest first
        run(TimelineState.load_newer.fn, state)
    assert shown(state)[0] == ids[0]


def test_a_month_in_the_url_opens_the_window_there(services, small_window):
    ids = seed(services, 60, every=timedelta(days=9))  # 2024-06-15 back to 2023-01
    state = signed_in(TimelineState, services, "/photos", {"month": "2023-09"})
    run(TimelineState.load_timeline.fn, state)
    assert state.month == "2023-09"
    start = state.sections[state.initial_index]
    assert start.month == "2023-09" and start.show_month
    assert {s.month for s in state.sections[: state.initial_index]} <= {"2023-10", "2023-11"}
    assert state.first_index == FIRST_INDEX - state.initial_index
    top, bottom = shown(state)[0], shown(state)[-1]
    stale = state.generation - 1  # the grid of the window before: a jump scrolled it up
    run(TimelineState.load_newer.fn, state, stale)
    run(TimelineState.load_older.fn, state, stale)
    assert (shown(state)[0], shown(state)[-1]) == (top, bottom)  # it asked in vain
    run(TimelineState.load_newer.fn, state, state.generation)
    assert ids.index(shown(state)[0]) < ids.index(top)  # scrolling up goes on above it

    jumped = run(TimelineState.jump.fn, state, "2023-02")[0]
    assert "/photos?month=2023-02" in str(jumped.args)
    for bad in ("2023-13", "x", "2023-02/../../admin", 7):
        assert run(TimelineState.jump.fn, state, bad) == [None]
    odd = signed_in(TimelineState, services, "/photos", {"month": "not-a-month"})
    run(TimelineState.load_timeline.fn, odd)
    assert odd.month == "" and shown(odd) == ids[:10]


def test_favourites_are_the_same_grid_over_favourites(services):
    seed(services, 5)
    loved = seed(services, 3, every=timedelta(days=5), prefix="fav", favorite=True)
    state = signed_in(TimelineState, services, "/favorites")
    run(TimelineState.load_timeline.fn, state)
    assert state.favorites and sorted(shown(state)) == sorted(loved)
    assert sum(m.count for m in state.marks) == 3


def test_the_viewer_steps_across_the_window_and_past_it(services, small_window):
    ids = seed(services, 30, every=timedelta(hours=13))
    viewer = signed_in(ViewerState, services, "/photos")
    grid = run(_grid_of, viewer)[0]
    run(TimelineState.load_timeline.fn, grid)
    run(ViewerState.open_item.fn, viewer, ids[9])  # the last tile of the first page
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == ids[10]  # the next page was fetched for it
    run(ViewerState.show_previous.fn, viewer)
    run(ViewerState.show_previous.fn, viewer)
    assert viewer.open_id == ids[8]


async def _grid_of(state):
    return await state.get_state(TimelineState)


def test_select_then_delete_and_undo_from_the_timeline(services):
    ids = seed(services, 6)
    organize = signed_in(OrganizeState, services, "/photos")
    grid = run(_grid_of, organize)[0]
    run(TimelineState.load_timeline.fn, grid)
    run(TimelineState.toggle_select.fn, grid, ids[1])
    run(TimelineState.toggle_select.fn, grid, ids[3], True)  # shift: the run between
    assert grid.selected == ids[1:4]
    run(OrganizeState.delete_selected.fn, organize)
    assert shown(grid) == [ids[0], *ids[4:]] and grid.selected == []
    assert services.storage.catalog.get_item(ids[2]).deleted_at is not None
    assert run(OrganizeState.undo.fn, organize) == [TimelineState.load_timeline]
    run(TimelineState.load_timeline.fn, grid)  # what the page runs next
    assert shown(grid) == ids


def test_the_state_sent_for_a_full_window_is_small(services):
    seed(services, 400, every=timedelta(hours=5))
    state = signed_in(TimelineState, services, "/photos")
    run(TimelineState.load_timeline.fn, state)
    for _ in range(6):
        run(TimelineState.load_older.fn, state)
    assert len(shown(state)) <= timeline_state.WINDOW_MAX
    sent = json.dumps(state.dict(), default=str)
    assert len(sent.encode()) < 200_000, len(sent)
