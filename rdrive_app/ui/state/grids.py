"""Which grid the page shows — a folder's, the timeline's (an album's too) or a search's — for
the states that act on it.

The viewer steps through that grid's tiles and the rename/move/delete actions take its
selection; every grid offers the same few helpers (``selected``, ``_item_ids``,
``_drop_tiles``). The route decides, as it decides which page is shown.
"""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.routes import SEARCH_ROUTE
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.search import SearchState
from rdrive_app.ui.state.timeline import TIMELINE_ROUTES, TimelineState, album_from_url


def on_timeline(state: rx.State) -> bool:
    """Whether the page shown is the timeline's grid (Photos, Favourites, an album)."""
    path = (state.router.url.path if state.router.url else "") or "/"
    return (path.rstrip("/") or "/") in TIMELINE_ROUTES or album_from_url(path) != ""


async def showing_grid(state: rx.State) -> FolderState | TimelineState | SearchState:
    """The grid of the page shown."""
    if on_timeline(state):
        return await state.get_state(TimelineState)
    if state.router.url and (state.router.url.path or "").rstrip("/") == SEARCH_ROUTE:
        return await state.get_state(SearchState)
    return await state.get_state(FolderState)
