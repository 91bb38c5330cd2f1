"""Folders and items as the user sees them: the use-cases behind the pages and the API."""

from __future__ import annotations

from rdrive_app.domain import ROOT, Folder, join_path, normalize_folder, split_path, validate_name
from rdrive_app.errors import InvalidInput
from rdrive_app.storage.protocols import Catalog


class LibraryService:
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
