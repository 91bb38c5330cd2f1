"""The share page (``/share``): photos and videos shared to rDrive from a phone's gallery, a
folder to put them in, "Upload" and "Discard".

The files never reach this state: the service worker keeps them in the browser
(``assets/rdrive_sw.js``) and the page's script (``assets/rdrive_share.js``) lists them here
through the hidden ``#rdrive-share-bridge`` input. "Upload" opens the chosen folder in
``FolderState`` (the folder ``UploadState`` puts picked files in) and asks the script to hand the
files to the normal upload path (``page_command("shareSend", ids)``), so a shared file uploads,
resumes and shows its progress as a picked one does. The page is ``ui/pages/share.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import reflex as rx

from rdrive_app.core.domain import ROOT
from rdrive_app.core.errors import RDriveError
from rdrive_app.ui.state.folder import FolderRow, FolderState, crumbs, folder_href, folder_row
from rdrive_app.ui.state.labels import size_label
from rdrive_app.ui.state.session import SessionState, protected, services
from rdrive_app.ui.state.upload_protocol import page_command

SHARE_BRIDGE_ID = "rdrive-share-bridge"
LAST_FOLDER_KEY = "rdrive_share_folder"  # the browser's local storage: the folder shared to last
MAX_SHARED = 500
MAX_MESSAGE_CHARS = 500_000


@dataclasses.dataclass
class SharedRow:
    """One shared file as the page shows it."""

    id: str = ""
    name: str = ""
    size: str = ""  # "4.2 MB"
    kind: str = "file"  # image | video | file
    preview: str = ""  # a blob: URL the page's script made of the file's bytes, or ""
    sending: bool = False


def _kind(mime: str) -> str:
    major = mime.split("/", 1)[0]
    return major if major in ("image", "video") else "file"


def shared_row(raw: object) -> SharedRow | None:
    """A row of the script's "listed" message, or None for anything else (the browser may send
    anything: only a blob: URL is shown as a preview)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        return None
    size = raw.get("size")
    preview = raw.get("preview")
    mime = raw.get("type")
    return SharedRow(
        id=raw["id"][:64],
        name=str(raw.get("name") or "shared")[:255],
        size=size_label(size) if isinstance(size, int) and size >= 0 else "",
        kind=_kind(mime) if isinstance(mime, str) else "file",
        preview=preview if isinstance(preview, str) and preview.startswith("blob:") else "",
        sending=raw.get("sending") is True,
    )


def _count_label(rows: list[SharedRow]) -> str:
    photos = sum(1 for r in rows if r.kind == "image")
    videos = sum(1 for r in rows if r.kind == "video")
    others = len(rows) - photos - videos
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((photos, "photo"), (videos, "video"), (others, "file"))
        if n
    ]
    return " and ".join(parts) if len(parts) < 3 else ", ".join(parts)


class ShareState(SessionState):
    """The shared files the browser holds, and the folder they go to."""

    files: rx.Field[list[SharedRow]] = rx.field(default_factory=list)
    listed: rx.Field[bool] = rx.field(False)  # the script has said what the browser holds
    target: rx.Field[str] = rx.field(ROOT)
    target_crumbs: rx.Field[list[FolderRow]] = rx.field(default_factory=list)
    target_folders: rx.Field[list[FolderRow]] = rx.field(default_factory=list)
    uploaded_to: rx.Field[str] = rx.field("")  # the folder the last shared files went to
    last_folder: str = rx.LocalStorage("", name=LAST_FOLDER_KEY)
    _sent: rx.Field[list[str]] = rx.field(default_factory=list)  # the ids "Upload" last sent

    @rx.var
    def summary(self) -> str:
        return _count_label(self.files)

    @rx.var
    def waiting_count(self) -> int:
        return sum(1 for f in self.files if not f.sending)

    @rx.var
    def target_name(self) -> str:
        return self.target.rsplit("/", 1)[-1] or "Library"

    @rx.var
    def uploaded_name(self) -> str:
        return self.uploaded_to.rsplit("/", 1)[-1] or "Library"

    @rx.var
    def uploaded_href(self) -> str:
        return folder_href(self.uploaded_to) if self.uploaded_to else ""

    async def _open_target(self, path: str) -> bool:
        """Show ``path`` in the picker (its crumbs and subfolders); False when it is gone."""
        try:
            folders = await asyncio.to_thread(services().folders.list_folders, path)
        except RDriveError:
            return False
        self.target = path
        self.target_crumbs = crumbs(path)
        self.target_folders = [folder_row(f) for f in folders]
        return True

    @protected
    async def load_share(self) -> None:
        """on_load: the picker opens where the last share went (else the library's top)."""
        self.uploaded_to, self._sent = "", []
        remembered = self.last_folder if self.last_folder.startswith("/") else ROOT
        if not await self._open_target(remembered):
            await self._open_target(ROOT)

    @protected
    async def bridge(self, raw: str) -> None:
        """The script's list of the shared files the browser holds ({type: "listed", files})."""
        if not isinstance(raw, str) or len(raw) > MAX_MESSAGE_CHARS:
            return
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict) or message.get("type") != "listed":
            return
        listed = message.get("files")
        if not isinstance(listed, list):
            return
        rows = [row for raw_row in listed[:MAX_SHARED] if (row := shared_row(raw_row))]
        if self._sent and not {r.id for r in rows} & set(self._sent):
            self.uploaded_to, self._sent = self.target, []  # all went: say where they are
        self.files, self.listed = rows, True

    @protected
    async def enter_folder(self, path: str) -> None:
        """Open a subfolder (or a crumb) in the picker."""
        if isinstance(path, str) and path.startswith("/"):
            await self._open_target(path)

    @protected
    async def upload(self) -> Any:
        """Send the shared files not yet on their way into the folder chosen."""
        ids = [f.id for f in self.files if not f.sending]
        if not ids:
            return None
        if not await self._open_target(self.target):
            await self._open_target(ROOT)
        page = await self.get_state(FolderState)
        if page.folder != self.target or page.missing:
            page.folder, page.missing, page.selected = self.target, False, []
            page.breadcrumbs = crumbs(self.target)
            page.items, page.next_cursor = [], ""
            await page._reload_subfolders()
            await page._load_items()
        self.last_folder = self.target
        self.uploaded_to, self._sent = "", ids
        return page_command("shareSend", ids)

    @protected
    async def discard(self) -> Any:
        """Forget every shared file not on its way (they are only in this browser)."""
        ids = [f.id for f in self.files if not f.sending]
        return page_command("shareDiscard", ids) if ids else None

    @protected
    async def discard_one(self, file_id: str) -> Any:
        """Forget one shared file."""
        known = any(f.id == file_id and not f.sending for f in self.files)
        return page_command("shareDiscard", [file_id]) if known else None
