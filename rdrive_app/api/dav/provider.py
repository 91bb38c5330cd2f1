"""rDrive's tree as WsgiDAV resources: a folder is a collection, an item its original file.

Properties come from the catalog (``getetag`` the sha256, ``getlastmodified`` the date taken,
or uploaded); bytes come through ``services/drive.py``'s ``BlobReader``, which WsgiDAV seeks for
a Range. A folder's listing is read once per request, never once per entry.
"""

from __future__ import annotations

from typing import Any

from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider

from rdrive_app.core.domain import Folder, MediaItem
from rdrive_app.services.drive import Drive
from rdrive_app.services.wiring import Services


def _join(path: str, name: str) -> str:
    return path.rstrip("/") + "/" + name


class ItemFile(DAVNonCollection):
    """One item's original."""

    def __init__(self, path: str, environ: dict[str, Any], drive: Drive, item: MediaItem) -> None:
        super().__init__(path, environ)
        self._drive, self.item = drive, item

    def get_content_length(self) -> int:
        return self.item.size

    def get_content_type(self) -> str:
        return self.item.content_type

    def get_creation_date(self) -> float:
        return self.item.uploaded_at.timestamp()

    def get_last_modified(self) -> float:
        return (self.item.taken_at or self.item.uploaded_at).timestamp()

    def get_display_name(self) -> str:
        return self.item.name

    def get_etag(self) -> str | None:
        return self.item.sha256 or self.item.id

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return True

    def get_content(self) -> Any:
        return self._drive.open(self.item)


class FolderCollection(DAVCollection):
    """One folder: its subfolders, then its items."""

    def __init__(self, path: str, environ: dict[str, Any], drive: Drive, folder: Folder) -> None:
        super().__init__(path, environ)
        self._drive, self.folder = drive, folder

    def get_creation_date(self) -> float:
        return self.folder.created_at.timestamp()

    def get_last_modified(self) -> float:
        return self.folder.created_at.timestamp()

    def get_display_name(self) -> str:
        return self.folder.name

    def get_etag(self) -> str | None:
        return None

    def support_etag(self) -> bool:
        return False

    def get_member_list(self) -> list[Any]:
        listing = self._drive.listing(self.folder.path)
        members: list[Any] = [
            FolderCollection(_join(self.path, f.name) + "/", self.environ, self._drive, f)
            for f in listing.folders
        ]
        members += [
            ItemFile(_join(self.path, i.name), self.environ, self._drive, i) for i in listing.items
        ]
        return members

    def get_member_names(self) -> list[str]:
        listing = self._drive.listing(self.folder.path)
        return [f.name for f in listing.folders] + [i.name for i in listing.items]

    def get_member(self, name: str) -> Any:
        return self.provider.get_resource_inst(_join(self.path, name), self.environ)


class RDriveProvider(DAVProvider):
    """The share ``/``: rDrive's root folder."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self._drive = Drive(services.storage)

    def is_readonly(self) -> bool:
        return True

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        folder = self._drive.folder(path)
        if folder is not None:
            return FolderCollection(path, environ, self._drive, folder)
        item = self._drive.item(path)
        if item is not None:
            return ItemFile(path, environ, self._drive, item)
        return None
