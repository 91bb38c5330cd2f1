"""The Trash page: what was deleted, with Restore and Delete forever (``ui/pages/trash.py``)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.folder import tile_row
from rdrive_app.ui.state.session import SessionState, protected, services

PAGE_SIZE = 60


@dataclasses.dataclass
class TrashRow:
    """One trashed item: what its tile shows, where it was, and when it was deleted."""

    id: str = ""
    name: str = ""
    kind: str = ""
    thumb: str = ""
    folder: str = ""
    deleted: str = ""


def trash_row(item: MediaItem) -> TrashRow:
    tile = tile_row(item)
    return TrashRow(
        id=tile.id,
        name=tile.name,
        kind=tile.kind,
        thumb=tile.thumb,
        folder=item.folder,
        deleted=item.deleted_at.strftime("%Y-%m-%d %H:%M") if item.deleted_at else "",
    )


class TrashState(SessionState):
    """A page of trashed items at a time."""

    trashed: rx.Field[list[TrashRow]] = rx.field(default_factory=list)
    trash_cursor: rx.Field[str] = rx.field("")
    retention_days: rx.Field[int] = rx.field(30)

    async def _load(self, cursor: str | None) -> None:
        page = await asyncio.to_thread(
            lambda: services().items.list_trash(limit=PAGE_SIZE, cursor=cursor)
        )
        rows = [trash_row(item) for item in page.items]
        self.trashed = rows if cursor is None else self.trashed + rows
        self.trash_cursor = page.next_cursor or ""

    @protected
    async def load_trash(self) -> None:
        """on_load of /trash."""
        self.retention_days = services().settings.trash_retention_days
        await self._load(None)

    @protected
    async def load_more_trash(self) -> None:
        if self.trash_cursor:
            await self._load(self.trash_cursor)

    @protected
    async def restore(self, item_id: str) -> Any:
        try:
            item = await asyncio.to_thread(services().items.restore, item_id)
        except RDriveError as exc:
            return rx.toast.error(exc.detail, duration=5000)
        self.trashed = [r for r in self.trashed if r.id != item_id]
        return rx.toast.success(f"Restored “{item.name}” to {item.folder}", duration=3000)

    @protected
    async def delete_forever(self, item_id: str) -> Any:
        try:
            await asyncio.to_thread(services().items.purge, item_id)
        except RDriveError as exc:
            return rx.toast.error(exc.detail, duration=5000)
        self.trashed = [r for r in self.trashed if r.id != item_id]
        return rx.toast.success("Deleted forever", duration=3000)
