"""The Trash page: what was deleted, with Restore and Delete forever (``ui/pages/trash.py``)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.folder import ItemRow, item_row
from rdrive_app.ui.state.paging import load_page
from rdrive_app.ui.state.session import SessionState, protected, services, toast

PAGE_SIZE = 60


@dataclasses.dataclass
class TrashRow(ItemRow):
    """One trashed item: what its tile shows, where it was, and when it was deleted."""

    folder: str = ""
    deleted: str = ""


def trash_row(item: MediaItem) -> TrashRow:
    return TrashRow(
        **dataclasses.asdict(item_row(item)),
        folder=item.folder,
        deleted=item.deleted_at.strftime("%Y-%m-%d %H:%M") if item.deleted_at else "",
    )


class TrashState(SessionState):
    """A page of trashed items at a time."""

    trashed: rx.Field[list[TrashRow]] = rx.field(default_factory=list)
    trash_cursor: rx.Field[str] = rx.field("")
    retention_days: rx.Field[int] = rx.field(30)

    async def _load(self, cursor: str | None) -> None:
        self.trashed, self.trash_cursor = await load_page(
            self.trashed, services().items.list_trash, trash_row, cursor=cursor, limit=PAGE_SIZE
        )

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
            return toast("error", exc.detail, 5000)
        self.trashed = [r for r in self.trashed if r.id != item_id]
        return toast("success", f"Restored “{item.name}” to {item.folder}", 3000)

    @protected
    async def delete_forever(self, item_id: str) -> Any:
        try:
            await asyncio.to_thread(services().items.purge, item_id)
        except RDriveError as exc:
            return toast("error", exc.detail, 5000)
        self.trashed = [r for r in self.trashed if r.id != item_id]
        return toast("success", "Deleted forever", 3000)
