"""The Photos timeline (and the Favourites and an album's page, the same grid over favourites
only or over one album's items): a window of it.

The state holds a few hundred items around where the person is, never the library: pages are
fetched as the grid's ends come into view (older below, newer above), and when the window
grows past ``WINDOW_MAX`` whole sections leave its far end. The grid
(``ui/components/timeline.py``, react-virtuoso) is told how many sections came or went at the
top through ``first_index``, so the scroll position stays put. The URL names a month
(``?month=2024-06``): the page loads the window around it, and the scrubber jumps by
navigating there, so reload and Back return to it.

An album (``/albums/<id>``) is the same window over its items, newest taken first, with the
same cursors both ways (``services().albums.cursor_of``); it has no month counts, so no
scrubber and no month in its URL.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import reflex as rx

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.listing import Page
from rdrive_app.services.timeline import month_end
from rdrive_app.ui.routes import ALBUMS_ROUTE, FAVORITES_ROUTE, PHOTOS_ROUTE
from rdrive_app.ui.state.selection import toggle_in
from rdrive_app.ui.state.session import SessionState, protected, services
from rdrive_app.ui.state.timeline_rows import (
    SECTION_MAX,
    ScrubMark,
    Section,
    labelled,
    named_month,
    scrub_marks,
    sections_of,
    to_tile,
)

PAGE_SIZE = 100
FIRST_INDEX = 1_000_000  # react-virtuoso's index of the first section; it only ever shifts
NEWER_ON_JUMP = 24  # items above the month jumped to, so scrolling up goes on at once
WINDOW_MAX = 300  # items held at most: the state the browser gets stays small
# route → favourites only
TIMELINE_ROUTES = {"/": False, PHOTOS_ROUTE: False, FAVORITES_ROUTE: True}


def album_from_url(url_path: str) -> str:
    """The album id an album page's URL names ('/albums/<id>' → '<id>'), else ''."""
    prefix = ALBUMS_ROUTE + "/"
    if not url_path.startswith(prefix):
        return ""
    return unquote(url_path[len(prefix) :].strip("/"))


