"""The search page: the words and filters the URL names, and their results as a folder-like grid.

The URL is the whole search (``/search?q=beach&kind=image&favorite=1&tag=…``), so a search can
be bookmarked, reloaded and gone back to; the box in the top bar and the filter buttons only
navigate to another such URL and ``load_search`` (on_load) reads it. Results come a page at a
time, newest first, from ``services().search.search`` with its cursor (the "Load more" sentinel
the infinite scroll presses); the tiles are the folder grid's (``components/grid.py``), and the
viewer steps through them (``grids.showing_grid``). A query the service refuses (too long) shows
the service's own message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.routes import SEARCH_ROUTE
from rdrive_app.ui.state.folder import TileRow, tile_row
from rdrive_app.ui.state.paging import load_page
from rdrive_app.ui.state.selection import drop_from, hearted, toggle_in
from rdrive_app.ui.state.session import SessionState, form_field, protected, services

PAGE_SIZE = 60
KINDS = ("all", "image", "video")
FILTERS = ("tag", "country", "city")  # filters the URL may name, passed on as they are
SEARCH_PARAMS = ("q", "kind", "favorite", *FILTERS)  # the URL's parameters that make a search


def search_href(q: str = "", **filters: Any) -> str:
    """The URL of a search: only the parts that narrow it ("all" kinds, no favourites: left out)."""
    params = {"q": q} if q else {}
    for name, value in filters.items():
        if value is True:
            params[name] = "1"
        elif value not in ("", None, False, "all"):
            params[name] = str(value)
    return SEARCH_ROUTE + ("?" + urlencode(params) if params else "")


def _text(value: object) -> str:
    """A query parameter as text (the browser may send a list or nothing)."""
    return value if isinstance(value, str) else ""


def result_line(count: int, more: bool, what: str) -> str:
    """'No results for “beach”', '1 result for “sea”', '60+ results' (more on the way down)."""
    if count == 0:
        return f"No results for {what}" if what else "No results"
    found = f"{count}{'+' if more else ''} result{'s' if count != 1 or more else ''}"
    return f"{found} for {what}" if what else found


class SearchState(SessionState):
    """The search shown: its words and filters, a page of results at a time, the selection."""

    query: rx.Field[str] = rx.field("")
    kind: rx.Field[str] = rx.field("all")
    favorite: rx.Field[bool] = rx.field(False)
    tag: rx.Field[str] = rx.field("")
    country: rx.Field[str] = rx.field("")
    city: rx.Field[str] = rx.field("")
    items: rx.Field[list[TileRow]] = rx.field(default_factory=list)
    next_cursor: rx.Field[str] = rx.field("")
    loading_more: rx.Field[bool] = rx.field(False)
    loaded: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")  # why the service refused the search
    selected: rx.Field[list[str]] = rx.field(default_factory=list)
    _anchor: rx.Field[str] = rx.field("")

    @rx.var
    def has_more(self) -> bool:
        """Whether "Load more" is shown: the service gave a cursor for a next page."""
        return self.next_cursor != ""

    @rx.var
    def searched_for(self) -> str:
        """What the search was, in words: '“beach” · tag “sea” · Paris'."""
        parts = [f"“{self.query}”"] if self.query else []
        parts += [f"tag “{self.tag}”"] if self.tag else []
        parts += [p for p in (self.city, self.country) if p]
        return " · ".join(parts)

    @rx.var
    def summary(self) -> str:
        return result_line(len(self.items), self.has_more, self.searched_for)

    @rx.var
    def selected_count(self) -> int:
        """How many results are ticked (the selection's bar says so)."""
        return len(self.selected)

    def _href(self, **changes: Any) -> str:
        """This search's URL with ``changes`` to its filters."""
        now = {"kind": self.kind, "favorite": self.favorite}
        now |= {name: getattr(self, name) for name in FILTERS}
        return search_href(self.query, **(now | changes))

    def _item_ids(self) -> list[str]:
        return [row.id for row in self.items]

    # loading
    @protected
    async def load_search(self) -> None:
        """on_load: the search the URL names, its first page."""
        params = self.router.url.query_parameters
        self.query = _text(params.get("q", ""))
        kind = _text(params.get("kind", ""))
        self.kind = kind if kind in KINDS else "all"
        self.favorite = _text(params.get("favorite", "")) in ("1", "true")
        self.tag, self.country, self.city = (_text(params.get(name, "")) for name in FILTERS)
        self.items, self.next_cursor, self.selected, self._anchor = [], "", [], ""
        self.error, self.loaded = "", False
        try:
            await self._load_items()
        except RDriveError as exc:
            self.error = exc.detail
        self.loaded = True

    def _search(self, *, cursor: str | None, limit: int) -> Any:
        """One page of this search from the service."""
        return services().search.search(
            self.query,
            kind=None if self.kind == "all" else self.kind,
            favorite=self.favorite,
            tag=self.tag or None,
            country=self.country or None,
            city=self.city or None,
            limit=limit,
            cursor=cursor,
        )

    async def _load_items(self, cursor: str | None = None) -> None:
        self.items, self.next_cursor = await load_page(
            self.items, self._search, tile_row, cursor=cursor, limit=PAGE_SIZE
        )

    @protected
    async def load_more(self) -> None:
        """The next page (infinite scroll presses the "Load more" sentinel); a refusal ends
        the paging and says why."""
        if self.loading_more or self.next_cursor == "":
            return
        self.loading_more, cursor = True, self.next_cursor
        try:
            await self._load_items(cursor)
        except RDriveError as exc:
            self.error, self.next_cursor = exc.detail, ""
        finally:
            self.loading_more = False

    # the box and the filters: each goes to the URL of the search it makes
    @protected
    async def submit_search(self, form_data: dict) -> EventSpec:
        """The top bar's box: a new search for its words (the filters start afresh)."""
        text = form_field(form_data, "q")
        return rx.redirect(search_href(text.strip() if isinstance(text, str) else ""))

    @protected
    async def set_kind(self, kind: str) -> EventSpec | None:
        if kind not in KINDS:
            return None
        return rx.redirect(self._href(kind=kind))

    @protected
    async def set_favorite(self, on: bool) -> EventSpec:
        return rx.redirect(self._href(favorite=on is True))

    # the grid's helpers (grids.showing_grid): selection, tiles that left, hearts
    @protected
    async def toggle_select(self, item_id: str, shift: bool = False) -> None:
        toggle_in(self, item_id, shift)

    @protected
    async def clear_selection(self) -> None:
        self.selected.clear()

    @protected
    async def select_all(self) -> None:
        """Every result shown, or none when all of them already are."""
        shown = self._item_ids()
        self.selected = shown if len(self.selected) != len(shown) else []

    def _drop_tiles(self, gone: set[str]) -> None:
        drop_from(self, gone)

    def _set_favorite(self, item_id: str, on: bool) -> None:
        self.items = hearted(self.items, item_id, on)
