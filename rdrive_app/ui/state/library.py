"""The folder page: which folder is open, its subfolders, a page of items at a time, selection.

Only pages of items are kept in state (the next one is fetched when the "Load more" sentinel
scrolls into view), so a folder of 10 000 items opens as fast as one of 100.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote, unquote

import reflex as rx

from rdrive_app.core.domain import ROOT, Folder, MediaItem, Status
from rdrive_app.core.errors import RDriveError
from rdrive_app.services.presenter import item_urls
from rdrive_app.ui.state.session import SessionState, authenticated, browser_download, services

FOLDER_ROUTE_PREFIX = "/folder"
PAGE_SIZE = 60
POLL_SECONDS = 1.5
KINDS = ("all", "image", "video")
SORTS = ("name", "taken", "uploaded")


def folder_href(path: str) -> str:
    """The page URL of a folder: one route per folder, so it can be bookmarked."""
    if path == ROOT:
        return "/"
    return FOLDER_ROUTE_PREFIX + "/".join(quote(seg, safe="") for seg in path.split("/"))


def folder_from_url(url_path: str) -> str:
    """The folder path a page URL names ('/folder/a/b' → '/a/b', '/' → '/')."""
    if not url_path.startswith(FOLDER_ROUTE_PREFIX + "/"):
        return ROOT
    rest = url_path[len(FOLDER_ROUTE_PREFIX) :]
    return "/" + "/".join(unquote(seg) for seg in rest.split("/") if seg)


def folder_row(folder: Folder) -> dict[str, str]:
    return {"name": folder.name, "path": folder.path, "href": folder_href(folder.path)}


def duration_label(seconds: float | None) -> str:
    """'0:07', '12:05', '1:02:03'."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_label(item: MediaItem) -> str:
    if item.status == Status.FAILED:
        return f"Failed: {item.status_reason or 'unknown reason'}"
    if item.status == Status.PROCESSING:
        return "Processing…"
    if item.status == Status.UPLOADING:
        return "Uploading…"
    return ""


def tile_row(item: MediaItem) -> dict[str, str]:
    """What one grid tile needs (kept small: this is per item in the client's state)."""
    settings = services().settings
    urls = item_urls(item, services().storage.blobs, settings.signed_url_lifetime_s)
    return {
        "id": item.id,
        "name": item.name,
        "kind": item.kind.value,
        "status": item.status.value,
        "status_label": status_label(item),
        "thumb": urls["thumbnail_url"] or "",
        "duration": duration_label(item.duration),
    }


