"""Blob files under the local store's root: which keys are safe, and how a file is written.

Every write goes to a hidden temp file (``.tmp-*``) in the target's directory and is renamed
into place, so a reader sees the old bytes or the new ones, never half a file (a signed PUT's
is linked into place only if nothing is there yet: bytes checked once are never replaced). A
write killed half-way leaves its temp file behind; ``stale_temp_files`` finds those for the
reconciler. Keys are checked against a strict alphabet before they touch the file system, so
no key can point outside the root.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Self

from rdrive_app.core.errors import InvalidInput, TooLarge
from rdrive_app.storage.protocols import CHUNK

MAX_KEY_LENGTH = 1024
TMP_PREFIX = ".tmp-"
_KEY_RE = re.compile(r"[A-Za-z0-9/_.-]+")


def validate_key(key: object) -> str:
    """Return ``key`` if it is a safe relative blob key, else raise InvalidInput."""
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput("a blob key may only contain letters, digits, '/', '_', '.' and '-'")
    if ".." in key or key.startswith("/"):
        raise InvalidInput("a blob key cannot contain '..' or start with '/'")
    if any(seg == "" or seg.startswith(".") for seg in key.split("/")):
        raise InvalidInput("a blob key cannot have empty or hidden segments")
    return key


def stale_temp_files(root: Path, older_than_s: float) -> list[Path]:
    """Temp files under ``root`` not written to for ``older_than_s`` seconds, sorted."""
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than_s
    return sorted(
        p for p in root.rglob(f"{TMP_PREFIX}*") if p.is_file() and p.stat().st_mtime < cutoff
    )


def is_temp_file(root: Path, path: Path) -> bool:
    """Whether ``path`` names a temp file inside ``root`` (only those may be cleaned up)."""
    return path.name.startswith(TMP_PREFIX) and root.resolve() in path.resolve().parents


KERNEL_COPIES = hasattr(os, "copy_file_range")  # Linux; elsewhere the plain way
GIB = 1 << 30


def copy_span(
    path: Path,
    offset: int,
    length: int | None,
    room: int | None,
    kernel_copy: Callable[[int, int, int], int],
    write: Callable[[bytes], None],
) -> None:
    """Copy ``length`` bytes of ``path`` from ``offset`` (default: to its end), at most
    ``room``: by ``kernel_copy(fd, offset, count)`` (copy_file_range) while it copies, then by
    reading and ``write`` (a file system without it, another disk). OSError when the file
    ends first: a file that shrank meanwhile is never stored short."""
    with path.open("rb") as f:
        src = f.fileno()
        left = os.fstat(src).st_size - offset if length is None else length
        if room is not None and left > room:
            raise TooLarge(f"the upload is larger than {room} more bytes")
        with contextlib.suppress(OSError):
            while left > 0 and KERNEL_COPIES and (n := kernel_copy(src, offset, min(left, GIB))):
                offset, left = offset + n, left - n
        f.seek(offset)
        while left > 0 and (chunk := f.read(min(CHUNK, left))):
            write(chunk)
            left -= len(chunk)
        if left > 0:
            raise OSError(f"{path.name} ended {left} bytes short of what was to be copied")


class AtomicWriter:
    """Streams bytes into a hidden temp file beside ``target``; ``commit`` renames it into place.

    Use it as a context manager: leaving the block without ``commit`` removes the temp file.
    """

    def __init__(
        self,
        target: Path,
        *,
        limit: int | None = None,
        digest: bool = True,
        create_only: bool = False,
    ) -> None:
        self.target = target
        self.size = 0
        self._limit = limit
        self._create_only = create_only  # commit never replaces an existing file
        # digest=False: an opaque random etag instead of the MD5 (parts, joined uploads)
        self._md5 = hashlib.md5(usedforsecurity=False) if digest else None
        self._token = None if digest else secrets.token_hex(16)
        fd, tmp = self._make_temp(target.parent)
        self._tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")
        self._done = False

    @staticmethod
    def _make_temp(directory: Path) -> tuple[int, str]:
        # A concurrent delete may prune the directory between mkdir and mkstemp: retry once.
        for attempt in range(2):
            directory.mkdir(parents=True, exist_ok=True)
            try:
                return tempfile.mkstemp(prefix=TMP_PREFIX, dir=directory)
            except FileNotFoundError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    @property
    def etag(self) -> str:
        """MD5 hex of what was written (the ETag S3 would give a single-part object), or the
        random token of a writer made with ``digest=False``."""
        return self._md5.hexdigest() if self._md5 is not None else str(self._token)

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._limit is not None and self.size > self._limit:
            raise TooLarge(f"the upload is larger than {self._limit} bytes")
        if self._md5 is not None:
            self._md5.update(chunk)
        self._file.write(chunk)

    def copy_from(self, stream: BinaryIO) -> None:
        while chunk := stream.read(CHUNK):
            self.write(chunk)

    def append_file(self, path: Path, offset: int = 0, length: int | None = None) -> None:
        """Append ``length`` bytes of a file from ``offset`` (default: all of it), copied
        inside the kernel when the writer keeps no digest (``copy_span``): joining a 5 GB
        upload never passes its bytes through Python."""
        self._file.flush()
        out = self._file.fileno()

        def kernel_copy(src: int, start: int, count: int) -> int:
            if self._md5 is not None:
                return 0  # the digest needs the bytes
            n = os.copy_file_range(src, out, count, offset_src=start)
            self.size += n
            return n

        def write(chunk: bytes) -> None:
            self._file.seek(0, os.SEEK_END)  # past what the kernel wrote
            self.write(chunk)

        room = None if self._limit is None else self._limit - self.size
        copy_span(path, offset, length, room, kernel_copy, write)

    def commit(self, target: Path | None = None) -> Path:
        """Flush to disk and rename over ``target`` (default: the one given at creation).

        A writer made ``create_only`` links the file into place instead, which fails with
        FileExistsError when ``target`` exists (atomically: two writers cannot both win):
        S3's ``If-None-Match: *``, so bytes checked once are never replaced.
        """
        final = target or self.target
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        try:
            if self._create_only:
                os.link(self._tmp, final)
                self._tmp.unlink()
            else:
                os.replace(self._tmp, final)
        finally:
            self._tmp.unlink(missing_ok=True)  # gone already unless the link failed
            self._done = True
        return final

    def abort(self) -> None:
        if not self._done:
            self._file.close()
            self._tmp.unlink(missing_ok=True)
            self._done = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()
