"""Blobs as files under a data directory, with HMAC-signed URLs served by the app itself.

Layout under ``root``::

    objects/<key>                       the blobs
    multipart/<upload_id>/key           which key an unfinished upload is for
    multipart/<upload_id>/<nnnnn>.<etag> its parts (the etag lives in the name, so a part and its
                                        etag appear together in one rename; it is a random
                                        token per written part, not an MD5: hashing every
                                        part cost more than receiving it)
    multipart/<upload_id>/data          parts written in place when their offset is known
    multipart/<upload_id>/<nnnnn>.<etag>.<offset>-<size>   ...and their empty markers; such an
                                        upload completes by renaming ``data``, copying nothing

Every write goes to a hidden temp file in the target's directory and is renamed into place, so a
reader sees the old bytes or the new ones, never half a file. Keys are checked against a strict
alphabet before they touch the file system, so no key can point outside ``root``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, NamedTuple

from rdrive_app.core.errors import InvalidInput, NotFound, TooLarge
from rdrive_app.storage.local import signing
from rdrive_app.storage.protocols import UploadedPart

CHUNK = 1024 * 1024
MIN_PART_SIZE = 5 * 1024 * 1024  # what S3 demands of every part but the last
MAX_KEY_LENGTH = 1024
_KEY_RE = re.compile(r"[A-Za-z0-9/_.-]+")
_UPLOAD_ID_RE = re.compile(r"[0-9a-f]{32}")
_PART_RE = re.compile(r"(\d{5})\.([0-9a-f]{32})(?:\.(\d+)-(\d+))?")
_DATA = "data"
_TMP_PREFIX = ".tmp-"


def validate_key(key: object) -> str:
    """Return ``key`` if it is a safe relative blob key, else raise InvalidInput."""
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput("a blob key may only contain letters, digits, '/', '_', '.' and '-'")
    if ".." in key or key.startswith("/"):
        raise InvalidInput("a blob key cannot contain '..' or start with '/'")
    if any(seg == "" or seg.startswith(".") for seg in key.split("/")):
        raise InvalidInput("a blob key cannot have empty or hidden segments")
    return key


def strip_etag(etag: str) -> str:
    """'"abc"' → 'abc': browsers hand ETags back with or without the quotes."""
    return etag.strip().strip('"')


def _check_part_number(part_number: int) -> int:
    if not isinstance(part_number, int) or not 1 <= part_number <= signing.MAX_PART_NUMBER:
        raise InvalidInput(f"part numbers go from 1 to {signing.MAX_PART_NUMBER}")
    return part_number


class AtomicWriter:
    """Streams bytes into a hidden temp file beside ``target``; ``commit`` renames it into place.

    Use it as a context manager: leaving the block without ``commit`` removes the temp file.
    """

    def __init__(self, target: Path, *, limit: int | None = None, digest: bool = True) -> None:
        self.target = target
        self.size = 0
        self._limit = limit
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
                return tempfile.mkstemp(prefix=_TMP_PREFIX, dir=directory)
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
        inside the kernel (copy_file_range) when the writer keeps no digest: joining a 5 GB
        upload never passes its bytes through Python."""
        with path.open("rb") as f:
            src = f.fileno()
            left = os.fstat(src).st_size - offset if length is None else length
            if self._limit is not None and self.size + left > self._limit:
                raise TooLarge(f"the upload is larger than {self._limit} bytes")
            self._file.flush()
            if self._md5 is None and hasattr(os, "copy_file_range"):
                try:
                    while left > 0:
                        n = os.copy_file_range(
                            src, self._file.fileno(), min(left, 1 << 30), offset_src=offset
                        )
                        if n == 0:
                            break
                        offset, left, self.size = offset + n, left - n, self.size + n
                except OSError:  # a file system without it: the plain way for the rest
                    self._file.seek(0, os.SEEK_END)
            f.seek(offset)
            while left > 0 and (chunk := f.read(min(CHUNK, left))):
                self.write(chunk)
                left -= len(chunk)

    def commit(self, target: Path | None = None) -> Path:
        """Flush to disk and rename over ``target`` (default: the one given at creation)."""
        final = target or self.target
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._tmp, final)
        self._done = True
        return final

    def abort(self) -> None:
        if not self._done:
            self._file.close()
            self._tmp.unlink(missing_ok=True)
            self._done = True

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


