"""Blobs written as their bytes arrive: ``BlobWriter`` (``BlobStore.writer``, a WebDAV PUT) and
``SignedFileWriter`` (the local store's signed PUT, ``ServesSignedFiles.writer_for``).

Nothing is visible until ``commit``; leaving the ``with`` block without it drops what was
written. The local store writes a hidden temp file and renames it into place; S3 sends the
bytes in parts of a multipart upload (one small object for a small file), so a 5 GB body never
waits on disk nor in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, Self


class BlobWriter(Protocol):
    def write(self, chunk: bytes) -> None:
        """Append bytes (sent on to storage as they add up)."""

    def commit(self) -> object:
        """Make the blob visible under its key, atomically."""

    def abort(self) -> None:
        """Drop what was written (a no-op after ``commit``)."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


class SignedFileWriter(Protocol):
    """Receives the body of a signed PUT; nothing is visible until ``commit``.

    Leaving the ``with`` block without ``commit`` drops what was written.
    """

    @property
    def etag(self) -> str:
        """The ETag the PUT answers with (a part's name in ``complete_multipart``)."""

    def write(self, chunk: bytes) -> None:
        """Append bytes; raises TooLarge past the writer's limit, NotFound for a part of an
        upload that completion has closed meanwhile."""

    def append_file(self, path: Path, offset: int = 0, length: int | None = None) -> None:
        """Append ``length`` bytes of a file on this machine from ``offset`` (default: all of
        it), copied inside the kernel (copy_file_range) where it can be: `rdrive import`."""

    def commit(self) -> object:
        """Make the file or part visible, atomically. A whole file is created once, as S3's
        ``If-None-Match: *`` does: FileExistsError when it exists already (HTTP 412); a part
        of an upload that completion has closed raises NotFound."""

    def abort(self) -> None:
        """Drop what was written (a no-op after ``commit``)."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...
