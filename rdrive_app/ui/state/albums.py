"""Albums in the app: the Albums page's cards, one album's page, and "Add to album" from any grid.

An album never moves or deletes its photos (services/albums.py). The album page's grid is the
timeline's, over the album's items (``TimelineState.album_id``); this state holds what is about
the album itself (its name and count, the rename and delete dialogs) and the "Add to album"
dialog every grid's selection opens. Every message about a name or an item the service refuses
is the service's own (a clash is its 409's detail).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any
from urllib.parse import quote

import reflex as rx

from rdrive_app.core.albums import AlbumChange, AlbumSummary
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.routes import ALBUMS_ROUTE
from rdrive_app.ui.state.folder import item_row
from rdrive_app.ui.state.grids import showing_grid
from rdrive_app.ui.state.session import (
    SessionState,
    attempt,
    browser_download,
    form_field,
    protected,
    services,
    toast,
)
from rdrive_app.ui.state.timeline import TimelineState, album_from_url
from rdrive_app.ui.state.viewer import ViewerState


def album_href(album_id: str) -> str:
    """An album's page: its own URL, so it can be bookmarked."""
    return f"{ALBUMS_ROUTE}/{quote(album_id, safe='')}"


def count_label(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def added_message(change: AlbumChange, name: str) -> str:
    """What "Add to album" did: how many were added, how many were in it already."""
    message = f"Added {count_label(len(change.changed))} to “{name}”"
    if change.unchanged:
        were = "was" if len(change.unchanged) == 1 else "were"
        message += f"; {len(change.unchanged)} {were} already there"
    return message + "."


@dataclasses.dataclass
class AlbumCard:
    """One album on the Albums page (and a choice in the "Add to album" dialog)."""

    id: str = ""
    name: str = ""
    count: str = ""
    cover: str = ""  # the cover's thumbnail, "" while the album is empty
    href: str = ""


def album_card(summary: AlbumSummary) -> AlbumCard:
    album = summary.album
    cover = item_row(summary.cover).thumb if summary.cover is not None else ""
    return AlbumCard(album.id, album.name, count_label(summary.count), cover, album_href(album.id))


class AlbumState(SessionState):
    """The albums, the album shown, and the dialogs that create, fill, rename and delete them."""

    albums: rx.Field[list[AlbumCard]] = rx.field(default_factory=list)
    loaded: rx.Field[bool] = rx.field(False)
    dialog: rx.Field[str] = rx.field("")  # the dialog open: "new", "add", "rename", "delete"
    error: rx.Field[str] = rx.field("")  # why the open dialog's name or items were refused
    _add_ids: rx.Field[list[str]] = rx.field(default_factory=list)
    album_id: rx.Field[str] = rx.field("")  # the album page's album
    album_name: rx.Field[str] = rx.field("")
    album_count: rx.Field[str] = rx.field("")
    missing: rx.Field[bool] = rx.field(False)

    async def _read_albums(self) -> None:
        summaries = await asyncio.to_thread(services().albums.list)
        self.albums = [album_card(s) for s in summaries]
        self.loaded = True

    # the Albums page
    @protected
    async def load_albums(self) -> None:
        """on_load of /albums: every album, by name."""
        self.dialog, self.error = "", ""
        await self._read_albums()

    @protected
    async def open_dialog(self, which: str) -> None:
        """A button opens "New album", "Rename album" or "Delete album"."""
        if which in ("new", "rename", "delete"):
            self.dialog, self.error = which, ""

    @protected
    async def dialog_changed(self, is_open: bool) -> None:
        """A dialog closed (Esc, Cancel, outside): none is open."""
        if not is_open:
            self.dialog, self.error = "", ""

    @protected
    async def create_album(self, form_data: dict) -> Any:
        """A new, empty album; a bad or taken name says why and nothing is created."""
        album, self.error = await attempt(services().albums.create, form_field(form_data, "name"))
        if album is None:
            return None
        self.dialog = ""
        await self._read_albums()
        return toast("success", f"Created album “{album.name}”", 3000)

    # Add to album (from any grid's selection, or the viewer's item)
    async def _targets(self) -> list[str]:
        viewer = await self.get_state(ViewerState)
        if viewer.open_id:
            return [viewer.open_id]
        return list((await showing_grid(self)).selected)

    @protected
    async def start_add_selected(self) -> None:
        """Open "Add to album" for the open item or the selected tiles."""
        ids = await self._targets()
        if not ids:
            return
        self._add_ids, self.error, self.dialog = ids, "", "add"
        await self._read_albums()

    async def _add(self, album_id: str, name: str) -> Any:
        change, self.error = await attempt(services().albums.add, album_id, self._add_ids)
        if change is None:
            return None
        self.dialog, self._add_ids = "", []
        if album_id == self.album_id:
            await self._read_album()
        return toast("success", added_message(change, name), 4000)

    @protected
    async def add_to(self, album_id: str) -> Any:
        """Add the chosen items to an existing album."""
        summary, self.error = await attempt(services().albums.get, album_id)
        if summary is None:
            return None
        return await self._add(summary.album.id, summary.album.name)

    @protected
    async def add_to_new(self, form_data: dict) -> Any:
        """ "New album…" in the dialog: create it, then add the chosen items to it."""
        if not self._add_ids:
            return None
        album, self.error = await attempt(services().albums.create, form_field(form_data, "name"))
        if album is None:
            return None
        return await self._add(album.id, album.name)

    # one album's page
    async def _read_album(self) -> None:
        try:
            summary = await asyncio.to_thread(services().albums.get, self.album_id)
        except RDriveError:
            self.missing, self.album_name, self.album_count = True, "", ""
            return
        self.missing = False
        self.album_name, self.album_count = summary.album.name, count_label(summary.count)

    @protected
    async def load_album(self) -> None:
        """on_load of /albums/<id>: the album's name and count (its grid is TimelineState's)."""
        self.album_id = album_from_url(self.router.url.path or "")
        self.dialog = self.error = ""
        await self._read_album()

    @protected
    async def rename_album(self, form_data: dict) -> Any:
        """A new name; one another album has is refused (409) and nothing is renamed."""
        name = form_field(form_data, "name")
        album, self.error = await attempt(services().albums.rename, self.album_id, name)
        if album is None:
            return None
        self.dialog, self.album_name = "", album.name
        return toast("success", f"Renamed to “{album.name}”", 3000)

    @protected
    async def delete_album(self) -> Any:
        """Forget the album (its photos stay where they are) and go back to the albums."""
        try:
            await asyncio.to_thread(services().albums.delete, self.album_id)
        except RDriveError as exc:
            return toast("error", exc.detail, 5000)
        self.dialog = ""
        return [
            rx.redirect(ALBUMS_ROUTE, replace=True),
            toast("success", f"Deleted album “{self.album_name}”", 3000),
        ]

    @protected
    async def remove_selected(self) -> Any:
        """Take the selected tiles out of the album (never out of the library)."""
        grid = await self.get_state(TimelineState)
        if not self.album_id or not grid.selected:
            return None
        change, error = await attempt(services().albums.remove, self.album_id, list(grid.selected))
        if change is None:
            return toast("error", error, 5000)
        grid._drop_tiles(set(change.changed))
        await self._read_album()
        return toast("success", f"Removed {count_label(len(change.changed))} from the album.", 3000)

    @protected
    async def set_cover(self) -> Any:
        """The open item, or the one selected tile, becomes the album's cover."""
        targets = await self._targets()
        if not self.album_id or len(targets) != 1:
            return None
        album, error = await attempt(services().albums.set_cover, self.album_id, targets[0])
        if album is None:
            return toast("error", error, 5000)
        return toast("success", "Set as the album's cover.", 3000)

    @protected
    async def download_album(self) -> Any:
        """A ZIP of the album, by a short-lived link."""
        if not self.album_id or self.missing:
            return None
        url = await asyncio.to_thread(services().zip_tickets.issue_album, self.album_id)
        return browser_download(url)
