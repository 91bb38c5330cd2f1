"""Uploads on the folder page: rows with progress, errors and cancel.

The bytes never pass through here: assets/rdrive_upload.js sends them straight to the signed
URLs this state obtains from the upload service, and reports back through the hidden
``#rdrive-bridge`` input (one JSON message per event; the messages and their fields are listed
once, in ``upload_protocol.py``). The panel is ``ui/components/uploads.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import time
from typing import Any

import reflex as rx

from rdrive_app.core.errors import RDriveError
from rdrive_app.core.fingerprint import upload_fingerprint
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.labels import size_label
from rdrive_app.ui.state.session import SessionState, protected, services
from rdrive_app.ui.state.upload_protocol import ACK_CHOSEN, ACK_SENT, TO_STATE, page_command

MAX_FILES_PER_DROP = 2000
MAX_MESSAGE_CHARS = 2_000_000
PART_URL_BATCH = 32
INTERRUPTED = "interrupted by a page reload: add the same file again to continue"
STALE_SCRIPT = "this page's upload script is out of date: reload the page and add it again"


def _rate_label(row: UploadRow, now: float) -> str:
    """Speed and time left, once there is enough to measure."""
    elapsed = now - row.started
    moved = row.loaded - row.start_loaded
    if row.state != "sending" or elapsed < 1 or moved <= 0:
        return ""
    speed = moved / elapsed
    left = (row.size - row.loaded) / speed
    if left >= 3600:
        eta = f"{left / 3600:.1f} h left"
    elif left >= 60:
        eta = f"{round(left / 60)} min left"
    else:
        eta = f"{max(1, round(left))} s left"
    return f"{size_label(int(speed))}/s · {eta}"


def _fingerprint(meta: dict) -> str:
    """The browser's file, as the upload service recognises it again (see core.fingerprint)."""
    name: Any = meta.get("name")
    size: Any = meta.get("size")
    return upload_fingerprint(name, size, meta.get("lastModified", 0))


def _script_agrees(meta: dict) -> bool:
    """The script's own fingerprint of the file (if it sent one) is the one built here."""
    claimed = meta.get("fingerprint")
    return claimed is None or claimed == _fingerprint(meta)


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
    rate: str = ""  # "4.2 MB/s · 1 min left"
    started: float = 0.0  # when the first byte moved (monotonic seconds)
    start_loaded: int = 0  # bytes already there when it started (a resumed upload)


