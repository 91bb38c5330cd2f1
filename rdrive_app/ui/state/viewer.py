"""The full-screen viewer over the grid: one item, ← and → for its neighbours, Esc to close.

The URL names the open item (``?item=<id>``), so a link opens it again. The neighbours are the
tiles of the grid shown (the open folder's, or the timeline's, which fetches past its window:
``grids.showing_grid``); the view is ``ui/components/viewer.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.playback import PlaybackState
from rdrive_app.services.presenter import download_url, item_urls
from rdrive_app.ui.routes import SEARCH_ROUTE
from rdrive_app.ui.state.describe import DescribeState
from rdrive_app.ui.state.grids import showing_grid
from rdrive_app.ui.state.labels import duration_label, playback_note, size_label, status_label
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

PLAYBACK_POLL_SECONDS = 2.0


@dataclasses.dataclass
class InfoRow:
    """One line of the info panel; ``href`` is set for the map link."""

    label: str = ""
    value: str = ""
    href: str = ""


def info_rows(item: MediaItem) -> list[InfoRow]:
    """The info panel: label/value pairs, the place's name, and a map link when GPS is known."""
    rows = [InfoRow("Name", item.name), InfoRow("Size", size_label(item.size))]
    width, height = item.shown_size
    if width and height:
        rows.append(InfoRow("Dimensions", f"{width} × {height}"))
    if item.duration is not None:
        rows.append(InfoRow("Duration", duration_label(item.duration)))
    if item.taken_at:
        rows.append(InfoRow("Taken", item.taken_at.strftime("%Y-%m-%d %H:%M")))
    if item.rating is not None:
        rows.append(InfoRow("Rating", f"{'★' * item.rating}{'☆' * (5 - item.rating)}"))
    if item.camera:
        rows.append(InfoRow("Camera", item.camera))
    if item.lens:
        rows.append(InfoRow("Lens", item.lens))
    if item.place is not None:  # the place in words, above its position's map link
        rows.append(InfoRow("Place", item.place.label))
    if item.gps:
        lat, lon = item.gps.lat, item.gps.lon
        rows.append(
            InfoRow(
                "Position" if item.place is not None else "Place",
                f"{lat:.5f}, {lon:.5f}",
                f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=15/{lat:.6f}/{lon:.6f}",
            )
        )
    rows.append(InfoRow("Uploaded by", item.uploaded_by))
    rows.append(InfoRow("Uploaded", item.uploaded_at.strftime("%Y-%m-%d %H:%M UTC")))
    if item.status != Status.READY:
        rows.append(InfoRow("Status", status_label(item)))
    return rows


@dataclasses.dataclass
class VideoSource:
    """One ``<source>`` of the player: the browser plays the first whose type it can."""

    src: str = ""
    type: str = ""


def video_sources(item: MediaItem, urls: dict[str, str | None]) -> list[VideoSource]:
    """The original first when a rendition exists too (Safari plays an iPhone's HEVC as it
    is; Chrome and Firefox answer "" for its type and take the rendition), else what plays."""
    original = VideoSource(urls["url"] or "", urls["url_type"] or item.content_type)
    playing = urls["playback_url"]
    if not original.src:
        return []
    if not playing or playing == original.src:
        return [VideoSource(playing or original.src, urls["playback_type"] or original.type)]
    return [original, VideoSource(playing, urls["playback_type"] or "video/mp4")]


def player_key(item_id: str, sources: list[VideoSource]) -> str:
    """Which files a player plays, without their signatures (they change at every look)."""
    files = "|".join(source.src.split("?", 1)[0] for source in sources)
    return f"{item_id}:{files}"


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
        """Open ``item_id`` (False when it is not there to show)."""
        try:
            item = await asyncio.to_thread(services().items.get, item_id)
        except RDriveError:
            return False
        lifetime = services().settings.signed_url_lifetime_s
        blobs = services().storage.blobs
        urls = await asyncio.to_thread(item_urls, item, blobs, lifetime)
        self.open_id, self.open_name = item.id, item.name
        self.open_kind, self.open_status = item.kind.value, status_label(item)
        self.info = info_rows(item)
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
        return True

    def _hide(self) -> None:
        self.open_id = ""
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
