"""rDrive's tree as WsgiDAV resources: a folder is a collection, an item its original file.

Properties come from the catalog (``getetag`` the sha256, ``getlastmodified`` the date taken,
or uploaded); bytes come through ``services/drive.py``, which WsgiDAV seeks for a Range. A
folder's listing is read once per request, never once per entry. Changes are the web page's
use-cases: a PUT is an upload (sniffed, processed; a replaced version goes to the trash), DELETE
moves to the trash, MOVE is a rename or move (metadata only), MKCOL a new folder.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from wsgidav.dav_error import DAVError
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider

from rdrive_app.api.dav.propfind import propfind_members
from rdrive_app.core.domain import Folder, MediaItem, User
from rdrive_app.core.errors import NotFound, RDriveError
from rdrive_app.services.drive import Drive, PendingPut
from rdrive_app.services.wiring import Services

SPOOL_IN_MEMORY = 8 * 1024 * 1024  # a chunked PUT body past this waits on disk
# The clients whose GET follows a redirect to another host (rclone: Go's HTTP client, which
# drops the Authorization header there and keeps Range). Finder, Explorer and davfs2 do not.
FOLLOWS_REDIRECTS = ("rclone/",)


def _join(path: str, name: str) -> str:
    return path.rstrip("/") + "/" + name


@contextlib.contextmanager
def refusals(missing: int = 404) -> Iterator[None]:
    """rDrive's refusals as WebDAV's: the same status and message (``missing``: what a
    missing folder means here: 409 where RFC 4918 asks for it)."""
    try:
        yield
    except NotFound as exc:
        raise DAVError(missing, exc.detail) from None
    except RDriveError as exc:
        raise DAVError(exc.status_code, exc.detail) from None


def _user(environ: dict[str, Any]) -> User:
    return environ["rdrive.user"]


class _Spool:
    """A PUT body of unknown length (chunked), spooled (memory, then disk) until it is whole,
    then stored. WsgiDAV closes what it wrote into before it ends the write."""

    def __init__(self, drive: Drive, username: str, path: str, content_type: str) -> None:
        self._drive, self._username, self._path, self._type = drive, username, path, content_type
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def finish(self) -> MediaItem:
        size = self._file.tell()
        self._file.seek(0)
        try:
            return self._drive.put(self._username, self._path, self._file, size, self._type)  # type: ignore[arg-type]
        finally:
            self._file.close()

    def abort(self) -> None:
        self._file.close()


class _Body:
    """What WsgiDAV writes a PUT's body into (its ``close`` means only "that was all")."""

    def __init__(self, target: PendingPut | _Spool) -> None:
        self.target = target

    def write(self, chunk: bytes) -> None:
        self.target.write(chunk)

    def close(self) -> None:
        """The body has all arrived; ``end_write`` stores it."""


_QUOTA = frozenset({"{DAV:}quota-used-bytes", "{DAV:}quota-available-bytes"})


def _space(environ: dict[str, Any], drive: Drive) -> tuple[int, int] | None:
    """RFC 4331's quota, the whole library's (every folder draws on the same space), read once
    per request however many folders a PROPFIND lists."""
    if "rdrive.space" not in environ:
        environ["rdrive.space"] = drive.space()
    space: tuple[int, int] | None = environ["rdrive.space"]
    return space