class LibraryState(SessionState):
    """What the folder page shows."""

    folder: str = ROOT
    subfolders: list[dict[str, str]] = []
    breadcrumbs: list[dict[str, str]] = []
    missing: bool = False
    items: list[dict[str, str]] = []
    next_cursor: str = ""
    loading_more: bool = False
    kind: str = "all"
    sort: str = "name"
    selected: list[str] = []
    _anchor: str = ""
    new_folder_open: bool = False
    new_folder_error: str = ""
    _polling: bool = False

    @rx.var
    def has_more(self) -> bool:
        return self.next_cursor != ""

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    @rx.var
    def folder_name(self) -> str:
        return self.folder.rsplit("/", 1)[-1] or "Library"

    # loading
    @rx.event
    @authenticated
    async def load_folder(self):
        """on_load: read the folder named by the URL, its subfolders and first page."""
        path = folder_from_url(self.router.url.path or "/")
        self.new_folder_open = False
        self.selected = []
        self._anchor = ""
        try:
            folders = await asyncio.to_thread(services().folders.list_folders, path)
        except RDriveError:
            self.folder, self.subfolders, self.items, self.missing = path, [], [], True
            self.next_cursor = ""
            self.breadcrumbs = self._crumbs(ROOT)
            return None
        self.folder, self.missing = path, False
        self.subfolders = [folder_row(f) for f in folders]
        self.breadcrumbs = self._crumbs(path)
        await self._reload_items()
        return LibraryState.poll_pending

    async def _reload_items(self) -> None:
        page = await asyncio.to_thread(
            services().items.list_page,
            self.folder,
            kind=self.kind,
            sort=self.sort,
            limit=PAGE_SIZE,
        )
        self.items = [tile_row(i) for i in page.items]
        self.next_cursor = page.next_cursor or ""

    @staticmethod
    def _crumbs(path: str) -> list[dict[str, str]]:
        crumbs = [{"name": "Library", "href": "/"}]
        current = ""
        for segment in [s for s in path.split("/") if s]:
            current += "/" + segment
            crumbs.append({"name": segment, "href": folder_href(current)})
        return crumbs

    @rx.event
    @authenticated
    async def load_more(self) -> None:
        """The next page (infinite scroll presses the "Load more" sentinel)."""
        if not self.next_cursor or self.loading_more:
            return
        self.loading_more = True
        try:
            page = await asyncio.to_thread(
                services().items.list_page,
                self.folder,
                kind=self.kind,
                sort=self.sort,
                limit=PAGE_SIZE,
                cursor=self.next_cursor,
            )
        except RDriveError:
            self.next_cursor = ""
            return
        finally:
            self.loading_more = False
        known = {row["id"] for row in self.items}
        self.items = self.items + [tile_row(i) for i in page.items if i.id not in known]
        self.next_cursor = page.next_cursor or ""

    @rx.event
    @authenticated
    async def set_kind(self, kind: str) -> None:
        if kind in KINDS:
            self.kind = kind
            self.selected = []
            await self._reload_items()

    @rx.event
    @authenticated
    async def set_sort(self, sort: str) -> None:
        if sort in SORTS:
            self.sort = sort
            await self._reload_items()

    @rx.event(background=True)
    async def poll_pending(self):
        """While tiles are uploading or processing, refresh them until they settle."""
        async with self:
            if self._polling or await self._require_user() is None:
                return
            self._polling = True
        try:
            while True:
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    pending = [r["id"] for r in self.items if r["status"] == "processing"]
                    if not pending or await self._require_user() is None:
                        return
                    fresh = await asyncio.to_thread(self._fetch_rows, pending)
                    self.items = [fresh.get(r["id"], r) for r in self.items]
        finally:
            async with self:
                self._polling = False

    @staticmethod
    def _fetch_rows(ids: list[str]) -> dict[str, dict[str, str]]:
        rows = {}
        for item_id in ids:
            try:
                rows[item_id] = tile_row(services().items.get(item_id))
            except RDriveError:
                continue
        return rows

    def _upsert_tile(self, item: MediaItem) -> None:
        """Show a new or changed item in the grid if it belongs to the open folder."""
        row = tile_row(item)
        if item.folder != self.folder or item.deleted_at is not None:
            self.items = [r for r in self.items if r["id"] != item.id]
            return
        if any(r["id"] == item.id for r in self.items):
            self.items = [row if r["id"] == item.id else r for r in self.items]
        else:
            self.items = [*self.items, row]

    # selection
    @rx.event
    @authenticated
    async def toggle_select(self, item_id: str, shift: bool = False) -> None:
        """Tick one tile; with shift, tick every tile between the last one and this one."""
        ids = [r["id"] for r in self.items]
        if item_id not in ids:
            return
        if shift and self._anchor in ids:
            a, b = sorted((ids.index(self._anchor), ids.index(item_id)))
            chosen = set(self.selected) | set(ids[a : b + 1])
            self.selected = [i for i in ids if i in chosen]
        elif item_id in self.selected:
            self.selected = [i for i in self.selected if i != item_id]
        else:
            self.selected = [*self.selected, item_id]
        self._anchor = item_id

    @rx.event
    @authenticated
    async def select_all(self) -> None:
        all_ids = [r["id"] for r in self.items]
        self.selected = [] if len(self.selected) == len(all_ids) else all_ids

    @rx.event
    @authenticated
    async def clear_selection(self) -> None:
        self.selected = []

    # folders
    @rx.event
    @authenticated
    async def set_new_folder_open(self, is_open: bool) -> None:
        self.new_folder_open = bool(is_open)
        self.new_folder_error = ""

    @rx.event
    @authenticated
    async def create_folder(self, form_data: dict):
        """Create a folder in the open one; a bad or taken name shows why, nothing changes."""
        name = form_data.get("name") if isinstance(form_data, dict) else None
        try:
            await asyncio.to_thread(services().folders.create_subfolder, self.folder, name)
            folders = await asyncio.to_thread(services().folders.list_folders, self.folder)
        except RDriveError as exc:
            self.new_folder_error = exc.detail
            return None
        self.subfolders = [folder_row(f) for f in folders]
        self.new_folder_open = False
        self.new_folder_error = ""
        return rx.toast.success(f"Created folder “{name}”", duration=3000)

    @rx.event
    @authenticated
    async def download_selected(self):
        """Start a ZIP download of the selected items in the browser."""
        if not self.selected:
            return None
        url = await asyncio.to_thread(services().zip_tickets.issue, list(self.selected))
        return browser_download(url)
