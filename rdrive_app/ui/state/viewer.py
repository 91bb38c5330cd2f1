"""The full-screen viewer over the grid: one item, ← and → for its neighbours, Esc to close.

The URL names the open item (``?item=<id>``), so a link opens it again.
"""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from rdrive_app.core.domain import MediaItem, Status
from rdrive_app.core.errors import RDriveError
from rdrive_app.services.presenter import download_url, item_urls
from rdrive_app.ui.state.library import LibraryState, duration_label, status_label
from rdrive_app.ui.state.session import authenticated, browser_download, services


def _size_label(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


def info_rows(item: MediaItem) -> list[dict[str, str]]:
    """The info panel: label/value pairs, and a map link when GPS is known."""
    rows = [
        {"label": "Name", "value": item.name, "href": ""},
        {"label": "Size", "value": _size_label(item.size), "href": ""},
    ]
    if item.width and item.height:
        rows.append({"label": "Dimensions", "value": f"{item.width} × {item.height}", "href": ""})
    if item.duration is not None:
        rows.append({"label": "Duration", "value": duration_label(item.duration), "href": ""})
    if item.taken_at:
        rows.append(
            {"label": "Taken", "value": item.taken_at.strftime("%Y-%m-%d %H:%M"), "href": ""}
        )
    if item.camera:
        rows.append({"label": "Camera", "value": item.camera, "href": ""})
    if item.lens:
        rows.append({"label": "Lens", "value": item.lens, "href": ""})
    if item.gps:
        lat, lon = item.gps.lat, item.gps.lon
        rows.append(
            {
                "label": "Place",
                "value": f"{lat:.5f}, {lon:.5f}",
                "href": f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=15/{lat:.6f}/{lon:.6f}",
            }
        )
    rows.append({"label": "Uploaded by", "value": item.uploaded_by, "href": ""})
    rows.append(
        {"label": "Uploaded", "value": item.uploaded_at.strftime("%Y-%m-%d %H:%M UTC"), "href": ""}
    )
    if item.status != Status.READY:
        rows.append({"label": "Status", "value": status_label(item), "href": ""})
    return rows


class ViewerState(LibraryState):
    """The open item."""

    open_id: str = ""
    open_name: str = ""
    open_kind: str = ""
    open_status: str = ""
    image_src: str = ""
    video_src: str = ""
    poster: str = ""
    can_download: bool = False
    info: list[dict[str, str]] = []

    @rx.var
    def is_open(self) -> bool:
        return self.open_id != ""

    async def _show(self, item_id: str) -> bool:
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
        if item.kind.value == "video":
            self.video_src, self.image_src = urls["url"] or "", ""
        else:
            # Never the original for a 40 MB photo: the preview rendition, once it exists.
            self.image_src, self.video_src = urls["preview_url"] or "", ""
        self.can_download = item.status != Status.UPLOADING
        return True

    @rx.event
    @authenticated
    async def download_open(self):
        """Download the open item's original under its own name (a fresh signed URL)."""
        try:
            item = await asyncio.to_thread(services().items.get, self.open_id)
        except RDriveError as exc:
            return rx.toast.error(exc.detail, duration=4000)
        if item.status == Status.UPLOADING:
            return None
        lifetime = services().settings.signed_url_lifetime_s
        url = download_url(item, services().storage.blobs, lifetime)
        return browser_download(url)

    def _url_script(self, item_id: str) -> rx.event.EventSpec:
        query = f"?item={item_id}" if item_id else ""
        return rx.call_script(
            "window.history.replaceState(window.history.state, '', "
            f"window.location.pathname + {json.dumps(query)})"
        )

    @rx.event
    @authenticated
    async def open_item(self, item_id: str):
        """Open an item full screen and put its id in the URL."""
        if not isinstance(item_id, str) or not await self._show(item_id):
            return rx.toast.error("That item is no longer here.", duration=4000)
        return self._url_script(self.open_id)

    @rx.event
    @authenticated
    async def open_from_url(self):
        """on_load: a link with ?item=<id> opens that item."""
        item_id = self.router.url.query_parameters.get("item", "")
        if item_id:
            if not await self._show(item_id):
                return self._url_script("")
        else:
            self.open_id = ""
        return None

    @rx.event
    @authenticated
    async def close(self):
        self.open_id = ""
        self.open_kind = ""
        self.video_src = ""
        return self._url_script("")

    @rx.event
    @authenticated
    async def set_open(self, is_open: bool):
        if not is_open:
            self.open_id = ""
            self.open_kind = ""
            self.video_src = ""
            return self._url_script("")
        return None

    async def _step(self, delta: int):
        ids = [r["id"] for r in self.items]
        if self.open_id not in ids:
            return None
        index = ids.index(self.open_id) + delta
        if not 0 <= index < len(ids):
            return None
        if await self._show(ids[index]):
            return self._url_script(self.open_id)
        return None

    @rx.event
    @authenticated
    async def show_next(self):
        return await self._step(1)

    @rx.event
    @authenticated
    async def show_previous(self):
        return await self._step(-1)