class UploadState(SessionState):
    """The upload panel."""

    uploads: rx.Field[list[UploadRow]] = rx.field(default_factory=list)

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
        parts.append(f"{size_label(self.sent_bytes)} of {size_label(self.total_bytes)}")
        return " · ".join(parts)

    @staticmethod
    def _derived(row: UploadRow, **changes: Any) -> UploadRow:
        """A changed copy, with the fields the page shows computed here."""
        row = dataclasses.replace(row, **changes)
        now = time.monotonic()
        if row.state == "sending" and not row.started:
            row.started, row.start_loaded = now, row.loaded
        row.percent = min(100, int(100 * row.loaded / (row.size or 1)))
        row.cancellable = row.state in ("queued", "sending")
        row.rate = _rate_label(row, now)
        return row

    def _row(self, cid: object) -> UploadRow | None:
        if not isinstance(cid, str):
            return None
        return next((u for u in self.uploads if u.cid == cid), None)

    def _set(self, cid: str, **changes: Any) -> None:
        self.uploads = [self._derived(u, **changes) if u.cid == cid else u for u in self.uploads]

    @protected
    async def bridge(self, raw: str) -> Any:
        """One message from the upload script (see upload_protocol.TO_STATE): its fields go to
        the handler ``_on_<type>``."""
        if not isinstance(raw, str) or len(raw) > MAX_MESSAGE_CHARS:
            return None
        try:
            message = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
        kind = message.get("type")
        if not isinstance(kind, str) or kind not in TO_STATE:
            return None
        handler = getattr(self, f"_on_{kind}")
        return await handler(*(message.get(field) for field in TO_STATE[kind]))

    async def _on_chosen(self, files: object) -> Any:
        if not isinstance(files, list) or not files:
            return None
        files = files[:MAX_FILES_PER_DROP]
        user = await self._require_user()
        if user is None:
            return None
        page = await self.get_state(FolderState)
        tickets, dropped, rows = [], [], []
        made_folders = False
        batch = ""
        for meta in files:
            if not isinstance(meta, dict) or not isinstance(meta.get("cid"), str):
                continue
            cid = meta["cid"][:64]
            batch = batch or ACK_CHOSEN + cid
            known = self._row(cid)
            if known is not None:  # the script sent this batch again: answer, change nothing
                if known.state == "sending" and known.item_id:
                    again = await self._ticket_again(user.name, known, meta)
                    if again is not None:
                        tickets.append(again)
                        continue
                dropped.append(cid)
                continue
            name: Any = meta.get("name")
            size: Any = meta.get("size")
            row = UploadRow(cid=cid, name=str(name)[:255])
            if not _script_agrees(meta):
                rows.append(self._derived(row, state="error", error=STALE_SCRIPT))
                dropped.append(cid)
                continue
            try:
                folder = page.folder
                subdir = meta.get("dir") or ""
                if subdir:
                    folder = await asyncio.to_thread(
                        services().folders.ensure_folders, page.folder, str(subdir)
                    )
                    made_folders = True
                ticket = await asyncio.to_thread(
                    functools.partial(
                        services().uploads.start,
                        user.name,
                        folder,
                        name,
                        size,
                        meta.get("type"),
                        fingerprint=_fingerprint(meta),
                    )
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
                    loaded=len(ticket.done_parts) * ticket.part_size if ticket.multipart else 0,
                )
            )
            tickets.append(await self._ticket_for_browser(cid, ticket))
            page._upsert_tile(ticket.item)
        # A file added again (to resume) replaces its old row.
        resumed = {r.item_id for r in rows if r.item_id}
        kept = [u for u in self.uploads if not (u.item_id in resumed and u.state == "error")]
        self.uploads = [*kept, *rows]
        if made_folders:
            await page._reload_subfolders()
        return page_command("start", tickets, dropped, batch)

    async def _ticket_again(self, username: str, row: UploadRow, meta: dict) -> dict | None:
        """The ticket of an upload already started (its fingerprint finds the same item)."""
        try:
            item = await asyncio.to_thread(services().storage.catalog.get_item, row.item_id)
            ticket = await asyncio.to_thread(
                functools.partial(
                    services().uploads.start,
                    username,
                    item.folder,
                    meta.get("name"),
                    meta.get("size"),  # type: ignore[arg-type]
                    meta.get("type"),
                    fingerprint=_fingerprint(meta),
                )
            )
        except RDriveError:
            return None
        if ticket.item.id != row.item_id:
            await asyncio.to_thread(services().uploads.cancel, ticket.item.id)
            return None
        return await self._ticket_for_browser(row.cid, ticket)

    @staticmethod
    async def _ticket_for_browser(cid: str, ticket: Any) -> dict[str, Any]:
        """What the upload script needs (upload_protocol.TICKET): one URL, or the part layout
        and a first batch of part URLs (the rest are signed on request, so none expires while
        waiting)."""
        out: dict[str, Any] = {
            "cid": cid,
            "item_id": ticket.item.id,
            "multipart": ticket.multipart,
            "url": ticket.url,
            "headers": ticket.headers,
            "done_parts": sorted(ticket.done_parts),
        }
        if ticket.multipart:
            done = set(ticket.done_parts)
            first = [n for n in range(1, ticket.part_count + 1) if n not in done][:PART_URL_BATCH]
            urls = await asyncio.to_thread(services().uploads.sign_parts, ticket.item.id, first)
            out.update(
                part_size=ticket.part_size,
                part_count=ticket.part_count,
                done_parts=sorted(done),
                urls={str(n): url for n, url in urls.items()},
            )
        return out

    async def _on_parts(self, cid: object, item_id: object, numbers: object) -> Any:
        """The upload script needs more part URLs (or fresh ones for expired URLs).

        ``item_id`` is the script's copy: the row's own is the one used."""
        row = self._row(cid)
        if row is None or row.state != "sending" or not isinstance(numbers, list):
            return None
        wanted = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)]
        try:
            urls = await asyncio.to_thread(
                services().uploads.sign_parts, row.item_id, wanted[:PART_URL_BATCH]
            )
        except RDriveError as exc:
            self._set(row.cid, state="error", error=exc.detail, loaded=0)
            return page_command("cancel", row.cid)
        payload = {str(n): url for n, url in urls.items()}
        return page_command("addUrls", row.cid, payload)

    async def _on_hello(self, active: object) -> None:
        """The page (re)loaded: uploads its script no longer sends were cut off by the reload."""
        alive = (
            {cid for cid in active if isinstance(cid, str)} if isinstance(active, list) else set()
        )
        self.uploads = [
            self._derived(u, state="error", error=INTERRUPTED)
            if u.state in ("queued", "sending") and u.cid not in alive
            else u
            for u in self.uploads
        ]

    async def _on_progress(self, loaded: object) -> None:
        if not isinstance(loaded, dict):
            return
        self.uploads = [
            self._derived(u, loaded=min(int(loaded[u.cid]), u.size))
            if isinstance(loaded.get(u.cid), int | float)
            else u
            for u in self.uploads
        ]
        # The tiles of files being uploaded show their percentage too.
        percent = {u.item_id: u.percent for u in self.uploads if u.cid in loaded and u.item_id}
        if percent:
            page = await self.get_state(FolderState)
            page._label_tiles({i: f"Uploading {p} %" for i, p in percent.items()})

    async def _on_sent(self, cid: object, item_id: object) -> Any:
        """Every byte arrived: complete the upload (``item_id``: the script's copy, unused)."""
        row = self._row(cid)
        if row is None:
            return None
        ack = page_command("ack", ACK_SENT + row.cid)
        if row.state != "sending":
            return ack  # a repeated message: already handled
        self._set(row.cid, state="checking", loaded=row.size)
        page = await self.get_state(FolderState)
        try:
            item = await asyncio.to_thread(services().uploads.complete, row.item_id)
        except RDriveError as exc:
            self._set(row.cid, state="error", error=exc.detail, loaded=0)
            page.items = [r for r in page.items if r.id != row.item_id]
            return ack
        self._set(row.cid, state="done")
        page._upsert_tile(item)
        return [ack, FolderState.poll_pending]

    async def _on_failed(self, cid: object, item_id: object, reason: object) -> None:
        """The script gave up on a file (``item_id``: the script's copy, unused)."""
        row = self._row(cid)
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
        page = await self.get_state(FolderState)
        page.items = [r for r in page.items if r.id != item_id]

    @protected
    async def cancel_upload(self, cid: str) -> Any:
        """Stop one upload; its reserved name and any bytes sent are freed."""
        row = self._row(cid)
        if row is None or row.state not in ("queued", "sending"):
            return None
        self._set(row.cid, state="error", error="cancelled", loaded=0)
        await self._discard(row.item_id)
        return page_command("cancel", row.cid)

    @protected
    async def clear_finished(self) -> None:
        """Hide the rows of uploads that are done or failed."""
        self.uploads = [u for u in self.uploads if u.state in ("queued", "sending", "checking")]
