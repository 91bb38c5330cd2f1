"""Edits of photos: turn the open one a quarter right, set its date taken, shift the dates of a
selection (a camera with a wrong clock or time zone).

The original never changes (services/turns.py, ItemService.set_taken_at); the viewer shows the
item again and the grid behind it follows: a turned tile in place, a new date by reading the
timeline's window afresh (the item moves to another day).
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rdrive_app.core.edits import add_turns, parse_shift_text
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.grids import on_timeline, showing_grid
from rdrive_app.ui.state.session import SessionState, form_field, protected, services, toast
from rdrive_app.ui.state.timeline import TimelineState
from rdrive_app.ui.state.viewer import ViewerState

DATE_INPUT = "%Y-%m-%dT%H:%M:%S"  # what <input type="datetime-local" step="1"> holds


class EditState(SessionState):
    """The date dialog of the open item (the turn needs no dialog)."""

    date_open: rx.Field[bool] = rx.field(False)
    date_value: rx.Field[str] = rx.field("")
    date_error: rx.Field[str] = rx.field("")
    shift_open: rx.Field[bool] = rx.field(False)
    shift_value: rx.Field[str] = rx.field("")
    shift_error: rx.Field[str] = rx.field("")

    @protected
    async def turn_right(self) -> Any:
        """Turn the open photo a quarter clockwise; its tile turns with it."""
        viewer = await self.get_state(ViewerState)
        if not viewer.open_id:
            return None
        try:
            item = await asyncio.to_thread(services().items.get, viewer.open_id)
            item = await asyncio.to_thread(services().turns.turn, item.id, add_turns(item.turn, 90))
        except RDriveError as exc:
            return toast("error", exc.detail, 6000)
        await viewer._show(item.id)
        (await self.get_state(FolderState))._upsert_tile(item)
        (await self.get_state(TimelineState))._replace_tile(item)
        return None

    @protected
    async def start_edit_date(self) -> None:
        viewer = await self.get_state(ViewerState)
        if not viewer.open_id:
            return
        try:
            item = await asyncio.to_thread(services().items.get, viewer.open_id)
        except RDriveError:
            return
        self.date_value = item.sort_date.strftime(DATE_INPUT)
        self.date_error, self.date_open = "", True

    @protected
    async def set_date_open(self, is_open: bool) -> None:
        self.date_open = bool(is_open)  # its error is cleared when it opens

    @protected
    async def submit_date(self, form_data: dict) -> Any:
        """Set the open item's date taken (a camera with a wrong clock); it stays fixed."""
        viewer = await self.get_state(ViewerState)
        when = form_field(form_data, "name")
        try:
            item = await asyncio.to_thread(services().items.set_taken_at, viewer.open_id, when)
        except RDriveError as exc:
            self.date_error = exc.detail
            return None
        self.date_open = False
        await viewer._show(item.id)
        (await self.get_state(FolderState))._upsert_tile(item)
        done = toast("success", f"Date taken set to {item.sort_date:%Y-%m-%d %H:%M}", 3000)
        return [done, TimelineState.load_timeline] if on_timeline(self) else done

    @protected
    async def start_shift(self) -> None:
        self.shift_value, self.shift_error, self.shift_open = "", "", True

    @protected
    async def set_shift_open(self, is_open: bool) -> None:
        self.shift_open = bool(is_open)  # its error is cleared when it opens

    @protected
    async def submit_shift(self, form_data: dict) -> Any:
        """Move the date taken of the selected tiles by the hours (and minutes) typed."""
        grid = await showing_grid(self)
        try:
            seconds = parse_shift_text(form_field(form_data, "name"))
            items = await asyncio.to_thread(services().items.shift_dates, grid.selected, seconds)
        except RDriveError as exc:
            self.shift_error = exc.detail
            return None
        self.shift_open = False
        folder = await self.get_state(FolderState)
        for item in items:
            folder._upsert_tile(item)
        sign = "+" if seconds >= 0 else "-"
        minutes = abs(seconds) // 60
        done = toast(
            "success",
            f"Moved {len(items)} by {sign}{minutes // 60}:{minutes % 60:02d}",
            3000,
        )
        return [done, TimelineState.load_timeline] if on_timeline(self) else done
