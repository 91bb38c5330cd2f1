"""The folder page: which folder is open, its subfolders, a page of items at a time, selection.

Only pages of items are kept in state (the next one is fetched when the "Load more" sentinel
scrolls into view), so a folder of 10 000 items opens as fast as one of 100. The grid
(``ui/components/grid.py``) and the page (``ui/pages/library.py``) show it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any
from urllib.parse import quote, unquote

import reflex as rx

from rdrive_app.core.domain import ROOT, Folder, Kind, MediaItem
from rdrive_app.core.errors import NotFound, RDriveError
from rdrive_app.services.presenter import item_urls
from rdrive_app.ui.routes import FOLDER_ROUTE_PREFIX
from rdrive_app.ui.state.labels import duration_label, status_label
from rdrive_app.ui.state.paging import load_page
from rdrive_app.ui.state.selection import toggle_in
from rdrive_app.ui.state.session import (
    SessionState,
    form_field,
    protected,
    services,
    toast,
)

PAGE_SIZE = 60
POLL_SECONDS = 1.5
KINDS = ("all", "image", "video", "file")
SORTS = ("name", "taken", "uploaded")


def folder_href(path: str) -> str:
    """The page URL of a folder: one route per folder, so it can be bookmarked."""
    if path == ROOT:
        return FOLDER_ROUTE_PREFIX
    return FOLDER_ROUTE_PREFIX + "/".join(quote(seg, safe="") for seg in path.split("/"))


def folder_from_url(url_path: str) -> str:
    """The folder path a page URL names ('/folder/a/b' → '/a/b', '/' → '/')."""
    if not url_path.startswith(FOLDER_ROUTE_PREFIX + "/"):
        return ROOT
    rest = url_path[len(FOLDER_ROUTE_PREFIX) :]
    return "/" + "/".join(unquote(seg) for seg in rest.split("/") if seg)


@dataclasses.dataclass
class FolderRow:
    """A subfolder tile, a breadcrumb step or a row of the move picker."""

    name: str = ""
    path: str = ""
    href: str = ""


@dataclasses.dataclass
class ItemRow:
    """What every tile of an item shows, in the grid or in the Trash: its thumbnail or type."""

    id: str = ""
    name: str = ""
    kind: str = ""
    thumb: str = ""


@dataclasses.dataclass
class TileRow(ItemRow):
    """What one grid tile needs (kept small: this is per item in the client's state)."""

    status: str = ""
    status_label: str = ""
    duration: str = ""
    live: bool = False
    favorite: bool = False
    width: int = 1  # the tile's shape in its justified row (a plain file's is square)
    height: int = 1


def tile_shape(item: MediaItem) -> tuple[int, int]:
    """The shape an item's tile keeps in a justified row: its picture's, turned as the user
    turned it; square for a plain file or an item not yet measured."""
    if item.kind == Kind.FILE or not item.width or not item.height:
        return 1, 1
    if item.turn in (90, 270):  # the user's quarter turn swaps the tile's sides
        return item.height, item.width
    return item.width, item.height


def folder_row(folder: Folder) -> FolderRow:
    return FolderRow(name=folder.name, path=folder.path, href=folder_href(folder.path))


def item_row(item: MediaItem) -> ItemRow:
    settings = services().settings
    urls = item_urls(item, services().storage.blobs, settings.signed_url_lifetime_s)
    return ItemRow(
        id=item.id, name=item.name, kind=item.kind.value, thumb=urls["thumbnail_url"] or ""
    )


def tile_row(item: MediaItem) -> TileRow:
    width, height = tile_shape(item)
    return TileRow(
        **dataclasses.asdict(item_row(item)),
        status=item.status.value,
        status_label=status_label(item),
        duration=duration_label(item.duration),
        live=item.motion is not None and item.motion.play_key is not None,
        favorite=item.favorite,
        width=width,
        height=height,
    )


def _stem(name: str) -> str:
    """'IMG_1234.HEIC' → 'IMG_1234': how the halves of a Live Photo are named alike."""
    return name.rpartition(".")[0] or name


def crumbs(path: str) -> list[FolderRow]:
    rows = [FolderRow(name="Library", path=ROOT, href=FOLDER_ROUTE_PREFIX)]
    current = ""
    for segment in [s for s in path.split("/") if s]:
        current += "/" + segment
        rows.append(FolderRow(name=segment, path=current, href=folder_href(current)))
    return rows


class FolderState(SessionState):
    """What the folder page shows: the open folder, its tiles and the selection."""

    folder: rx.Field[str] = rx.field(ROOT)
    subfolders: rx.Field[list[FolderRow]] = rx.field(default_factory=list)
    breadcrumbs: rx.Field[list[FolderRow]] = rx.field(default_factory=list)
    missing: rx.Field[bool] = rx.field(False)
    items: rx.Field[list[TileRow]] = rx.field(default_factory=list)
    next_cursor: rx.Field[str] = rx.field("")
    loading_more: rx.Field[bool] = rx.field(False)
    kind: rx.Field[str] = rx.field("all")
    sort: rx.Field[str] = rx.field("name")
    selected: rx.Field[list[str]] = rx.field(default_factory=list)
    _anchor: rx.Field[str] = rx.field("")
    new_folder_open: rx.Field[bool] = rx.field(False)
    new_folder_error: rx.Field[str] = rx.field("")
    _polling: rx.Field[bool] = rx.field(False)

    @rx.var
    def has_more(self) -> bool:
        return self.next_cursor != ""

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    @rx.var
    def folder_name(self) -> str:
        return self.folder.rsplit("/", 1)[-1] or "Library"

    def _item_ids(self) -> list[str]:
        return [row.id for row in self.items]

    # loading
    @protected
    async def load_folder(self) -> Any:
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
            self.breadcrumbs = crumbs(ROOT)
            return None
        self.folder, self.missing = path, False
        self.subfolders = [folder_row(f) for f in folders]
        self.breadcrumbs = crumbs(path)
        await self._load_items()
        return FolderState.poll_pending

    async def _load_items(self, cursor: str | None = None) -> None:
        """The first page of the open folder's items, or (with ``cursor``) the next one."""
        self.items, self.next_cursor = await load_page(
            self.items,
            services().items.list_page,
            tile_row,
            cursor=cursor,
            folder=self.folder,
            kind=self.kind,
            sort=self.sort,
            limit=PAGE_SIZE,
        )

    async def _reload_subfolders(self) -> None:
        folders = await asyncio.to_thread(services().folders.list_folders, self.folder)
        self.subfolders = [folder_row(f) for f in folders]

    @protected
    async def load_more(self) -> None:
        """The next page (infinite scroll presses the "Load more" sentinel)."""
        if not self.next_cursor or self.loading_more:
            return
        self.loading_more = True
        try:
            await self._load_items(self.next_cursor)
        except RDriveError:
            self.next_cursor = ""
        finally:
            self.loading_more = False

    @protected
    async def set_kind(self, kind: str) -> None:
        if kind in KINDS:
            self.kind = kind
            self.selected = []
            await self._load_items()

    @protected
    async def set_sort(self, sort: str) -> None:
        if sort in SORTS:
            self.sort = sort
            await self._load_items()

    @rx.event(background=True)
    async def poll_pending(self) -> None:
        """While tiles are uploading or processing, refresh them until they settle."""
        async with self:
            if self._polling or await self._require_user() is None:
                return
            self._polling = True
        stopped = False
        try:
            while True:
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    pending = [r.id for r in self.items if r.status == "processing"]
                    if not pending or await self._require_user() is None:
                        # under the same lock as the check: a tile that turns "processing"
                        # after it starts a new poll (it found none running), never is missed
                        self._polling, stopped = False, True
                        return
                    fresh = await asyncio.to_thread(self._fetch_rows, pending)
                    halves = self._halves(pending, fresh)
                    fresh.update(await asyncio.to_thread(self._fetch_rows, halves))
                    self.items = [fresh.get(r.id) or r for r in self.items]
                    self._drop_tiles({i for i, row in fresh.items() if row is None})
        finally:
            if not stopped:  # cancelled or failed: let the next call poll again
                async with self:
                    self._polling = False

    def _halves(self, pending: list[str], fresh: dict[str, TileRow | None]) -> list[str]:
        """Tiles that may have changed with the ones just refreshed: a Live Photo's other half
        (same name stem), taken into its still or become one, is fetched again too."""
        stems = {
            _stem(r.name)
            for r in self.items
            if r.id in fresh and ((row := fresh[r.id]) is None or row.live)
        }
        return [r.id for r in self.items if r.id not in fresh and _stem(r.name) in stems]

    @staticmethod
    def _fetch_rows(ids: list[str]) -> dict[str, TileRow | None]:
        """Fresh rows by id; None for an item that is gone (not for one that failed to load)."""
        rows: dict[str, TileRow | None] = {}
        for item_id in ids:
            try:
                rows[item_id] = tile_row(services().items.get(item_id))
            except NotFound:
                rows[item_id] = None
            except RDriveError:
                continue
        return rows

    def _upsert_tile(self, item: MediaItem) -> None:
        """Show a new or changed item in the grid if it belongs to the open folder (and is
        not a client's housekeeping file, which the page never shows)."""
        row = tile_row(item)
        if item.folder != self.folder or item.deleted_at is not None or item.housekeeping:
            self.items = [r for r in self.items if r.id != item.id]
            return
        if item.id in self._item_ids():
            self.items = [row if r.id == item.id else r for r in self.items]
        else:
            self.items = [*self.items, row]

    def _drop_tiles(self, gone: set[str]) -> None:
        """Tiles that left the open folder leave the grid and the selection."""
        self.items = [r for r in self.items if r.id not in gone]
        self.selected = [i for i in self.selected if i not in gone]

    def _set_favorite(self, item_id: str, on: bool) -> None:
        """A tile's heart follows its item (pressed on the tile or in the viewer)."""
        self.items = [
            dataclasses.replace(r, favorite=on) if r.id == item_id else r for r in self.items
        ]

    def _label_tiles(self, labels: dict[str, str]) -> None:
        """Show a progress label ("Uploading 40 %") on the tiles still uploading."""
        self.items = [
            dataclasses.replace(r, status_label=labels[r.id])
            if r.id in labels and r.status == "uploading"
            else r
            for r in self.items
        ]

    # selection
    @protected
    async def toggle_select(self, item_id: str, shift: bool = False) -> None:
        """Tick one tile; with shift, tick every tile between the last one and this one."""
        toggle_in(self, item_id, shift)

    @protected
    async def select_all(self) -> None:
        all_ids = self._item_ids()
        self.selected = [] if len(self.selected) == len(all_ids) else all_ids

    @protected
    async def clear_selection(self) -> None:
        self.selected = []

    # folders
    @protected
    async def set_new_folder_open(self, is_open: bool) -> None:
        self.new_folder_open, self.new_folder_error = bool(is_open), ""

    @protected
    async def create_folder(self, form_data: dict) -> Any:
        """Create a folder in the open one; a bad or taken name shows why, nothing changes."""
        name = form_field(form_data, "name")
        try:
            await asyncio.to_thread(services().folders.create_subfolder, self.folder, name)
            await self._reload_subfolders()
        except RDriveError as exc:
            self.new_folder_error = exc.detail
            return None
        self.new_folder_open = False
        self.new_folder_error = ""
        return toast("success", f"Created folder “{name}”", 3000)