class TimelineState(SessionState):
    """The window of the timeline the grid shows, the scrubber's months and the selection."""

    sections: rx.Field[list[Section]] = rx.field(default_factory=list)
    first_index: rx.Field[int] = rx.field(FIRST_INDEX)
    initial_index: rx.Field[int] = rx.field(0)  # the section a fresh window opens at
    generation: rx.Field[int] = rx.field(0)  # a new window: the grid starts afresh
    marks: rx.Field[list[ScrubMark]] = rx.field(default_factory=list)
    month: rx.Field[str] = rx.field("")  # the month the URL names ("" = the newest)
    favorites: rx.Field[bool] = rx.field(False)
    album_id: rx.Field[str] = rx.field("")  # an album's page: only its items
    loaded: rx.Field[bool] = rx.field(False)
    selected: rx.Field[list[str]] = rx.field(default_factory=list)
    _older: rx.Field[str] = rx.field("")  # cursor below the window ("" = oldest is in it)
    _newer: rx.Field[str] = rx.field("")  # cursor above the window ("" = newest is in it)
    _cursors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)  # of the window's items
    _anchor: rx.Field[str] = rx.field("")
    _busy: rx.Field[bool] = rx.field(False)

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    @rx.var
    def empty(self) -> bool:
        return self.loaded and not self.sections

    @rx.var
    def base_route(self) -> str:
        return FAVORITES_ROUTE if self.favorites else PHOTOS_ROUTE

    @rx.var
    def position(self) -> str:
        """The month the scrubber marks: the one named, else the newest shown."""
        return self.month or (self.sections[0].month if self.sections else "")

    def _item_ids(self) -> list[str]:
        return [tile.id for section in self.sections for tile in section.tiles]

    def _count(self) -> int:
        return sum(len(section.tiles) for section in self.sections)

    # loading
    @protected
    async def load_timeline(self) -> None:
        """on_load: the window around the item or month the URL names, or the newest items."""
        path = self.router.url.path or "/"
        self.favorites = TIMELINE_ROUTES.get(path.rstrip("/") or "/", False)
        self.album_id = album_from_url(path)
        query = self.router.url.query_parameters
        self.month = "" if self.album_id else named_month(query.get("month", ""))
        self.selected, self._anchor, self._cursors = [], "", {}
        self.first_index, self.sections, self.initial_index = FIRST_INDEX, [], 0
        self._older = self._newer = ""
        timeline = services().timeline
        if self.album_id:
            self.marks = []
            try:
                await self._load_at()
            except RDriveError:  # no such album: the page says so (AlbumState)
                self.sections = []
            self.generation += 1
            self.loaded = True
            return
        months = await asyncio.to_thread(timeline.months, favorites=self.favorites)
        self.marks = scrub_marks(months)
        item = await self._item_named(query.get("item", ""))
        if item is not None:
            await self._load_at(cursor=timeline.cursor_of(item), first=(item,))
        elif self.month:
            await self._load_at(before=month_end(self.month))
        else:
            await self._load_at()
        self.generation += 1
        self.loaded = True

    async def _item_named(self, item_id: object) -> MediaItem | None:
        """The item a link to the viewer names, when it is on this timeline."""
        if not isinstance(item_id, str) or not item_id:
            return None
        try:
            item = await asyncio.to_thread(services().items.get, item_id)
        except RDriveError:
            return None
        return item if item.on_timeline and (item.favorite or not self.favorites) else None

    async def _load_at(
        self,
        *,
        cursor: str | None = None,
        before: datetime | None = None,
        first: tuple[MediaItem, ...] = (),
    ) -> None:
        """A fresh window from a position: a page older than it (after ``first``), then, when
        it is not the top, a few newer items above, where the grid starts scrolled past."""
        older = await asyncio.to_thread(self._page_below, cursor, before)
        self._older = older.next_cursor or ""
        self._add([*first, *older.items], at_end=True)
        if (cursor is None and before is None) or not self.sections:
            return
        top = self._cursors[self.sections[0].tiles[0].id]
        newer = await asyncio.to_thread(self._page_above, top, NEWER_ON_JUMP)
        self._newer = newer.next_cursor or ""
        self.initial_index = self._add(newer.items, at_end=False)

    def _page_below(self, cursor: str | None, before: datetime | None) -> Page:
        """The page below a position: of the album shown, else of the timeline."""
        if self.album_id:
            return services().albums.items(self.album_id, limit=PAGE_SIZE, cursor=cursor)
        return services().timeline.page(
            cursor=cursor, before=before, limit=PAGE_SIZE, favorites=self.favorites
        )

    def _page_above(self, cursor: str, limit: int) -> Page:
        """The items just above a position (newest first), of the album or the timeline."""
        if self.album_id:
            return services().albums.items(self.album_id, limit=limit, cursor=cursor, newer=True)
        return services().timeline.newer(cursor, limit=limit, favorites=self.favorites)

    def _cursor_of(self, item: MediaItem) -> str:
        """Where the window may go on from an item, when its far end is trimmed past it."""
        if self.album_id:
            return services().albums.cursor_of(self.album_id, item)
        return services().timeline.cursor_of(item)

    def _add(self, items: list[MediaItem], *, at_end: bool) -> int:
        """Put a page (newest first) below or above the window, then trim the far end; the
        number of sections it adds above (the grid's index of the first section there was)."""
        if not items:
            return 0
        known = set(self._cursors)
        fresh = [i for i in items if i.id not in known]
        self._cursors.update({i.id: self._cursor_of(i) for i in fresh})
        sections = sections_of(fresh)
        if at_end:
            merged = list(self.sections)
            last = merged[-1] if merged else None
            while sections and last and sections[0].day == last.day:
                room = SECTION_MAX - len(last.tiles)  # a day that goes on fills its section
                if room <= 0:
                    break
                head = sections[0]
                last.tiles = [*last.tiles, *head.tiles[:room]]
                head.tiles = head.tiles[room:]
                if not head.tiles:
                    sections.pop(0)
            self.sections = labelled(self._trim([*merged, *sections], keep_end=True))
            return 0
        self.first_index -= len(sections)
        self.sections = labelled(self._trim([*sections, *self.sections], keep_end=False))
        return len(sections)

    def _trim(self, sections: list[Section], *, keep_end: bool) -> list[Section]:
        """Drop whole sections from the far end until the window holds ``WINDOW_MAX`` items
        (``keep_end``: the newest ones go, else the oldest); the cursor there moves in."""
        count = sum(len(s.tiles) for s in sections)
        dropped: list[Section] = []
        while count > WINDOW_MAX and len(sections) > 1:
            gone = sections.pop(0) if keep_end else sections.pop()
            dropped.append(gone)
            count -= len(gone.tiles)
        if not dropped:
            return sections
        for tile in (t for s in dropped for t in s.tiles):
            self._cursors.pop(tile.id, None)
        if keep_end:
            self.first_index += len(dropped)
            self._newer = self._cursors[sections[0].tiles[0].id]
        else:
            self._older = self._cursors[sections[-1].tiles[-1].id]
        return sections

    async def _extend(self, older: bool) -> bool:
        """Fetch the next page below (``older``) or above the window; False at that end."""
        cursor = self._older if older else self._newer
        if not cursor or self._busy:
            return False
        self._busy = True
        try:
            if older:
                page = await asyncio.to_thread(self._page_below, cursor, None)
            else:
                page = await asyncio.to_thread(self._page_above, cursor, PAGE_SIZE)
        except RDriveError:
            return False
        finally:
            self._busy = False
        if older:
            self._older = page.next_cursor or ""
        else:
            self._newer = page.next_cursor or ""
        self._add(page.items, at_end=older)
        return bool(page.items)

    @protected
    async def load_older(self, generation: int | None = None) -> None:
        """The grid's bottom came into view. A grid names its window's ``generation``: one
        that is being replaced (a jump's navigation scrolls it to the top) asks in vain."""
        if generation is None or generation == self.generation:
            await self._extend(older=True)

    @protected
    async def load_newer(self, generation: int | None = None) -> None:
        """The grid's top came into view (after a jump, the months above it)."""
        if generation is None or generation == self.generation:
            await self._extend(older=False)

    @protected
    async def jump(self, month: str) -> Any:
        """The scrubber: go to ``month`` (a navigation, so the URL and Back know it)."""
        if not named_month(month):
            return None
        return rx.redirect(f"{self.base_route}?month={month}")

    def _replace_tile(self, item: MediaItem) -> None:
        """Show a changed item (turned, made a favourite) where its tile is, if it is shown."""
        tile = to_tile(item)
        self.sections = [
            dataclasses.replace(s, tiles=[tile if t.id == item.id else t for t in s.tiles])
            if any(t.id == item.id for t in s.tiles)
            else s
            for s in self.sections
        ]

    def _drop_tiles(self, gone: set[str]) -> None:
        """Tiles that left the timeline (trashed) leave the grid and the selection."""
        kept = [
            dataclasses.replace(s, tiles=[t for t in s.tiles if t.id not in gone])
            for s in self.sections
        ]
        leading = next((n for n, s in enumerate(kept) if s.tiles), len(kept))
        self.first_index += leading  # sections gone from the top: the grid's indices stay
        self.sections = labelled([s for s in kept if s.tiles])
        for item_id in gone:
            self._cursors.pop(item_id, None)
        self.selected = [i for i in self.selected if i not in gone]

    def _set_favorite(self, item_id: str, on: bool) -> None:
        """A tile's heart follows its item; one no longer a favourite leaves the Favourites."""
        if self.favorites and not on:
            self._drop_tiles({item_id})
            return
        self.sections = [
            dataclasses.replace(
                s, tiles=[dataclasses.replace(t, favorite=on) if t.id == item_id else t
                          for t in s.tiles]
            ) if any(t.id == item_id for t in s.tiles) else s
            for s in self.sections
        ]  # fmt: skip

    # selection
    @protected
    async def toggle_select(self, item_id: str, shift: bool = False) -> None:
        """Tick one tile; with shift, tick every tile between the last one and this one."""
        toggle_in(self, item_id, shift)

    @protected
    async def clear_selection(self) -> None:
        self.selected = []
