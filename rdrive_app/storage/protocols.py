"""The two storage contracts every backend fulfils (local disk + SQLite, S3 + DynamoDB).

Services only ever see these protocols, so the same use-case code runs on a laptop and on AWS.
One contract test suite (tests/contract/) runs unchanged against both backends. What only one
backend does is a capability declared at the end of this module (ServesSignedFiles,
DropsOldUploads, CleansTempFiles, MeasuresSpace, ResumableMoves); ``Storage`` says which ones
a deployment has.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Literal, Protocol, runtime_checkable

from rdrive_app.core.domain import Folder, Kind, MediaItem, User
from rdrive_app.core.listing import (
    MonthCount,
    Page,
    PlaceCount,
    SortOrder,
    StoredFile,
    TagCount,
)
from rdrive_app.core.search import SearchQuery
from rdrive_app.storage.album_protocol import AlbumCatalog
from rdrive_app.storage.credential_protocol import CredentialCatalog
from rdrive_app.storage.writer_protocol import BlobWriter, SignedFileWriter

CHUNK = 1024 * 1024  # how much a stream reads or writes at a time


@dataclass(frozen=True, slots=True)
class UploadedPart:
    """A part of a multipart upload that storage already holds."""

    number: int
    etag: str
    size: int


@runtime_checkable
class BlobStore(Protocol):
    """Bytes by immutable key (``originals/<id>``, ``thumbs/<id>/<size>.webp``)."""

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        """Store bytes (derived files, small uploads); atomic: readers never see half a file.

        S3 keeps ``content_type``; the local store does not (its signed URLs carry the type).
        """

    def read_range(self, key: str, start: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``start`` (fewer at the end). Raises NotFound."""

    def iter_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """Stream the whole blob without holding it in memory.

        Raises NotFound when called (not on the first ``next``), so a caller can answer 404
        before it starts a streaming response.
        """

    def size(self, key: str) -> int | None:
        """The blob's size, or None when it does not exist."""

    def writer(self, key: str, content_type: str, size: int) -> BlobWriter:
        """Write ``key`` as its bytes arrive (``size``: what is expected, to size S3's parts)."""

    def copy(self, source: str, target: str) -> None:
        """Copy a blob in the store, never through this process (S3: server-side). NotFound."""

    def delete(self, key: str) -> None:
        """Remove the blob; a missing blob is not an error."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every blob whose key starts with ``prefix`` (an item's thumbnails)."""

    def list_keys(self, prefix: str) -> Iterator[str]:
        """Every key under ``prefix``, in byte order (for the reconciler)."""

    def signed_get_url(
        self,
        key: str,
        *,
        expires_in: int,
        content_type: str | None = None,
        download_name: str | None = None,
    ) -> str:
        """A URL anyone holding it can GET until it expires; Range works.

        ``download_name`` makes it an attachment with that (UTF-8) file name. Only image/* and
        video/* types (never SVG) are served as given; anything else, or no type, is served as
        an ``application/octet-stream`` attachment so a browser never runs it.
        """

    def signed_put_url(self, key: str, *, expires_in: int, content_type: str) -> str:
        """A URL the browser PUTs the whole file to, with ``signed_put_headers``."""

    def signed_put_headers(self, content_type: str) -> dict[str, str]:
        """The headers a PUT to ``signed_put_url`` must carry (they are part of what is signed).

        Where storage can, they make the URL write only a key that does not exist yet, so a URL
        still within its lifetime cannot replace a file after it was checked and completed."""

    def create_multipart(self, key: str, content_type: str) -> str:
        """Start a multipart upload; returns its upload id."""

    def signed_part_url(
        self, key: str, upload_id: str, part_number: int, *, expires_in: int
    ) -> str:
        """A URL the browser PUTs one part to; the response's ETag header names the part.

        Part numbers go from 1 to 10 000. Every part but the last must be at least 5 MiB.
        """

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        """The parts storage already holds, by number, with quoted ETags (to resume).

        Raises NotFound for an unknown upload.
        """

    def complete_multipart(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        """Join the parts (number, etag) in order into the blob; ETags with or without quotes.

        Raises InvalidInput on a missing, wrong, repeated or out-of-order part or a too-small
        part before the last, NotFound for an unknown upload. Nothing is lost on a refusal: the
        upload can still be completed with the right list.
        """

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Drop an unfinished upload and its parts; unknown uploads are ignored."""


@runtime_checkable
class Catalog(AlbumCatalog, CredentialCatalog, Protocol):
    """Metadata: folders, items (with trash), albums, users and their credentials.

    Names are unique within a folder across files and folders; every write that could clash is
    conditional, so a clash raises Conflict and nothing is ever overwritten.
    """

    # folders
    def create_folder(self, path: str) -> Folder:
        """Create one folder. Conflict if the name is taken; NotFound if the parent is missing."""

    def get_folder(self, path: str) -> Folder:
        """The folder at ``path`` ('/' always exists, created at the epoch). Raises NotFound."""

    def list_folders(self, parent: str) -> list[Folder]:
        """Direct subfolders of ``parent``, by name. Raises NotFound for a missing parent."""

    def move_folder(self, path: str, new_path: str) -> Folder:
        """Rename or move a folder with everything in it (metadata only).

        Conflict if ``new_path`` is taken; InvalidInput when moving into itself or the root;
        NotFound if the folder or the new parent is missing; the same path is a no-op.
        Trashed items that came from inside it will be restored into its new place.
        """

    def delete_folder(self, path: str) -> None:
        """Remove an empty folder. Conflict when it still holds folders or items."""

    # items
    def add_item(self, item: MediaItem) -> MediaItem:
        """Insert a new item. Conflict if its name is taken in its folder; NotFound if the
        folder is missing; InvalidInput if it has ``deleted_at`` set."""

    def get_item(self, item_id: str) -> MediaItem:
        """One item by id, trashed ones included. Raises NotFound."""

    def update_item(self, item_id: str, **fields: object) -> MediaItem:
        """Change fields other than id, folder, name and deleted_at (status, metadata).

        Raises NotFound; InvalidInput for a field that cannot change or a bad kind/status.
        """

    def rename_item(self, item_id: str, folder: str, name: str) -> MediaItem:
        """Move and/or rename in one conditional write. Conflict on a clash, NotFound for a
        missing or trashed item or a missing target folder."""

    def list_items(
        self,
        folder: str,
        *,
        kind: Kind | None = None,
        sort: SortOrder = SortOrder.NAME,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        """A page of a folder's (untrashed) items; folders are not items.

        Name order is A → Z by code point (case-sensitive); the date orders are newest first
        with the name (Z → A) breaking ties. ``limit`` is 1–1000. A bad cursor, or one from
        another folder or order, raises InvalidInput; a missing folder raises NotFound.
        ``next_cursor`` is None on the last page (never an empty extra page).
        """

    def list_files(self, folder: str) -> list[StoredFile]:
        """All of a folder's (untrashed) items in name order, each as the little a ZIP needs;
        empty for a missing folder. One read of the folder where the backend can."""

    def list_timeline(
        self,
        *,
        cursor: str | None = None,
        before: datetime | None = None,
        newer: bool = False,
        favorites: bool = False,
        limit: int = 100,
    ) -> Page:
        """Items on the timeline (every folder; not uploading, not trashed), newest first by
        date taken. From the top, from strictly before ``before``, or after ``cursor``: older
        items, or with ``newer`` the items just above it (still newest first; the page's
        cursor goes on upwards). ``favorites`` keeps only favourites."""
        ...

    def timeline_cursor(self, item: MediaItem) -> str:
        """The timeline position of ``item``, to page either way from it."""
        ...

    def timeline_months(self, *, favorites: bool = False) -> list[MonthCount]:
        """The months that hold timeline items and how many each, newest first."""
        ...

    def search(self, query: SearchQuery, *, limit: int = 100, cursor: str | None = None) -> Page:
        """The items ``query`` matches (core.search.matches, exactly), newest first by date
        taken; ``next_cursor`` goes on to older results. A blank query or an empty date range
        gives an empty page; a bad cursor InvalidInput."""
        ...

    def tag_counts(self) -> list[TagCount]:
        """Every tag on the timeline's items and how many carry it, most used first."""
        ...

    def place_counts(self) -> list[PlaceCount]:
        """Every city the timeline's items were taken in, with counts, by country then city."""
        ...

    def unindexed(self) -> list[str]:
        """Items whose search terms are missing or stale: stored before search existed (fsck
        writes them again with ``update_item(id)``)."""
        ...

    def off_timeline(self) -> list[str]:
        """Items that belong on the timeline but were stored before it existed (fsck adds
        them with ``update_item(id)``)."""
        ...

    def name_taken(self, folder: str, name: str) -> bool:
        """Whether a file or folder called ``name`` exists in ``folder``."""

    def item_named(self, folder: str, name: str) -> MediaItem | None:
        """The item called ``name`` in ``folder`` (not a subfolder), or None."""
        ...

    def trash_item(self, item_id: str) -> MediaItem:
        """Move an item to the trash (frees its name); trashing it again returns it as is.

        The returned item keeps its folder and name (where a restore puts it back) and has
        ``deleted_at`` set. Raises NotFound.
        """

    def restore_item(self, item_id: str, name: str | None = None) -> MediaItem:
        """Put a trashed item back in its folder, under ``name`` if given.

        Conflict if the name is taken; NotFound if the item or its folder is gone;
        InvalidInput if the item is not in the trash.
        """

    def list_trash(self, *, limit: int = 100, cursor: str | None = None) -> Page:
        """Trashed items, most recently deleted first."""

    def purge_item(self, item_id: str, *, unchanged: MediaItem | None = None) -> bool:
        """Forget an item's record for good, trashed or not (the service deletes its blobs
        after, and only if, this returns True).

        With ``unchanged`` (the item as the caller read it) only while the record is still in
        the same place and state: a sweep never deletes an item restored, trashed again,
        completed or touched since it listed it. False when nothing was deleted; a missing
        item is not an error, so overlapping sweeps are harmless.
        """

    def items_with_status(
        self, status: str, *, older_than: datetime | None = None
    ) -> list[MediaItem]:
        """Items in a status, trashed ones included, oldest upload first (recovery, sweeping);
        ``older_than`` keeps those uploaded before it."""

    def find_by_sha256(self, sha256: str) -> list[MediaItem]:
        """Untrashed items whose original has this sha256 (duplicate detection)."""

    def count(self) -> tuple[int, int]:
        """(untrashed items, folders), for `rdrive info`; may scan everything."""

    # users
    def add_user(self, user: User) -> User:
        """Create an account. Conflict if the name exists."""

    def get_user(self, name: str) -> User | None:
        """The account, or None."""

    def list_users(self) -> list[User]:
        """Every account, by name."""

    def set_password(self, name: str, password_hash: str, account_id: str) -> User:
        """Change the hash and bump the token version (signs out older tokens), in one write
        conditional on the account still being ``account_id``. NotFound otherwise."""

    def bump_token_version(self, name: str, account_id: str) -> User:
        """Bump only the token version (sign out everywhere), conditional on the account still
        being ``account_id``; the hash is not written, so no racing change is undone. NotFound."""

    def remove_user(self, name: str) -> None:
        """Delete an account. NotFound if missing."""


# Capabilities: what only some backends do. ``build_storage`` says which ones a deployment has
# (the optional fields of ``Storage``), so callers ask ``storage.signed_files is not None``
# instead of asking which class they were given.

Operation = Literal["get", "put", "part"]


class InvalidSignature(Exception):
    """The URL is expired, tampered with, or used for another key or operation (HTTP 403)."""


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What a verified signed URL allows: one operation on one key until ``expires``."""

    op: Operation
    key: str
    expires: int
    content_type: str | None = None
    download_name: str | None = None
    upload_id: str | None = None
    part_number: int | None = None


class ServesSignedFiles(Protocol):
    """A blob store whose signed URLs point at this app rather than at a storage service (the
    local one): the app checks the signature, serves ranged reads and writes PUT bodies itself
    (api/signed_files.py over HTTP, client/inprocess.py without a server)."""

    def verify(
        self, key: str, params: Mapping[str, str], allowed_ops: tuple[Operation, ...]
    ) -> SignedRequest:
        """What the query ``params`` of a URL for ``key`` allow; raises InvalidSignature."""

    def open_blob(self, key: str) -> BinaryIO:
        """The blob as an open, seekable binary file (for ranged reads); raises NotFound."""

    def writer_for(
        self, signed: SignedRequest, *, limit: int | None = None, offset: int | None = None
    ) -> SignedFileWriter:
        """A writer for a verified PUT: the whole file, or one part of an upload (written in
        place at ``offset`` when that is known). NotFound for an upload that is not the URL's;
        ``limit`` caps the bytes (TooLarge)."""


class DropsOldUploads(Protocol):
    """A blob store that keeps multipart parts itself (the local one; S3's lifecycle rule does
    this on AWS), so the sweeper frees the parts no record points at any more."""

    def abort_uploads_before(self, cutoff: float) -> int:
        """Drop unfinished uploads untouched since ``cutoff`` (unix time); how many."""


class CleansTempFiles(Protocol):
    """A blob store whose interrupted writes can leave temp files behind (the local one)."""

    def stale_temp_files(self, older_than_s: float) -> list[str]:
        """Temp files not written to for ``older_than_s`` seconds, sorted (a write still in
        progress is never among them)."""

    def remove_temp_file(self, name: str) -> None:
        """Delete one of ``stale_temp_files``; anything else, or a missing file, is ignored."""


class MeasuresSpace(Protocol):
    """A backend that can say cheaply how much the library holds and how much more fits (the
    local disk). S3 sets no limit to report, and DynamoDB keeps no byte total."""

    def space(self) -> tuple[int, int]:
        """(bytes in the library's items, the trash's included; bytes free for more)."""


class ResumableMoves(Protocol):
    """A catalog whose folder moves are resumable rather than atomic (DynamoDB): a move that
    stopped half-way is finished by running the same ``move_folder`` again."""

    def interrupted_moves(self) -> list[tuple[str, str]]:
        """(source, target) of every folder move that stopped half-way."""

    def move_folder(self, path: str, new_path: str) -> Folder:
        """Move a folder; for an interrupted move, finish it."""
