"""Uploads on the folder page: rows with progress, errors and cancel.

The bytes never pass through here: assets/rdrive_upload.js sends them straight to the signed
URLs this state obtains from the upload service, and reports back through the hidden
``#rdrive-bridge`` input (one JSON message per event).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from typing import Any

import reflex as rx

from rdrive_app.errors import RDriveError
from rdrive_app.state.library import LibraryState, folder_row
from rdrive_app.state.session import authenticated, services

MAX_FILES_PER_DROP = 2000
MAX_MESSAGE_CHARS = 2_000_000


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


@dataclasses.dataclass
class UploadRow:
    """One file in the upload panel."""

    cid: str
    item_id: str = ""
    name: str = ""
    size: int = 0
    loaded: int = 0
    state: str = "queued"  # queued | sending | checking | done | error
    error: str = ""
    percent: int = 0
    cancellable: bool = True


class UploadState(LibraryState):
    """The upload panel."""

    uploads: list[UploadRow] = []

    @rx.var
    def total_bytes(self) -> int:
        return sum(u.size for u in self.uploads if u.state != "error")

    @rx.var
    def sent_bytes(self) -> int:
        return sum(u.loaded for u in self.uploads if u.state != "error")

    @rx.var
    def total_percent(self) -> int:
        total = self.total_bytes
        return int(100 * self.sent_bytes / total) if total else 0

    @rx.var
    def active_count(self) -> int:
        return sum(1 for u in self.uploads if u.state in ("queued", "sending", "checking"))

    @rx.var
    def summary(self) -> str:
        done = sum(1 for u in self.uploads if u.state == "done")
        failed = sum(1 for u in self.uploads if u.state == "error")
        parts = [f"{done} of {len(self.uploads)} uploaded"]
        if failed:
            parts.append(f"{failed} failed")
        parts.append(f"{_human_size(self.sent_bytes)} of {_human_size(self.total_bytes)}")
        return " · ".join(parts)

    @staticmethod
    def _derived(row: UploadRow, **changes: Any) -> UploadRow:
        """A changed copy, with the fields the page shows computed here."""
        row = dataclasses.replace(row, **changes)
        row.percent = min(100, int(100 * row.loaded / (row.size or 1)))
        row.cancellable = row.state in ("queued", "sending")
        return row

    def _row(self, cid: str) -> UploadRow | None:
        return next((u for u in self.uploads if u.cid == cid), None)

    def _set(self, cid: str, **changes: Any) -> None:
        self.uploads = [self._derived(u, **changes) if u.cid == cid else u for u in self.uploads]

    @rx.event
    @authenticated
    async def bridge(self, raw: str):
        """One message from the upload script: files chosen, progress, sent or failed."""
        if not isinstance(raw, str) or len(raw) > MAX_MESSAGE_CHARS:
            return None
        try:
            message = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
        kind = message.get("type")
        if kind == "chosen":
            return await self._chosen(message.get("files"))
        if kind == "progress":
            self._progress(message.get("loaded"))
        elif kind == "sent":
            return await self._sent(message.get("cid"))
        elif kind == "failed":
            await self._failed(message.get("cid"), message.get("reason"))
        return None

    async def _chosen(self, files: object):
        if not isinstance(files, list) or not files:
            return None
        files = files[:MAX_FILES_PER_DROP]
        user = await self._require_user()
        if user is None:
            return None
        tickets, dropped, rows = [], [], []
        made_folders = False
        for meta in files:
            if not isinstance(meta, dict) or not isinstance(meta.get("cid"), str):
                continue
            cid = meta["cid"][:64]
            name = meta.get("name")
            size = meta.get("size")
            row = UploadRow(cid=cid, name=str(name)[:255])
            try:
                folder = self.folder
                subdir = meta.get("dir") or ""
                if subdir:
                    folder = await asyncio.to_thread(
                        services().library.ensure_folders, self.folder, str(subdir)
                    )
                    made_folders = True
                ticket = await asyncio.to_thread(
                    services().uploads.start, user.name, folder, name, size, meta.get("type")
                )
            except RDriveError as exc:
                rows.append(self._derived(row, state="error", error=exc.detail))
                dropped.append(cid)
                continue
            rows.append(
                self._derived(
                    row,
                    item_id=ticket.item.id,
                    name=ticket.item.name,
                    size=ticket.item.size,
                    state="sending",
                )
            )
            tickets.append(
                {
                    "cid": cid,
                    "item_id": ticket.item.id,
                    "url": ticket.url,
                    "headers": {"Content-Type": ticket.content_type},
                }
            )
            self._upsert_tile(ticket.item)
        self.uploads = [*self.uploads, *rows]
        if made_folders:
            folders = await asyncio.to_thread(services().library.list_folders, self.folder)
            self.subfolders = [folder_row(f) for f in folders]
        script = f"window.rdriveUpload.start({json.dumps(tickets)}, {json.dumps(dropped)})"
        return rx.call_script(script)

    def _progress(self, loaded: object) -> None:
        if not isinstance(loaded, dict):
            return
        self.uploads = [
            self._derived(u, loaded=min(int(loaded[u.cid]), u.size))
            if isinstance(loaded.get(u.cid), int | float)
            else u
            for u in self.uploads
        ]

    async def _sent(self, cid: object):
        row = self._row(cid) if isinstance(cid, str) else None
        if row is None or row.state != "sending":
            return None
        self._set(row.cid, state="checking", loaded=row.size)
        try:
            item = await asyncio.to_thread(services().uploads.complete, row.item_id)
        except RDriveError as exc:
            self._set(row.cid, state="error", error=exc.detail, loaded=0)
            self.items = [r for r in self.items if r["id"] != row.item_id]
            return None
        self._set(row.cid, state="done")
        self._upsert_tile(item)
        return LibraryState.poll_pending

    async def _failed(self, cid: object, reason: object) -> None:
        row = self._row(cid) if isinstance(cid, str) else None
        if row is None or row.state != "sending":
            return
        detail = str(reason)[:300] if reason else "upload failed"
        self._set(row.cid, state="error", error=detail, loaded=0)
        await self._discard(row.item_id)

    async def _discard(self, item_id: str) -> None:
        if not item_id:
            return
        with contextlib.suppress(RDriveError):
            await asyncio.to_thread(services().uploads.cancel, item_id)
        self.items = [r for r in self.items if r["id"] != item_id]

    @rx.event
    @authenticated
    async def cancel_upload(self, cid: str):
        """Stop one upload; its reserved name and any bytes sent are freed."""
        row = self._row(cid) if isinstance(cid, str) else None
        if row is None or row.state not in ("queued", "sending"):
            return None
        self._set(row.cid, state="error", error="cancelled", loaded=0)
        await self._discard(row.item_id)
        return rx.call_script(f"window.rdriveUpload.cancel({json.dumps(row.cid)})")

    @rx.event
    @authenticated
    async def clear_finished(self) -> None:
        """Hide the rows of uploads that are done or failed."""
        self.uploads = [u for u in self.uploads if u.state in ("queued", "sending", "checking")]