def _declared_length(environ: dict[str, Any]) -> int | None:
    try:
        return int(environ["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        return None


class ItemFile(DAVNonCollection):
    """One item's original (or, before its first PUT has ended, the file being made)."""

    def __init__(
        self, path: str, environ: dict[str, Any], drive: Drive, item: MediaItem | None
    ) -> None:
        super().__init__(path, environ)
        self._drive, self.item = drive, item
        self._body: _Body | None = None

    def get_content_length(self) -> int | None:
        return self.item.size if self.item else None

    def get_content_type(self) -> str:
        return self.item.content_type if self.item else "application/octet-stream"

    def get_creation_date(self) -> float | None:
        return self.item.uploaded_at.timestamp() if self.item else None

    def get_last_modified(self) -> float | None:
        if self.item is None:
            return None
        return (self.item.taken_at or self.item.uploaded_at).timestamp()

    def get_display_name(self) -> str:
        return self.item.name if self.item else self.name

    def get_etag(self) -> str | None:
        return (self.item.sha256 or self.item.id) if self.item else None

    def support_etag(self) -> bool:
        return self.item is not None

    def support_ranges(self) -> bool:
        return True

    def get_content(self) -> Any:
        """The bytes, streamed; or, for a client that follows redirects (``FOLLOWS_REDIRECTS``)
        on a store that serves signed URLs itself (S3), a redirect to one, after WsgiDAV has
        checked the preconditions (the client sends its Range there again)."""
        if self.item is None:
            raise DAVError(404)
        agent = self.environ.get("HTTP_USER_AGENT", "")
        if agent.startswith(FOLLOWS_REDIRECTS):
            url = self._drive.offloaded_url(self.item)
            if url is not None:
                raise DAVError(302, add_headers=[("Location", url)])
        return self._drive.open(self.item)

    def begin_write(self, *, content_type: str | None = None) -> Any:
        """A body of known length streams to storage as it arrives (refused before it is
        read if it may not be stored); a chunked one is spooled first."""
        username, size = _user(self.environ).name, _declared_length(self.environ)
        with refusals(missing=409):
            if size is None:
                target: PendingPut | _Spool = _Spool(
                    self._drive, username, self.path, content_type or ""
                )
            else:
                target = self._drive.begin_put(username, self.path, size, content_type or "")
        self._body = _Body(target)
        return self._body

    def end_write(self, *, with_errors: bool) -> None:
        body, self._body = self._body, None
        if body is None:
            return
        if with_errors:
            body.target.abort()
            return
        with refusals(missing=409):
            self.item = body.target.finish()

    def delete(self) -> None:
        if self.item is not None:
            with refusals():
                self._drive.trash(self.item)
        self.remove_all_properties(recursive=True)
        self.remove_all_locks(recursive=True)

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> bool:
        if self.item is None:
            raise DAVError(404)
        with refusals(missing=409):
            if is_move:
                self._drive.move_item(self.item, dest_path)
            else:
                self._drive.copy_item(_user(self.environ).name, self.item, dest_path)
        return False  # WsgiDAV copies the dead properties itself

    def support_recursive_move(self, dest_path: str) -> bool:
        return True  # a move is a rename in the catalog, never a copy and a delete

    def move_recursive(self, dest_path: str) -> None:
        self.copy_move_single(dest_path, is_move=True)
        _move_dead_properties(self, dest_path)


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

    def get_used_bytes(self) -> int | None:
        space = _space(self.environ, self._drive)
        return space[0] if space else None

    def get_available_bytes(self) -> int | None:
        space = _space(self.environ, self._drive)
        return space[1] if space else None

    def get_property_value(self, name: str) -> Any:
        """WsgiDAV's, except that a quota the backend cannot measure is 404, not empty."""
        if name in _QUOTA and _space(self.environ, self._drive) is None:
            raise DAVError(404)
        return super().get_property_value(name)

    def get_etag(self) -> str | None:
        return None

    def support_etag(self) -> bool:
        return False

    def get_member_list(self) -> list[Any]:
        return list(self.iter_members())

    def iter_members(self) -> Iterator[Any]:
        """Its subfolders, then its items read a page at a time (a PROPFIND writes each as
        it comes: ``propfind.py``)."""
        for f in self._drive.folders_in(self.folder.path):
            yield FolderCollection(_join(self.path, f.name) + "/", self.environ, self._drive, f)
        for i in self._drive.items_in(self.folder.path):
            yield ItemFile(_join(self.path, i.name), self.environ, self._drive, i)

    def get_member_names(self) -> list[str]:
        listing = self._drive.listing(self.folder.path)
        return [f.name for f in listing.folders] + [i.name for i in listing.items]

    def get_member(self, name: str) -> Any:
        return self.provider.get_resource_inst(_join(self.path, name), self.environ)

    def create_collection(self, name: str) -> None:
        with refusals(missing=409):
            self._drive.make_folder(_join(self.folder.path, name))

    def create_empty_resource(self, name: str) -> ItemFile:
        """The file a PUT is about to make, stored when its body has arrived; or, for a LOCK of
        a name not yet taken (RFC 4918 §7.3), an empty file made now, which the locker's PUT
        then replaces."""
        path = _join(self.path, name)
        if self.environ.get("REQUEST_METHOD") != "LOCK":
            return ItemFile(path, self.environ, self._drive, None)
        with refusals(missing=409):
            made = self._drive.put(_user(self.environ).name, path, io.BytesIO(), 0, "")
        return ItemFile(path, self.environ, self._drive, made)

    def delete(self) -> None:
        with refusals():
            self._drive.remove_folder(self.folder.path)
        self.remove_all_properties(recursive=True)
        self.remove_all_locks(recursive=True)

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> bool:
        if is_move:
            raise DAVError(502, "folders move whole (move_recursive)")
        if self._drive.folder(dest_path) is not None:
            return False  # COPY over a folder: WsgiDAV removed what the source does not have
        with refusals(missing=409):
            self._drive.make_folder(dest_path)
        return False

    def support_recursive_move(self, dest_path: str) -> bool:
        return True

    def move_recursive(self, dest_path: str) -> None:
        with refusals(missing=409):
            self._drive.move_folder(self.folder.path, dest_path)
        _move_dead_properties(self, dest_path)


def _move_dead_properties(moved: Any, dest_path: str) -> None:
    """Dead properties (PROPPATCH's) follow a moved resource and what is under it."""
    manager = moved.provider.prop_manager
    target = moved.provider.get_resource_inst(dest_path, moved.environ)
    if manager and target is not None:
        manager.move_properties(
            moved.get_ref_url(), target.get_ref_url(), with_children=True, environ=moved.environ
        )


class RDriveProvider(DAVProvider):
    """The share ``/``: rDrive's root folder."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self._services = services

    def custom_request_handler(
        self, environ: dict[str, Any], start_response: Any, default_handler: Any
    ) -> Any:
        """A folder's PROPFIND is written entry by entry (``propfind.py``); the rest is
        WsgiDAV's."""
        if environ["REQUEST_METHOD"] == "PROPFIND":
            return propfind_members(self, environ, start_response, default_handler)
        return default_handler(environ, start_response)

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        drive = self._services.drive
        folder = drive.folder(path)
        if folder is not None:
            return FolderCollection(path, environ, drive, folder)
        item = drive.item(path)
        if item is not None:
            return ItemFile(path, environ, drive, item)
        return None
