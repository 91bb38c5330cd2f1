"""Albums as the user sees them: named collections that hold items from any folders.

An album never moves, renames or deletes its items: deleting one forgets the album and its
memberships only. The rules (names unique up to case, at most 1000 ids a call, trashed and
uploading items refused, no duplicates) are the catalog's (storage/catalog_albums.py); this
service checks the shapes a caller sends and names the use-cases.
"""

from __future__ import annotations

from rdrive_app.core.albums import Album, AlbumChange, AlbumSummary
from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.core.listing import Page
from rdrive_app.storage import Storage

MAX_PAGE = 200
_UNCHANGED = object()  # update(): "leave the cover as it is"


class AlbumService:
    """Create, rename, delete and fill albums (both accounts share them, as the library)."""

    def __init__(self, storage: Storage) -> None:
        self._catalog = storage.catalog

    def create(self, name: object) -> Album:
        """A new, empty album; Conflict if an album has this name (up to case)."""
        return self._catalog.create_album(_text(name, "an album name"))

    def list(self) -> list[AlbumSummary]:
        """Every album by name, with its count of shown items and its cover."""
        return self._catalog.list_albums()

    def get(self, album_id: object) -> AlbumSummary:
        return self._catalog.album_summary(_album_id(album_id))

    def album(self, album_id: object) -> Album:
        """The album alone (its name), without counting its items as ``get`` does."""
        return self._catalog.get_album(_album_id(album_id))

    def rename(self, album_id: object, name: object) -> Album:
        """409 when another album has the name; nothing is renamed then."""
        return self._catalog.rename_album(_album_id(album_id), _text(name, "an album name"))

    def set_cover(self, album_id: object, item_id: object) -> Album:
        """Choose the cover among the album's items; None goes back to the newest item."""
        if item_id is not None and not isinstance(item_id, str):
            raise InvalidInput("cover_id must be an item id or null")
        return self._catalog.set_album_cover(_album_id(album_id), item_id)

    def update(
        self, album_id: object, *, name: object = None, cover_id: object = _UNCHANGED
    ) -> AlbumSummary:
        """PATCH: a new name and/or cover (``cover_id=None`` resets it); at least one."""
        if name is None and cover_id is _UNCHANGED:
            raise InvalidInput("send a new name, a cover_id, or both")
        if name is not None:
            self.rename(album_id, name)
        if cover_id is not _UNCHANGED:
            self.set_cover(album_id, cover_id)
        return self.get(album_id)

    def delete(self, album_id: object) -> None:
        """Forget the album; its items stay where they are."""
        self._catalog.delete_album(_album_id(album_id))

    def items(
        self, album_id: object, *, limit: int = 100, cursor: str | None = None, newer: bool = False
    ) -> Page:
        """A page of the album's items, newest taken first (trashed ones hidden): below
        ``cursor``, or with ``newer`` just above it (the cursor then goes on upwards)."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
        if not isinstance(newer, bool):
            raise InvalidInput("newer must be true or false")
        return self._catalog.album_items(
            _album_id(album_id), limit=limit, cursor=cursor or None, newer=newer
        )

    def cursor_of(self, album_id: object, item: MediaItem) -> str:
        """Where ``item`` sits in the album: a cursor to page either way from."""
        return self._catalog.album_cursor(_album_id(album_id), item)

    def add(self, album_id: object, item_ids: object) -> AlbumChange:
        """Add up to 1000 items; those already in it are reported, never doubled."""
        return self._catalog.add_to_album(_album_id(album_id), item_ids)  # type: ignore[arg-type]

    def remove(self, album_id: object, item_ids: object) -> AlbumChange:
        """Take items out of the album (never out of the library)."""
        return self._catalog.remove_from_album(_album_id(album_id), item_ids)  # type: ignore[arg-type]


def _album_id(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise NotFound("no such album")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text")
    return value
