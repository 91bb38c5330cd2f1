"""The albums part of the ``Catalog`` protocol (protocols.py), kept here so it reads as one."""

from __future__ import annotations

from typing import Protocol

from rdrive_app.core.albums import Album, AlbumChange, AlbumSummary
from rdrive_app.core.domain import MediaItem
from rdrive_app.core.listing import Page


class AlbumCatalog(Protocol):
    """Albums: named lists of items that never move them (storage/album_records.py)."""

    def create_album(self, name: str) -> Album:
        """A new, empty album. InvalidInput for a bad name; Conflict if an album has it (up to
        case)."""

    def get_album(self, album_id: str) -> Album:
        """Raises NotFound."""

    def list_albums(self) -> list[AlbumSummary]:
        """Every album by name, with how many items it shows and its cover (the chosen one while
        it shows, else its newest item); reads every membership."""

    def album_summary(self, album_id: str) -> AlbumSummary:
        """One album as ``list_albums`` shows it. Raises NotFound."""

    def rename_album(self, album_id: str, name: str) -> Album:
        """Conflict if another album has the name (nothing is renamed); NotFound."""

    def set_album_cover(self, album_id: str, item_id: str | None) -> Album:
        """Choose the cover (None: the newest item). InvalidInput if the item is not shown in
        the album; NotFound for an unknown album or item."""

    def delete_album(self, album_id: str) -> None:
        """Forget the album and its memberships; never an item. NotFound."""

    def album_items(
        self, album_id: str, *, limit: int = 100, cursor: str | None = None, newer: bool = False
    ) -> Page:
        """A page of the album's shown items (not trashed, not uploading), newest taken first:
        from the top or below ``cursor``, or with ``newer`` the items just above ``cursor``
        (still newest first; the page's cursor goes on upwards). InvalidInput for a bad
        cursor, one of another album, or ``newer`` without one; NotFound."""

    def album_cursor(self, album_id: str, item: MediaItem) -> str:
        """The position of ``item`` in the album (reads nothing), to page either way from.
        NotFound for an album id that cannot name one."""

    def add_to_album(self, album_id: str, item_ids: list[str]) -> AlbumChange:
        """Add up to 1000 items; those in it already are left as they are. NotFound for an
        unknown album or item, Conflict for a trashed or uploading one: then nothing changes."""

    def remove_from_album(self, album_id: str, item_ids: list[str]) -> AlbumChange:
        """Take up to 1000 items out (ids not in it are reported, not refused); NotFound for an
        unknown album or an id that is neither an item nor a member."""