class HeldPart(NamedTuple):
    """A part the store holds: its own file, or a range of the upload's data file."""

    number: int
    etag: str
    size: int
    path: Path
    offset: int | None  # None: the part is the file at ``path``


def _contiguous(parts: list[HeldPart]) -> bool:
    """Whether the parts were all written in place, back to back from the start."""
    at = 0
    for p in parts:
        if p.offset != at:
            return False
        at += p.size
    return True


class LocalBlobStore:
    """BlobStore on the local disk; signed URLs point at the app's /api/files routes."""

    def __init__(
        self, root: Path, base_url: str, secret: bytes, *, min_part_size: int = MIN_PART_SIZE
    ) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self._min_part_size = min_part_size
        self._objects = self.root / "objects"
        self._uploads = self.root / "multipart"
        self._objects.mkdir(parents=True, exist_ok=True)
        self._uploads.mkdir(parents=True, exist_ok=True)

    # paths and writers (also used by the signed file routes)

    def path_for(self, key: str) -> Path:
        """Where ``key`` lives on disk (validated: always inside root)."""
        return self._objects / validate_key(key)

    def object_writer(self, key: str, *, limit: int | None = None) -> AtomicWriter:
        """A writer whose ``commit()`` atomically replaces the blob ``key``."""
        return AtomicWriter(self.path_for(key), limit=limit)

    def part_writer(
        self,
        key: str,
        upload_id: str,
        part_number: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> PartWriter | PlacedPartWriter:
        """A writer for one part of an upload; NotFound unless the upload is for ``key``.

        With ``offset`` (where the part starts in the whole file, when the uploader's part
        layout is known) the part is written in place into the upload's ``data`` file.
        """
        upload_dir = self._upload_dir(key, upload_id)
        number = _check_part_number(part_number)
        if offset is not None:
            return PlacedPartWriter(upload_dir, number, offset, limit=limit)
        return PartWriter(upload_dir, number, limit=limit)

    def open_blob(self, key: str) -> BinaryIO:
        """An open binary file for ``key``; raises NotFound."""
        try:
            return self.path_for(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no blob {key}") from None

    def verify(
        self, key: str, params: Mapping[str, str], allowed_ops: tuple[signing.Operation, ...]
    ) -> signing.SignedRequest:
        """Check a signed URL's query for ``key``; raises signing.InvalidSignature."""
        return signing.verify(self._secret, key, params, allowed_ops=allowed_ops)

    # BlobStore

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        """Store bytes atomically. The local store keeps no content type: signed URLs carry it."""
        with self.object_writer(key) as writer:
            if isinstance(data, bytes | bytearray | memoryview):
                writer.write(bytes(data))
            else:
                writer.copy_from(data)
            writer.commit()

    def read_range(self, key: str, start: int, length: int) -> bytes:
        if start < 0 or length < 0:
            raise InvalidInput("start and length must not be negative")
        with self.open_blob(key) as f:
            f.seek(start)
            return f.read(length)

    def iter_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """Opens the blob now (so NotFound is raised here), then yields its chunks."""
        f = self.open_blob(key)

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(chunk_size):
                    yield chunk

        return chunks()

    def size(self, key: str) -> int | None:
        try:
            return self.path_for(key).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None

    def delete(self, key: str) -> None:
        path = self.path_for(key)
        path.unlink(missing_ok=True)
        self._prune_empty_dirs(path.parent)

    def delete_prefix(self, prefix: str) -> None:
        for key in list(self.list_keys(prefix)):
            self.delete(key)

    def list_keys(self, prefix: str) -> Iterator[str]:
        """Keys under ``prefix`` in byte order (as S3 lists them)."""
        base = self._objects
        if "/" in prefix:
            base = base / validate_key(prefix.rsplit("/", 1)[0])
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel = Path(dirpath).relative_to(self._objects).as_posix()
            for name in filenames:
                if name.startswith("."):
                    continue
                key = name if rel == "." else f"{rel}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        return iter(sorted(keys))

    def signed_get_url(
        self,
        key: str,
        *,
        expires_in: int,
        content_type: str | None = None,
        download_name: str | None = None,
    ) -> str:
        req = signing.SignedRequest(
            op="get",
            key=validate_key(key),
            expires=signing.expiry(expires_in),
            content_type=content_type,
            download_name=download_name,
        )
        return signing.sign_url(self._secret, self.base_url, req)

    def signed_put_url(self, key: str, *, expires_in: int, content_type: str) -> str:
        req = signing.SignedRequest(
            op="put",
            key=validate_key(key),
            expires=signing.expiry(expires_in),
            content_type=content_type,
        )
        return signing.sign_url(self._secret, self.base_url, req)

    def signed_put_headers(self, content_type: str) -> dict[str, str]:
        # The file route asks the upload service before every write, and refuses one to an
        # upload that is complete (``put_rule``): no precondition header is needed here.
        return {"Content-Type": content_type}

    def create_multipart(self, key: str, content_type: str) -> str:
        validate_key(key)
        upload_id = secrets.token_hex(16)
        upload_dir = self._uploads / upload_id
        upload_dir.mkdir(parents=True)
        with AtomicWriter(upload_dir / "key") as writer:
            writer.write(key.encode())
            writer.commit()
        return upload_id

    def signed_part_url(
        self, key: str, upload_id: str, part_number: int, *, expires_in: int
    ) -> str:
        req = signing.SignedRequest(
            op="part",
            key=validate_key(key),
            expires=signing.expiry(expires_in),
            upload_id=self._check_upload_id(upload_id),
            part_number=_check_part_number(part_number),
        )
        return signing.sign_url(self._secret, self.base_url, req)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        upload_dir = self._upload_dir(key, upload_id)
        return [
            UploadedPart(number=p.number, etag=f'"{p.etag}"', size=p.size)
            for p in self._parts(upload_dir)
        ]

    def complete_multipart(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        upload_dir = self._upload_dir(key, upload_id)
        chosen = self._check_parts(upload_dir, parts)
        target = self.path_for(key)
        data = upload_dir / _DATA
        if _contiguous(chosen):  # written in place: the data file is the object already
            with data.open("r+b") as f:
                f.truncate(sum(p.size for p in chosen))
                os.fsync(f.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(data, target)
        else:
            with AtomicWriter(target, digest=False) as writer:
                for p in chosen:
                    if p.offset is None:
                        writer.append_file(p.path)
                    else:
                        writer.append_file(data, p.offset, p.size)
                writer.commit()
        shutil.rmtree(upload_dir, ignore_errors=True)

    def abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            upload_dir = self._upload_dir(key, upload_id)
        except (NotFound, InvalidInput):
            return
        shutil.rmtree(upload_dir, ignore_errors=True)

    def abort_uploads_before(self, cutoff: float) -> int:
        """Drop unfinished uploads untouched since ``cutoff`` (unix time), whatever the catalog
        says: the sweeper's way to free parts that no record points at any more."""
        dropped = 0
        for upload_dir in self._uploads.iterdir():
            try:
                times = [upload_dir.stat().st_mtime]
                times += [p.stat().st_mtime for p in upload_dir.iterdir()]
            except (FileNotFoundError, NotADirectoryError):
                continue
            if max(times) < cutoff:
                shutil.rmtree(upload_dir, ignore_errors=True)
                dropped += 1
        return dropped

    # helpers

    def _check_upload_id(self, upload_id: object) -> str:
        if not isinstance(upload_id, str) or not _UPLOAD_ID_RE.fullmatch(upload_id):
            raise NotFound("no such upload")
        return upload_id

    def _upload_dir(self, key: str, upload_id: str) -> Path:
        validate_key(key)
        upload_dir = self._uploads / self._check_upload_id(upload_id)
        try:
            recorded = (upload_dir / "key").read_text()
        except (FileNotFoundError, NotADirectoryError):
            raise NotFound("no such upload") from None
        if recorded != key:
            raise NotFound("no such upload for this key")
        return upload_dir

    @staticmethod
    def _parts(upload_dir: Path) -> list[HeldPart]:
        found = []
        for path in upload_dir.iterdir():
            if m := _PART_RE.fullmatch(path.name):
                number, etag, offset, size = m.groups()
                if offset is None:
                    found.append(HeldPart(int(number), etag, path.stat().st_size, path, None))
                else:
                    found.append(HeldPart(int(number), etag, int(size), path, int(offset)))
        return sorted(found, key=lambda p: p.number)

    def _check_parts(self, upload_dir: Path, parts: Iterable[tuple[int, str]]) -> list[HeldPart]:
        """The parts to join, in order; InvalidInput saying what is wrong with ``parts``."""
        parts = list(parts)
        if not parts:
            raise InvalidInput("a multipart upload needs at least one part")
        held = {p.number: p for p in self._parts(upload_dir)}
        chosen: list[HeldPart] = []
        previous = 0
        for i, (number, etag) in enumerate(parts):
            if number <= previous:
                raise InvalidInput("parts must be listed in ascending order without repeats")
            previous = number
            if number not in held:
                raise InvalidInput(f"part {number} was never uploaded")
            part = held[number]
            if strip_etag(etag) != part.etag:
                raise InvalidInput(f"part {number} does not match its etag")
            is_last = i == len(parts) - 1
            if not is_last and part.size < self._min_part_size:
                raise InvalidInput(
                    f"part {number} is smaller than {self._min_part_size} bytes "
                    "(only the last part may be)"
                )
            chosen.append(part)
        return chosen

    def _prune_empty_dirs(self, directory: Path) -> None:
        """Remove now-empty directories up to (not including) objects/."""
        while directory != self._objects and self._objects in directory.parents:
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent


class PartWriter(AtomicWriter):
    """Writes one part; on commit the part replaces any earlier upload of the same number."""

    def __init__(self, upload_dir: Path, part_number: int, *, limit: int | None = None) -> None:
        self._upload_dir = upload_dir
        self._number = part_number
        super().__init__(upload_dir / f"{part_number:05d}", limit=limit, digest=False)

    def commit(self, target: Path | None = None) -> Path:
        final = super().commit(self._upload_dir / f"{self._number:05d}.{self.etag}")
        for path in self._upload_dir.glob(f"{self._number:05d}.*"):
            if path != final:
                path.unlink(missing_ok=True)
        return final


class PlacedPartWriter:
    """Writes one part in place into the upload's data file at its offset; on commit an empty
    marker names its number, etag, offset and size. Any earlier marker of the same number goes
    first, so a half-rewritten range is never listed as held."""

    def __init__(
        self, upload_dir: Path, part_number: int, offset: int, *, limit: int | None = None
    ) -> None:
        if offset < 0:
            raise InvalidInput("a part cannot start before the file")
        self._upload_dir = upload_dir
        self._number = part_number
        self._offset = offset
        self._limit = limit
        self.size = 0
        self.etag = secrets.token_hex(16)
        self._drop_markers()
        self._fd: int | None = os.open(upload_dir / _DATA, os.O_WRONLY | os.O_CREAT, 0o600)

    def _drop_markers(self, keep: Path | None = None) -> None:
        for path in self._upload_dir.glob(f"{self._number:05d}.*"):
            if path != keep:
                path.unlink(missing_ok=True)

    def write(self, chunk: bytes) -> None:
        if self._limit is not None and self.size + len(chunk) > self._limit:
            raise TooLarge(f"the upload is larger than {self._limit} bytes")
        assert self._fd is not None
        view = memoryview(chunk)
        while view:
            n = os.pwrite(self._fd, view, self._offset + self.size)
            self.size += n
            view = view[n:]

    def commit(self) -> Path:
        assert self._fd is not None
        os.fdatasync(self._fd)
        os.close(self._fd)
        self._fd = None
        marker = self._upload_dir / f"{self._number:05d}.{self.etag}.{self._offset}-{self.size}"
        marker.touch(exist_ok=False)
        self._drop_markers(keep=marker)
        return marker

    def abort(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> PlacedPartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()
