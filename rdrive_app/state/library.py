"""The folder page: which folder is open, its subfolders, and creating new ones."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, unquote

import reflex as rx

from rdrive_app.domain import ROOT, Folder
from rdrive_app.errors import RDriveError
from rdrive_app.state.session import SessionState, authenticated, services

FOLDER_ROUTE_PREFIX = "/folder"


def folder_href(path: str) -> str:
    """The page URL of a folder: one route per folder, so it can be bookmarked."""
    if path == ROOT:
        return "/"
    return FOLDER_ROUTE_PREFIX + "/".join(quote(seg, safe="") for seg in path.split("/"))


def folder_from_url(url_path: str) -> str:
    """The folder path a page URL names ('/folder/a/b' → '/a/b', '/' → '/')."""
    if not url_path.startswith(FOLDER_ROUTE_PREFIX + "/"):
        return ROOT
    rest = url_path[len(FOLDER_ROUTE_PREFIX) :]
    return "/" + "/".join(unquote(seg) for seg in rest.split("/") if seg)


def _folder_row(folder: Folder) -> dict[str, str]:
    return {"name": folder.name, "path": folder.path, "href": folder_href(folder.path)}


class LibraryState(SessionState):
    """What the folder page shows."""

    folder: str = ROOT
    subfolders: list[dict[str, str]] = []
    breadcrumbs: list[dict[str, str]] = []
    missing: bool = False
    new_folder_open: bool = False
    new_folder_error: str = ""

    @rx.event
    @authenticated
    async def load_folder(self) -> None:
        """on_load: read the folder named by the URL and its subfolders."""
        path = folder_from_url(self.router.url.path or "/")
        self.new_folder_open = False
        try:
            folders = await asyncio.to_thread(services().library.list_folders, path)
        except RDriveError:
            self.folder, self.subfolders, self.missing = path, [], True
            self.breadcrumbs = self._crumbs(ROOT)
            return
        self.folder, self.missing = path, False
        self.subfolders = [_folder_row(f) for f in folders]
        self.breadcrumbs = self._crumbs(path)

    @staticmethod
    def _crumbs(path: str) -> list[dict[str, str]]:
        crumbs = [{"name": "Library", "href": "/"}]
        current = ""
        for segment in [s for s in path.split("/") if s]:
            current += "/" + segment
            crumbs.append({"name": segment, "href": folder_href(current)})
        return crumbs

    @rx.event
    @authenticated
    async def set_new_folder_open(self, is_open: bool) -> None:
        self.new_folder_open = bool(is_open)
        self.new_folder_error = ""

    @rx.event
    @authenticated
    async def create_folder(self, form_data: dict):
        """Create a folder in the open one; a bad or taken name shows why, nothing changes."""
        name = form_data.get("name") if isinstance(form_data, dict) else None
        try:
            await asyncio.to_thread(services().library.create_subfolder, self.folder, name)
            folders = await asyncio.to_thread(services().library.list_folders, self.folder)
        except RDriveError as exc:
            self.new_folder_error = exc.detail
            return None
        self.subfolders = [_folder_row(f) for f in folders]
        self.new_folder_open = False
        self.new_folder_error = ""
        return rx.toast.success(f"Created folder “{name}”", duration=3000)
