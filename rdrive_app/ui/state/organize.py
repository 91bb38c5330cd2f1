"""Rename, move and delete (to the trash, with Undo) from the folder page and the viewer.

Every change is metadata-only and conditional: a clash shows a message and nothing is
overwritten.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from rdrive_app.core.domain import ROOT, join_path, split_path
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.library import folder_href, folder_row
from rdrive_app.ui.state.session import authenticated, browser_download, services
from rdrive_app.ui.state.viewer import ViewerState


class OrganizeState(ViewerState):
    """The rename and move dialogs, and the Undo notice after a delete."""

    rename_open: bool = False
    rename_target: str = ""  # "item:<id>" or "folder:<path>"
    rename_value: str = ""
    rename_error: str = ""
    move_open: bool = False
    move_ids: list[str] = []
    move_folder_path: str = ""
    picker_path: str = ROOT
    picker_folders: list[dict[str, str]] = []
    move_error: str = ""
    undo_ids: list[str] = []
    undo_message: str = ""

    # rename
    async def _begin_rename_item(self, item_id: object) -> None:
        try:
            item = await asyncio.to_thread(services().items.get, item_id)
        except RDriveError:
            return
        self.rename_target, self.rename_value = f"item:{item.id}", item.name
        self.rename_error, self.rename_open = "", True

    @rx.event
    @authenticated
    async def start_rename_item(self, item_id: str) -> None:
        await self._begin_rename_item(item_id)

    @rx.event
    @authenticated
    async def start_rename_selected(self) -> None:
        """Rename the open item, or the one selected tile."""
        if self.open_id:
            await self._begin_rename_item(self.open_id)
        elif len(self.selected) == 1:
            await self._begin_rename_item(self.selected[0])

    @rx.event
    @authenticated
    async def start_rename_folder(self) -> None:
        if self.folder == ROOT:
            return
        self.rename_target = f"folder:{self.folder}"
        self.rename_value = split_path(self.folder)[1]
        self.rename_error, self.rename_open = "", True

    @rx.event
    @authenticated
    async def set_rename_open(self, is_open: bool) -> None:
        self.rename_open = bool(is_open)
        self.rename_error = ""

    @rx.event
    @authenticated
    async def submit_rename(self, form_data: dict):
        new_name = form_data.get("name") if isinstance(form_data, dict) else None
        kind, _, target = self.rename_target.partition(":")
        try:
            if kind == "item":
                item = await asyncio.to_thread(
                    lambda: services().items.rename_or_move(target, name=new_name)
                )
                self._upsert_tile(item)
                if self.open_id == item.id:
                    await self._show(item.id)
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
        return rx.toast.success(f"Renamed to “{new_name}”", duration=3000)

    # move
    async def _open_picker(self, path: str) -> None:
        try:
            folders = await asyncio.to_thread(services().folders.list_folders, path)
        except RDriveError:
            path, folders = ROOT, await asyncio.to_thread(services().folders.list_folders, ROOT)
        self.picker_path = path
        self.picker_folders = [folder_row(f) for f in folders]

    @rx.event
    @authenticated
    async def start_move_selected(self) -> None:
        ids = [self.open_id] if self.open_id else list(self.selected)
        if not ids:
            return
        self.move_ids, self.move_folder_path = ids, ""
        self.move_error, self.move_open = "", True
        await self._open_picker(self.folder)

    @rx.event
    @authenticated
    async def start_move_folder(self) -> None:
        if self.folder == ROOT:
            return
        self.move_ids, self.move_folder_path = [], self.folder
        self.move_error, self.move_open = "", True
        await self._open_picker(split_path(self.folder)[0])

    @rx.event
    @authenticated
    async def picker_enter(self, path: str) -> None:
        await self._open_picker(path if isinstance(path, str) else ROOT)

    @rx.event
    @authenticated
    async def picker_up(self) -> None:
        if self.picker_path != ROOT:
            await self._open_picker(split_path(self.picker_path)[0])

    @rx.event
    @authenticated
    async def set_move_open(self, is_open: bool) -> None:
        self.move_open = bool(is_open)
        self.move_error = ""

    @rx.event
    @authenticated
    async def move_here(self):
        """Move the chosen items (or the open folder) into the folder the picker shows."""
        target = self.picker_path
        moved_ids: list[str] = []
        try:
            if self.move_folder_path:
                name = split_path(self.move_folder_path)[1]
                moved = await asyncio.to_thread(
                    services().folders.move_folder, self.move_folder_path, join_path(target, name)
                )
                self.move_open = False
                return rx.redirect(folder_href(moved.path), replace=True)
            for item_id in self.move_ids:
                await asyncio.to_thread(
                    lambda i=item_id: services().items.rename_or_move(i, folder=target)
                )
                moved_ids.append(item_id)
        except RDriveError as exc:
            self.move_error = exc.detail
            self._drop_moved(set(moved_ids), target)
            return None
        self._drop_moved(set(moved_ids), target)
        self.move_open = False
        count = len(moved_ids)
        return rx.toast.success(
            f"Moved {count} item{'s' if count != 1 else ''} to {target}", duration=3000
        )

    def _drop_moved(self, gone: set[str], target: str) -> None:
        """Tiles that left the open folder leave the grid."""
        if target != self.folder:
            self.items = [r for r in self.items if r["id"] not in gone]
            self.selected = [i for i in self.selected if i not in gone]
            if self.open_id in gone:
                self.open_id = ""

    # delete
    @rx.event
    @authenticated
    async def delete_selected(self):
        """Move the selected items (or the open one) to the trash, with an Undo notice."""
        ids = [self.open_id] if self.open_id else list(self.selected)
        trashed = []
        for item_id in ids:
            try:
                await asyncio.to_thread(services().items.trash, item_id)
            except RDriveError:
                continue
            trashed.append(item_id)
        gone = set(trashed)
        self.items = [r for r in self.items if r["id"] not in gone]
        self.selected = [i for i in self.selected if i not in gone]
        if self.open_id in gone:
            self.open_id = ""
        self.undo_ids = trashed
        count = len(trashed)
        self.undo_message = f"Moved {count} item{'s' if count != 1 else ''} to the trash."
        if self.open_id == "":
            return self._url_script("")
        return None

    @rx.event
    @authenticated
    async def undo_delete(self) -> None:
        for item_id in self.undo_ids:
            try:
                item = await asyncio.to_thread(services().items.restore, item_id)
            except RDriveError:
                continue
            self._upsert_tile(item)
        self.undo_ids, self.undo_message = [], ""

    @rx.event
    @authenticated
    async def dismiss_undo(self) -> None:
        self.undo_ids, self.undo_message = [], ""

    @rx.event
    @authenticated
    async def delete_folder(self):
        """Remove the open folder when it is empty, and go to its parent."""
        if self.folder == ROOT:
            return None
        try:
            await asyncio.to_thread(services().folders.delete_folder, self.folder)
        except RDriveError as exc:
            return rx.toast.error(exc.detail, duration=5000)
        return rx.redirect(folder_href(split_path(self.folder)[0]), replace=True)

    @rx.event
    @authenticated
    async def download_folder(self):
        """A ZIP of the open folder and its subfolders, by a short-lived link."""
        url = await asyncio.to_thread(services().zip_tickets.issue_folder, self.folder)
        return browser_download(url)
