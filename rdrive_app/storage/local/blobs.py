"""Blobs as files under a data directory, with HMAC-signed URLs served by the app itself.

Layout under ``root``: ``objects/<key>`` holds the blobs (written atomically, local/files.py),
``multipart/`` the unfinished uploads (local/multipart.py). Besides the BlobStore contract the
store has the capabilities only a store on this machine has (storage/protocols.py): it serves
its own signed URLs (ServesSignedFiles), keeps multipart parts itself (DropsOldUploads) and can
be left with temp files by a killed write (CleansTempFiles).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.storage.local import signing
from rdrive_app.storage.local.files import (
    AtomicWriter,
    is_temp_file,
    stale_temp_files,
    validate_key,
)
from rdrive_app.storage.local.multipart import (
    MIN_PART_SIZE,
    PlacedPartWriter,
    Uploads,
    check_part_number,
    check_upload_id,
)
from rdrive_app.storage.protocols import CHUNK, Operation, SignedRequest, UploadedPart


class LocalBlobStore:
    """BlobStore on the local disk; signed URLs point at the app's /api/files routes."""

    def __init__(
        self, root: Path, base_url: str, secret: bytes, *, min_part_size: int = MIN_PART_SIZE
    ) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self._objects = self.root / "objects"
        self._prefix = f"{self._objects}{os.sep}"  # + a validated key: its path, as a str
        self._objects.mkdir(parents=True, exist_ok=True)
        self._uploads = Uploads(self.root / "multipart", min_part_size=min_part_size)

    # paths and writers

    def path_for(self, key: str) -> Path:
        """Where ``key`` lives on disk (validated: always inside root)."""
        return self._objects / validate_key(key)

    def object_writer(
        self, key: str, *, limit: int | None = None, create_only: bool = False, digest: bool = True
    ) -> AtomicWriter:
        """A writer whose ``commit()`` atomically replaces the blob ``key`` (``create_only``:
        creates it, FileExistsError if it exists; ``digest``: its ``etag`` is the MD5)."""
        return AtomicWriter(self.path_for(key), limit=limit, create_only=create_only, digest=digest)

    # ServesSignedFiles

    def verify(
        self, key: str, params: Mapping[str, str], allowed_ops: tuple[Operation, ...]
    ) -> SignedRequest:
        """Check a signed URL's query for ``key``; raises InvalidSignature."""
        return signing.verify(self._secret, key, params, allowed_ops=allowed_ops)

    def open_blob(self, key: str) -> BinaryIO:
        """An open binary file for ``key``; raises NotFound."""
        try:
            return self.path_for(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no blob {key}") from None

    def writer_for(
        self, signed: SignedRequest, *, limit: int | None = None, offset: int | None = None
    ) -> AtomicWriter | PlacedPartWriter:
        """The writer a verified PUT goes to: a part (in place at ``offset`` when known; it
        fails with NotFound once completion has closed the upload), or the whole object,
        created once: its commit fails with FileExistsError when the object exists (a PUT
        that was still streaming when an earlier one was completed and checked)."""
        if signed.op == "part":
            assert signed.upload_id is not None and signed.part_number is not None
            return self._uploads.part_writer(
                signed.key, signed.upload_id, signed.part_number, limit=limit, offset=offset
            )
        # no MD5 for its ETag (a random token, as a part's): nothing reads it, and it cost
        # more than the write itself, which can then be a copy in the kernel (append_file)
        return self.object_writer(signed.key, limit=limit, create_only=True, digest=False)

    # DropsOldUploads

    def abort_uploads_before(self, cutoff: float) -> int:
        """Drop unfinished uploads untouched since ``cutoff`` (unix time), whatever the catalog
        says: the sweeper's way to free parts that no record points at any more."""
        return self._uploads.abort_before(cutoff)

    # CleansTempFiles

    def stale_temp_files(self, older_than_s: float) -> list[str]:
        return [str(p) for p in stale_temp_files(self.root, older_than_s)]

    def remove_temp_file(self, name: str) -> None:
        path = Path(name)
        if is_temp_file(self.root, path):
            path.unlink(missing_ok=True)

    # BlobStore

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        """Store bytes atomically. The local store keeps no content type: signed URLs carry it."""
        with self.object_writer(key, digest=False) as writer:  # no caller asks for an ETag
            if isinstance(data, bytes | bytearray | memoryview):
                writer.write(bytes(data))
            else:
                writer.copy_from(data)
            writer.commit()

    def writer(self, key: str, content_type: str, size: int) -> AtomicWriter:
        """A temp file beside the blob, renamed into place on ``commit``."""
        return self.object_writer(key, digest=False)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        if start < 0 or length < 0:
            raise InvalidInput("start and length must not be negative")
        with self.open_blob(key) as f:
            f.seek(start)
            return f.read(length)

    def iter_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """Opens the blob now (so NotFound is raised here), then yields its chunks.

        Unbuffered reads sized to the file: a ZIP of a folder opens thousands of small photos,
        and a Path, a buffered file and a 4 MiB read buffer each cost something per file.
        """
        try:
            f = open(self._prefix + validate_key(key), "rb", buffering=0)  # noqa: SIM115 (closed by _chunks)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"no blob {key}") from None
        return _chunks(f, chunk_size)

    def size(self, key: str) -> int | None:
        try:
            return self.path_for(key).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None

    def copy(self, source: str, target: str) -> None:
        if self.size(source) is None:
            raise NotFound(f"no blob {source}")
        with self.object_writer(target, digest=False) as writer:  # copy_file_range: in the kernel
            writer.append_file(self.path_for(source))
            writer.commit()

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
        req = SignedRequest(
            op="get",
            key=validate_key(key),
            expires=signing.expiry(expires_in),
            content_type=content_type,
            download_name=download_name,
        )
        return signing.sign_url(self._secret, self.base_url, req)

    def signed_put_url(self, key: str, *, expires_in: int, content_type: str) -> str:
        req = SignedRequest(
            op="put",
            key=validate_key(key),
            expires=signing.expiry(expires_in),
            content_type=content_type,
        )
        return signing.sign_url(self._secret, self.base_url, req)

    def signed_put_headers(self, content_type: str) -> dict[str, str]:
        # As on S3: a signed PUT creates its object once and is answered 412 after that (the
        # file route does so whatever the header says; clients read 412 as "stored already"
        # only when they sent it). The route also asks the upload service before every write.
        return {"Content-Type": content_type, "If-None-Match": "*"}

    def create_multipart(self, key: str, content_type: str) -> str:
        return self._uploads.create(key)

    def signed_part_url(
        self, key: str, upload_id: str, part_number: int, *, expires_in: int
    ) -> str:
        req = SignedRequest(
            op="part",
            key=validate_key(key),
            expires=signing.expiry(expires_in),
            upload_id=check_upload_id(upload_id),
            part_number=check_part_number(part_number),
        )
        return signing.sign_url(self._secret, self.base_url, req)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        return self._uploads.list_parts(key, upload_id)

    def complete_multipart(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        self._uploads.complete(key, upload_id, parts, self.path_for(key))

    def abort_multipart(self, key: str, upload_id: str) -> None:
        self._uploads.abort(key, upload_id)

    def _prune_empty_dirs(self, directory: Path) -> None:
        """Remove now-empty directories up to (not including) objects/."""
        while directory != self._objects and self._objects in directory.parents:
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent


def _chunks(f: io.FileIO, chunk_size: int) -> Iterator[bytes]:
    """The file's chunks, then closes it. Each read asks for what is left and one byte more
    (the end shows as a short read, then an empty one; a file that grew goes on)."""
    with f:
        left = os.fstat(f.fileno()).st_size
        while chunk := f.read(min(chunk_size, left + 1) if left >= 0 else chunk_size):
            left -= len(chunk)
            yield chunk
