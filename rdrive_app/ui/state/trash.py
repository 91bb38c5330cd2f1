"""The Trash page: what was deleted, with Restore and Delete forever."""

from __future__ import annotations

import asyncio

import reflex as rx

from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.library import tile_row
from rdrive_app.ui.state.session import SessionState, authenticated, services

PAGE_SIZE = 60


class TrashState(SessionState):
    """A page of trashed items at a time."""

    trashed: list[dict[str, str]] = []
    trash_cursor: str = ""
    retention_days: int = 30

    async def _load(self, cursor: str | None) -> None:
        page = await asyncio.to_thread(
            lambda: services().items.list_trash(limit=PAGE_SIZE, cursor=cursor)
        )
        rows = []
        for item in page.items:
            row = tile_row(item)
            row["folder"] = item.folder
            row["deleted"] = item.deleted_at.strftime("%Y-%m-%d %H:%M") if item.deleted_at else ""
            rows.append(row)
        self.trashed = rows if cursor is None else self.trashed + rows
        self.trash_cursor = page.next_cursor or ""

    @rx.event
    @authenticated
    async def load_trash(self) -> None:
        """on_load of /trash."""
        self.retention_days = services().settings.trash_retention_days
        await self._load(None)

    @rx.event
    @authenticated
    async def load_more_trash(self) -> None:
        if self.trash_cursor:
            await self._load(self.trash_cursor)

    @rx.event
    @authenticated
    async def restore(self, item_id: str):
        try:
            item = await asyncio.to_thread(services().items.restore, item_id)
        except RDriveError as exc:
            return rx.toast.error(exc.detail, duration=5000)
        self.trashed = [r for r in self.trashed if r["id"] != item_id]
        return rx.toast.success(f"Restored “{item.name}” to {item.folder}", duration=3000)

    @rx.event
    @authenticated
    async def delete_forever(self, item_id: str):
        try:
            await asyncio.to_thread(services().items.purge, item_id)
        except RDriveError as exc:
            return rx.toast.error(exc.detail, duration=5000)
        self.trashed = [r for r in self.trashed if r["id"] != item_id]
        return rx.toast.success("Deleted forever", duration=3000)
