"""Folders and items as the user sees them: the use-cases behind the pages and the API."""

from __future__ import annotations

from rdrive_app.core.domain import (
    ROOT,
    Folder,
    join_path,
    normalize_folder,
    split_path,
    validate_name,
)
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.storage.protocols import Catalog


class FolderService:
    """Browse and organise the shared library (both accounts see the same one)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def get_folder(self, path: object) -> Folder:
        """The folder at ``path``; NotFound when it does not exist."""
        return self._catalog.get_folder(normalize_folder(path))

    def list_folders(self, path: object) -> list[Folder]:
        """Subfolders of ``path`` by name; NotFound when it does not exist."""
        return self._catalog.list_folders(normalize_folder(path))

    def create_folder(self, path: object) -> Folder:
        """Create a folder inside an existing one; Conflict when the name is taken."""
        clean = normalize_folder(path)
        if clean == ROOT:
            raise InvalidInput("the root folder exists already")
        parent, _ = split_path(clean)
        self._catalog.get_folder(parent)
        return self._catalog.create_folder(clean)

    def create_subfolder(self, parent: object, name: object) -> Folder:
        """Create ``name`` inside ``parent`` (what the "New folder" button does)."""
        return self.create_folder(join_path(normalize_folder(parent), validate_name(name)))

    def move_folder(self, path: object, new_path: object) -> Folder:
        """Rename or move a folder with everything in it (metadata only; 409 on a clash)."""
        source, target = normalize_folder(path), normalize_folder(new_path)
        if source == ROOT or target == ROOT:
            raise InvalidInput("the root folder cannot be moved or replaced")
        if source == target:
            return self._catalog.get_folder(source)
        self._catalog.get_folder(source)
        self._catalog.get_folder(split_path(target)[0])
        return self._catalog.move_folder(source, target)

    def delete_folder(self, path: object) -> None:
        """Remove an empty folder (a folder with photos in it is kept: nothing is lost)."""
        clean = normalize_folder(path)
        if clean == ROOT:
            raise InvalidInput("the root folder cannot be deleted")
        self._catalog.delete_folder(clean)

    def ensure_folders(self, parent: object, relative: str) -> str:
        """Create ``relative`` ('Holiday/beach') under ``parent`` as needed; returns its path.

        Used when a folder is dropped on the page: its structure is kept.
        """
        path = normalize_folder(parent)
        self._catalog.get_folder(path)
        for segment in [s for s in relative.replace("\\", "/").split("/") if s]:
            path = join_path(path, validate_name(segment))
            try:
                self._catalog.get_folder(path)
            except NotFound:
                try:
                    self._catalog.create_folder(path)
                except Conflict:
                    self._catalog.get_folder(path)  # made meanwhile, or a file: say which
        return path
