"""The full-screen viewer over the grid: one item, ← and → for its neighbours, Esc to close.

The URL names the open item (``?item=<id>``), so a link opens it again. The neighbours are the
tiles of the grid shown (the open folder's, or the timeline's, which fetches past its window:
``grids.showing_grid``); the view is ``ui/components/viewer.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.playback import PlaybackState
from rdrive_app.services.presenter import download_url
from rdrive_app.ui.routes import SEARCH_ROUTE
from rdrive_app.ui.state.describe import DescribeState
from rdrive_app.ui.state.grids import showing_grid
from rdrive_app.ui.state.labels import playback_note, status_label
from rdrive_app.ui.state.search import SEARCH_PARAMS
from rdrive_app.ui.state.session import (
    SessionState,
    browser_download,
    protected,
    services,
    toast,
)
from rdrive_app.ui.state.timeline import TimelineState
from rdrive_app.ui.state.upload_protocol import page_command
from rdrive_app.ui.state.viewer_info import (
    InfoRow,
    Looks,
    VideoSource,
    album_names,
    get_items,
    info_rows,
    player_key,
    signed_urls,
    video_sources,
    zoom_url,
)

__all__ = ["InfoRow", "VideoSource", "ViewerState", "player_key", "url_script", "video_sources"]

PLAYBACK_POLL_SECONDS = 2.0


def url_script(item_id: str, kept: dict[str, str] | None = None) -> EventSpec:
    """Put the open item's id in the address bar (or take it out), without a navigation;
    ``kept`` are the page's own parameters, which stay (a search's words and filters)."""
    params = {**(kept or {}), **({"item": item_id} if item_id else {})}
    return page_command("setQuery", f"?{urlencode(params)}" if params else "")


class ViewerState(SessionState):
    """The open item."""

    open_id: rx.Field[str] = rx.field("")
    open_name: rx.Field[str] = rx.field("")
    open_kind: rx.Field[str] = rx.field("")
    open_status: rx.Field[str] = rx.field("")
    image_src: rx.Field[str] = rx.field("")
    sources: rx.Field[list[VideoSource]] = rx.field(default_factory=list)
    playback_state: rx.Field[str] = rx.field("")
    playback_note: rx.Field[str] = rx.field("")
    motion_src: rx.Field[str] = rx.field("")
    motion_type: rx.Field[str] = rx.field("")
    live_on: rx.Field[bool] = rx.field(True)
    poster: rx.Field[str] = rx.field("")
    can_download: rx.Field[bool] = rx.field(False)
    favorite: rx.Field[bool] = rx.field(False)
    info: rx.Field[list[InfoRow]] = rx.field(default_factory=list)
    info_open: rx.Field[bool] = rx.field(False)  # the info panel (key I), hidden on open
    # The neighbours' previews, fetched and decoded ahead (assets/rdrive_preload.js).
    prev_src: rx.Field[str] = rx.field("")
    prev_name: rx.Field[str] = rx.field("")
    next_src: rx.Field[str] = rx.field("")
    next_name: rx.Field[str] = rx.field("")
    # Zooming (assets/rdrive_gestures.js): the original's width, and the image shown once
    # zoomed (the original, or its largest rendition), asked for on the first zoom.
    zoom_width: rx.Field[int] = rx.field(0)
    full_src: rx.Field[str] = rx.field("")
    _looks: Looks = {}  # replaced, never changed in place
    _playback_poll: int = 0
    _settling: bool = False  # the open item is still processing or preparing its video

    @rx.var
    def is_open(self) -> bool:
        return self.open_id != ""

    @rx.var
    def player_files(self) -> str:
        """Changes when the files to play do, so the player loads them afresh; not when only
        their signatures or the item's status do (processing finishing while the video plays
        must not restart it)."""
        return player_key(self.open_id, self.sources)

    async def _show(self, item_id: str) -> bool:
        """Open ``item_id`` (False when it is not there to show), and look up its neighbours
        so the page fetches their previews ahead."""
        try:
            item = await asyncio.to_thread(services().items.get, item_id)
        except RDriveError:
            return False
        looks = dict(self._looks)
        urls = signed_urls(services(), item, looks)
        albums = await asyncio.to_thread(album_names, services(), item) if item.albums else []
        if self.open_id != item.id:
            self.full_src = ""
        self.open_id, self.open_name = item.id, item.name
        self.open_kind, self.open_status = item.kind.value, status_label(item)
        self.zoom_width = max(item.shown_size[0] or 0, 0)
        self.info = info_rows(item, albums)
        self.poster = urls["preview_url"] or ""
        self.playback_state = item.playback.state.value if item.playback else ""
        preparing = self.playback_state == PlaybackState.PREPARING.value
        self._settling = preparing or item.status in (Status.UPLOADING, Status.PROCESSING)
        self.playback_note = playback_note(item)
        self.motion_src, self.motion_type = urls["motion_url"] or "", urls["motion_type"] or ""
        if item.kind.value == "video":
            self.sources, self.image_src = video_sources(item, urls), ""
        else:
            # Never the original for a 40 MB photo: the preview rendition, once it exists.
            self.image_src, self.sources = urls["preview_url"] or "", []
        self.can_download = item.status != Status.UPLOADING
        self.favorite = item.favorite
        (await self.get_state(DescribeState))._load(item)
        await self._look_around(looks)
        return True

    async def _look_around(self, looks: Looks) -> None:
        """The previous and next tiles' previews (their URLs kept, so the one decoded ahead
        is the one shown); only the open item's and theirs stay kept."""
        ids = (await showing_grid(self))._item_ids()
        at = ids.index(self.open_id) if self.open_id in ids else -1
        around = [ids[at - 1] if at > 0 else "", ids[at + 1] if 0 <= at < len(ids) - 1 else ""]
        before, after = await asyncio.to_thread(get_items, services(), around)
        shown = [self._preview_of(item, looks) for item in (before, after)]
        (self.prev_src, self.prev_name), (self.next_src, self.next_name) = shown
        keep = {self.open_id, *around}
        self._looks = {k: v for k, v in looks.items() if k in keep}

    @staticmethod
    def _preview_of(item: MediaItem | None, looks: Looks) -> tuple[str, str]:
        if item is None or item.kind.value == "file":
            return "", ""
        return signed_urls(services(), item, looks)["preview_url"] or "", item.name

    def _hide(self) -> None:
        self.open_id = ""
        self.full_src = ""
        self.prev_src = self.next_src = ""
        self.open_kind = ""
        self.sources = []
        self.motion_src = ""
        self.playback_state = ""

    def _url(self, item_id: str) -> EventSpec:
        """``url_script`` for this page: on the search page its search stays in the URL."""
        url = self.router.url
        if not url or (url.path or "").rstrip("/") != SEARCH_ROUTE:
            return url_script(item_id)
        params = url.query_parameters
        return url_script(item_id, {k: v for k, v in params.items() if k in SEARCH_PARAMS})

    def _opened(self) -> list[Any]:
        """After an item is shown: its id in the URL, and polling while it is still being
        processed or its video prepared."""
        events: list[Any] = [self._url(self.open_id)]
        if self._settling:
            events.append(ViewerState.poll_playback)
        return events

    @rx.event(background=True)
    async def poll_playback(self) -> None:
        """While the open item is processed and its video prepared: the progress, then the
        poster and the rendition. A newer poll (another item opened) ends an older one."""
        async with self:
            if await self._require_user() is None:
                return
            self._playback_poll += 1
            mine = self._playback_poll
        while True:
            await asyncio.sleep(PLAYBACK_POLL_SECONDS)
            async with self:
                if mine != self._playback_poll or not self._settling or not self.open_id:
                    return
                if await self._require_user() is None or not await self._show(self.open_id):
                    return

    @protected
    async def toggle_info(self) -> None:
        """Show or hide the info panel (key I); it stays as it is while stepping."""
        self.info_open = not self.info_open

    @protected
    async def load_full(self) -> Any:
        """The first zoom into a photo: the image at the original's resolution (the original
        a browser shows as it is, or the largest rendition, made on this first request)."""
        if self.full_src or self.open_kind != "image":
            return None
        item_id = self.open_id
        try:
            src = await asyncio.to_thread(zoom_url, services(), item_id)
        except RDriveError:
            return None
        if item_id == self.open_id:
            self.full_src = src or self.image_src
        return None

    @protected
    async def toggle_live(self) -> None:
        """Turn a Live Photo's motion on hover and press on or off."""
        self.live_on = not self.live_on

    @protected
    async def toggle_favorite(self) -> Any:
        """Make the open item a favourite, or no longer one."""
        if not self.open_id:
            return None
        try:
            item = await asyncio.to_thread(
                services().items.set_favorite, self.open_id, not self.favorite
            )
        except RDriveError as exc:
            return toast("error", exc.detail, 4000)
        self.favorite = item.favorite
        (await showing_grid(self))._set_favorite(item.id, item.favorite)
        return None

    @protected
    async def favorite_tile(self, item_id: str, on: bool) -> Any:
        """The heart on a tile: the tile, and the viewer if it shows that item, follow."""
        try:
            item = await asyncio.to_thread(services().items.set_favorite, item_id, on)
        except RDriveError as exc:
            return toast("error", exc.detail, 4000)
        (await showing_grid(self))._set_favorite(item.id, item.favorite)
        if self.open_id == item.id:
            self.favorite = item.favorite
        return None

    @protected
    async def download_open(self) -> Any:
        """Download the open item's original under its own name (a fresh signed URL)."""
        try:
            item = await asyncio.to_thread(services().items.get, self.open_id)
        except RDriveError as exc:
            return toast("error", exc.detail, 4000)
        if item.status == Status.UPLOADING:
            return None
        lifetime = services().settings.signed_url_lifetime_s
        url = download_url(item, services().storage.blobs, lifetime)
        return browser_download(url)

    @protected
    async def open_item(self, item_id: str) -> Any:
        """Open an item full screen and put its id in the URL."""
        if not isinstance(item_id, str) or not await self._show(item_id):
            return toast("error", "That item is no longer here.", 4000)
        self.info_open = False
        return self._opened()

    @protected
    async def open_from_url(self) -> Any:
        """on_load: a link with ?item=<id> opens that item."""
        item_id = self.router.url.query_parameters.get("item", "")
        if item_id:
            if not await self._show(item_id):
                return self._url("")
            return self._opened()
        else:
            self.open_id = ""
        return None

    @protected
    async def close(self) -> Any:
        self._hide()
        return self._url("")

    @protected
    async def set_open(self, is_open: bool) -> Any:
        if not is_open:
            self._hide()
            return self._url("")
        return None

    async def _step(self, delta: int) -> Any:
        grid = await showing_grid(self)
        ids = grid._item_ids()
        if self.open_id not in ids:
            return None
        index = ids.index(self.open_id) + delta
        if not 0 <= index < len(ids) and isinstance(grid, TimelineState):
            # The timeline goes on past its window: fetch the next page that way first.
            await grid._extend(older=delta > 0)
            ids = grid._item_ids()
            index = ids.index(self.open_id) + delta if self.open_id in ids else -1
        if not 0 <= index < len(ids):
            return None
        if await self._show(ids[index]):
            return self._opened()
        return None

    @protected
    async def show_next(self) -> Any:
        return await self._step(1)

    @protected
    async def show_previous(self) -> Any:
        return await self._step(-1)
