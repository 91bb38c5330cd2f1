"""Rename, move (by the dialog or by dragging tiles onto a folder) and delete (to the trash),
the last move or delete with Undo; and the selection bar's own actions (Favourite, the tiles a
band crossed).

Every change is metadata-only and conditional: a clash shows a message and nothing is
overwritten. The targets are the viewer's open item or the selection of the grid shown
(``ViewerState``, ``grids.showing_grid``); the dialogs are ``ui/components/dialogs.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rdrive_app.core.domain import ROOT, join_path, selection, split_path
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.folder import FolderRow, FolderState, folder_href, folder_row
from rdrive_app.ui.state.grids import on_timeline, showing_grid
from rdrive_app.ui.state.selection import joined
from rdrive_app.ui.state.session import (
    SessionState,
    browser_download,
    form_field,
    in_background,
    protected,
    services,
    toast,
)
from rdrive_app.ui.state.timeline import TimelineState
from rdrive_app.ui.state.viewer import ViewerState

UNDO_SECONDS = 10  # how long "Moved 3 items to the trash. Undo" stays


def _plural(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


class OrganizeState(SessionState):
    """The rename and move dialogs, and the Undo notice after a delete."""

    rename_open: rx.Field[bool] = rx.field(False)
    rename_target: rx.Field[str] = rx.field("")  # "item:<id>" or "folder:<path>"
    rename_value: rx.Field[str] = rx.field("")
    rename_error: rx.Field[str] = rx.field("")
    move_open: rx.Field[bool] = rx.field(False)
    move_ids: rx.Field[list[str]] = rx.field(default_factory=list)
    move_folder_path: rx.Field[str] = rx.field("")
    picker_path: rx.Field[str] = rx.field(ROOT)
    picker_folders: rx.Field[list[FolderRow]] = rx.field(default_factory=list)
    move_error: rx.Field[str] = rx.field("")
    undo_ids: rx.Field[list[str]] = rx.field(default_factory=list)  # trashed, to restore
    _undo_moves: rx.Field[dict[str, str]] = rx.field(default_factory=dict)  # id → its folder
    undo_message: rx.Field[str] = rx.field("")
    undo_stamp: rx.Field[int] = rx.field(0)  # each notice's own: the one shown is remounted

    async def _targets(self) -> list[str]:
        """The open item, or else the selected tiles."""
        viewer = await self.get_state(ViewerState)
        if viewer.open_id:
            return [viewer.open_id]
        return list((await showing_grid(self)).selected)

    async def _open_folder(self) -> str:
        return (await self.get_state(FolderState)).folder

    # rename
    async def _begin_rename_item(self, item_id: str) -> None:
        try:
            item = await asyncio.to_thread(services().items.get, item_id)
        except RDriveError:
            return
        self.rename_target, self.rename_value = f"item:{item.id}", item.name
        self.rename_error, self.rename_open = "", True

    @protected
    async def start_rename_item(self, item_id: str) -> None:
        await self._begin_rename_item(item_id)

    @protected
    async def start_rename_selected(self) -> None:
        """Rename the open item, or the one selected tile."""
        viewer = await self.get_state(ViewerState)
        selected = (await showing_grid(self)).selected
        if viewer.open_id:
            await self._begin_rename_item(viewer.open_id)
        elif len(selected) == 1:
            await self._begin_rename_item(selected[0])

    @protected
    async def start_rename_folder(self) -> None:
        folder = await self._open_folder()
        if folder == ROOT:
            return
        self.rename_target = f"folder:{folder}"
        self.rename_value = split_path(folder)[1]
        self.rename_error, self.rename_open = "", True

    @protected
    async def set_rename_open(self, is_open: bool) -> None:
        self.rename_open, self.rename_error = bool(is_open), ""

    @protected
    async def submit_rename(self, form_data: dict) -> Any:
        new_name = form_field(form_data, "name")
        kind, _, target = self.rename_target.partition(":")
        try:
            if kind == "item":
                item = await asyncio.to_thread(
                    lambda: services().items.rename_or_move(target, name=new_name)
                )
                (await self.get_state(FolderState))._upsert_tile(item)
                viewer = await self.get_state(ViewerState)
                if viewer.open_id == item.id:
                    await viewer._show(item.id)
            elif kind == "folder":
                parent = split_path(target)[0]
                moved = await asyncio.to_thread(
                    services().folders.move_folder, target, join_path(parent, str(new_name or ""))
                )
                self.rename_open = False
                return rx.redirect(folder_href(moved.path), replace=True)
            else:
                return None
        except RDriveError as exc:
            self.rename_error = exc.detail
            return None
        self.rename_open = False
        return toast("success", f"Renamed to “{new_name}”", 3000)

    # move
    async def _open_picker(self, path: str) -> None:
        try:
            folders = await asyncio.to_thread(services().folders.list_folders, path)
        except RDriveError:
            path, folders = ROOT, await asyncio.to_thread(services().folders.list_folders, ROOT)
        self.picker_path = path
        self.picker_folders = [folder_row(f) for f in folders]

    @protected
    async def start_move_selected(self) -> None:
        ids = await self._targets()
        if not ids:
            return
        self.move_ids, self.move_folder_path = ids, ""
        self.move_error, self.move_open = "", True
        await self._open_picker(await self._open_folder())

    @protected
    async def start_move_folder(self) -> None:
        folder = await self._open_folder()
        if folder == ROOT:
            return
        self.move_ids, self.move_folder_path = [], folder
        self.move_error, self.move_open = "", True
        await self._open_picker(split_path(folder)[0])

    @protected
    async def picker_enter(self, path: str) -> None:
        await self._open_picker(path if isinstance(path, str) else ROOT)

    @protected
    async def picker_up(self) -> None:
        if self.picker_path != ROOT:
            await self._open_picker(split_path(self.picker_path)[0])

    @protected
    async def set_move_open(self, is_open: bool) -> None:
        self.move_open, self.move_error = bool(is_open), ""

    @protected
    async def move_here(self) -> Any:
        """Move the chosen items (or the open folder) into the folder the picker shows."""
        target = self.picker_path
        if self.move_folder_path:
            name = split_path(self.move_folder_path)[1]
            try:
                moved = await asyncio.to_thread(
                    services().folders.move_folder, self.move_folder_path, join_path(target, name)
                )
            except RDriveError as exc:
                self.move_error = exc.detail
                return None
            self.move_open = False
            return rx.redirect(folder_href(moved.path), replace=True)
        error = await self._move_items(self.move_ids, target)
        if error:
            self.move_error = error
            return None
        self.move_open = False
        return None

    @protected
    async def move_dropped(self, ids: list[str], folder: str) -> Any:
        """Tiles dragged onto a folder (a folder card, the breadcrumb) move there, with Undo."""
        if not isinstance(folder, str) or not isinstance(ids, list):
            return None
        try:
            chosen = selection(ids)
        except RDriveError:
            return None
        error = await self._move_items(chosen, folder)
        return toast("error", error, 8000) if error else None

    async def _move_items(self, ids: list[str], target: str) -> str:
        """Move items into ``target`` one by one (those already there stay): the moved ones
        leave the grid, and the Undo notice can put them back. The refusal that stopped it."""
        moves: dict[str, str] = {}
        error = ""
        for item_id in ids:
            try:
                item = await asyncio.to_thread(services().items.get, item_id)
                if item.folder == target:
                    continue
                await asyncio.to_thread(
                    lambda i=item_id: services().items.rename_or_move(i, folder=target)  # type: ignore[misc]
                )
            except RDriveError as exc:
                error = exc.detail
                break
            moves[item_id] = item.folder
        await self._drop_moved(set(moves), target)
        if moves:
            self.undo_ids, self._undo_moves = [], moves
            self.undo_message = f"Moved {_plural(len(moves))} to {target}."
            self.undo_stamp += 1
        return error

    async def _drop_moved(self, gone: set[str], target: str) -> None:
        """Tiles that left the open folder leave the grid (the timeline keeps them)."""
        folder = await self.get_state(FolderState)
        if target != folder.folder and not on_timeline(self):
            folder._drop_tiles(gone)
            viewer = await self.get_state(ViewerState)
            if viewer.open_id in gone:
                viewer.open_id = ""

    # delete
    @protected
    async def delete_selected(self) -> Any:
        """Move the selected items (or the open one) to the trash, with an Undo notice."""
        trashed, gone = [], set()
        for item_id in await self._targets():
            try:
                item = await asyncio.to_thread(services().items.trash, item_id)
            except RDriveError:
                continue
            trashed.append(item_id)
            gone |= {item_id, *item.sidecars}  # its sidecars went with it
        (await showing_grid(self))._drop_tiles(gone)
        viewer = await self.get_state(ViewerState)
        if viewer.open_id in gone:
            viewer.open_id = ""
        self.undo_ids, self._undo_moves = trashed, {}
        self.undo_message = f"Moved {_plural(len(trashed))} to the trash."
        self.undo_stamp += 1
        if viewer.open_id == "":
            return viewer._url("")
        return None

    @protected
    async def undo(self) -> Any:
        """Put back what the last delete trashed, or the last move moved."""
        folder = await self.get_state(FolderState)
        if self._undo_moves:
            await self._move_back(folder)
        for item_id in self.undo_ids:
            try:
                item = await asyncio.to_thread(services().items.restore, item_id)
            except RDriveError:
                continue
            for back in [item, *await asyncio.to_thread(services().items.sidecars_of, item)]:
                folder._upsert_tile(back)
        trashed = bool(self.undo_ids)
        self.undo_ids, self._undo_moves, self.undo_message = [], {}, ""
        # The timeline shows them again where they belong: its window is read afresh.
        return TimelineState.load_timeline if trashed and on_timeline(self) else None

    async def _move_back(self, folder: FolderState) -> None:
        for item_id, source in self._undo_moves.items():
            try:
                item = await asyncio.to_thread(
                    lambda i=item_id, f=source: services().items.rename_or_move(i, folder=f)  # type: ignore[misc]
                )
            except RDriveError:
                continue
            folder._upsert_tile(item)

    @protected
    async def dismiss_undo(self) -> None:
        self.undo_ids, self._undo_moves, self.undo_message = [], {}, ""

    @in_background
    async def expire_undo(self, stamp: int) -> None:
        """The notice goes by itself after UNDO_SECONDS, as a photo app's does (what it undid
        stays undoable from the trash); a newer notice keeps its own time."""
        async with self:
            if await self._require_user() is None:
                return
        await asyncio.sleep(UNDO_SECONDS)
        async with self:
            if self.undo_stamp == stamp:
                self.undo_ids, self._undo_moves, self.undo_message = [], {}, ""

    @protected
    async def delete_folder(self) -> Any:
        """Remove the open folder when it is empty, and go to its parent."""
        folder = await self._open_folder()
        if folder == ROOT:
            return None
        try:
            await asyncio.to_thread(services().folders.delete_folder, folder)
        except RDriveError as exc:
            return toast("error", exc.detail, 5000)
        return rx.redirect(folder_href(split_path(folder)[0]), replace=True)

    @protected
    async def download_selected(self) -> Any:
        """A ZIP of the selected tiles of the grid shown, by a short-lived link."""
        selected = list((await showing_grid(self)).selected)
        if not selected:
            return None
        url = await asyncio.to_thread(services().zip_tickets.issue, selected)
        return browser_download(url)

    @protected
    async def download_folder(self) -> Any:
        """A ZIP of the open folder and its subfolders, by a short-lived link."""
        url = await asyncio.to_thread(
            services().zip_tickets.issue_folder, await self._open_folder()
        )
        return browser_download(url)

    # the selection bar's own
    @protected
    async def select_tiles(self, ids: list[str]) -> None:
        """The tiles a band crossed join the selection of the grid shown."""
        grid = await showing_grid(self)
        shown = grid._item_ids()
        if isinstance(ids, list):
            grid.selected = joined(grid.selected, shown, [i for i in ids if i in shown])

    @protected
    async def favorite_selected(self) -> Any:
        """Make every selected tile a favourite; their hearts follow."""
        grid = await showing_grid(self)
        if not grid.selected:
            return None
        try:
            items = await asyncio.to_thread(
                services().items.set_favorites, list(grid.selected), True
            )
        except RDriveError as exc:
            return toast("error", exc.detail, 8000)
        for item in items:
            grid._set_favorite(item.id, item.favorite)
        return toast("success", f"Added {_plural(len(items))} to your favourites", 3000)
