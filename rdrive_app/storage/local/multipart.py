"""Multipart uploads on the local disk, the way S3 keeps them: parts first, joined on complete.

Layout under the store's ``multipart/`` directory::

    <upload_id>/key                     which key an unfinished upload is for
    <upload_id>/<nnnnn>.<etag>          its parts (the etag lives in the name, so a part and its
                                        etag appear together in one rename; it is a random
                                        token per written part, not an MD5: hashing every
                                        part cost more than receiving it)
    <upload_id>/data                    parts written in place when their offset is known
    <upload_id>/<nnnnn>.<etag>.<offset>-<size>   ...and their empty markers; such an upload
                                        completes by renaming ``data``, copying nothing
    <upload_id>/lock, <upload_id>/sealed   the upload's gate (``_Gate``)

Completion closes the upload to writes before it checks the parts (``sealed``, under the gate's
lock held exclusively; part writers hold it shared while they check that the upload is open and
write): a PUT still streaming when the upload completes cannot change a byte of the joined file
(which, written in place, is the very ``data`` file those writers had open).
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, Self

from rdrive_app.core.errors import InvalidInput, NotFound, TooLarge
from rdrive_app.storage.local.files import AtomicWriter, copy_span, validate_key
from rdrive_app.storage.local.signing import MAX_PART_NUMBER
from rdrive_app.storage.protocols import UploadedPart

MIN_PART_SIZE = 5 * 1024 * 1024  # what S3 demands of every part but the last
_UPLOAD_ID_RE = re.compile(r"[0-9a-f]{32}")
_PART_RE = re.compile(r"(\d{5})\.([0-9a-f]{32})(?:\.(\d+)-(\d+))?")
_DATA = "data"
_LOCK = "lock"
_SEALED = "sealed"
CLOSED = "this upload is already complete or was cancelled"


def strip_etag(etag: str) -> str:
    """'"abc"' → 'abc': browsers hand ETags back with or without the quotes."""
    return etag.strip().strip('"')


def check_part_number(part_number: int) -> int:
    """``part_number`` if it is one S3 would accept, else InvalidInput."""
    if not isinstance(part_number, int) or not 1 <= part_number <= MAX_PART_NUMBER:
        raise InvalidInput(f"part numbers go from 1 to {MAX_PART_NUMBER}")
    return part_number


def check_upload_id(upload_id: object) -> str:
    """``upload_id`` if it has the shape this store gives them, else NotFound."""
    if not isinstance(upload_id, str) or not _UPLOAD_ID_RE.fullmatch(upload_id):
        raise NotFound("no such upload")
    return upload_id


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


class _Gate:
    """One upload's lock (``flock``, so it holds across processes: the app and ``rdrive
    import`` may write the same store). Writers check and write holding it shared; completion
    seals the upload holding it exclusively, so it waits for a write under way to end and no
    write starts after. NotFound when the upload is gone."""

    def __init__(self, upload_dir: Path) -> None:
        self._dir = upload_dir
        try:
            self._fd: int | None = os.open(upload_dir / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        except (FileNotFoundError, NotADirectoryError):
            raise NotFound(CLOSED) from None

    @contextmanager
    def open_for_writes(self) -> Iterator[None]:
        """Hold the gate shared while the upload is open; NotFound once sealed or removed."""
        assert self._fd is not None
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        try:
            if (self._dir / _SEALED).exists() or not (self._dir / "key").exists():
                raise NotFound(CLOSED)
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextmanager
    def sealed(self) -> Iterator[None]:
        """Close the upload to writes for the block; open it again if the block fails (as S3
        keeps an upload whose completion it refused)."""
        assert self._fd is not None
        marker = self._dir / _SEALED
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            marker.touch()
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        try:
            yield
        except BaseException:
            marker.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Uploads:
    """The unfinished multipart uploads under ``directory``."""

    def __init__(self, directory: Path, *, min_part_size: int = MIN_PART_SIZE) -> None:
        self._dir = directory
        self._min_part_size = min_part_size
        self._dir.mkdir(parents=True, exist_ok=True)

    def create(self, key: str) -> str:
        validate_key(key)
        upload_id = secrets.token_hex(16)
        upload_dir = self._dir / upload_id
        upload_dir.mkdir(parents=True)
        with AtomicWriter(upload_dir / "key") as writer:
            writer.write(key.encode())
            writer.commit()
        return upload_id

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
        number = check_part_number(part_number)
        if offset is not None:
            return PlacedPartWriter(upload_dir, number, offset, limit=limit)
        return PartWriter(upload_dir, number, limit=limit)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        upload_dir = self._upload_dir(key, upload_id)
        return [
            UploadedPart(number=p.number, etag=f'"{p.etag}"', size=p.size)
            for p in self._parts(upload_dir)
        ]

    def complete(
        self, key: str, upload_id: str, parts: list[tuple[int, str]], target: Path
    ) -> None:
        """Join ``parts`` into ``target`` (renamed into place) and forget the upload."""
        upload_dir = self._upload_dir(key, upload_id)
        gate = _Gate(upload_dir)
        try:
            with gate.sealed():  # no part changes from here on
                self._join(upload_dir, self._check_parts(upload_dir, parts), target)
        finally:
            gate.close()
        shutil.rmtree(upload_dir, ignore_errors=True)

    @staticmethod
    def _join(upload_dir: Path, chosen: list[HeldPart], target: Path) -> None:
        data = upload_dir / _DATA
        if _contiguous(chosen):  # written in place: the data file is the object already
            with data.open("r+b") as f:
                f.truncate(sum(p.size for p in chosen))
                os.fsync(f.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(data, target)
            return
        with AtomicWriter(target, digest=False) as writer:
            for p in chosen:
                if p.offset is None:
                    writer.append_file(p.path)
                else:
                    writer.append_file(data, p.offset, p.size)
            writer.commit()

    def abort(self, key: str, upload_id: str) -> None:
        try:
            upload_dir = self._upload_dir(key, upload_id)
        except (NotFound, InvalidInput):
            return
        shutil.rmtree(upload_dir, ignore_errors=True)

    def abort_before(self, cutoff: float) -> int:
        """Drop uploads untouched since ``cutoff`` (unix time), whatever the catalog says."""
        dropped = 0
        for upload_dir in self._dir.iterdir():
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

    def _upload_dir(self, key: str, upload_id: str) -> Path:
        validate_key(key)
        upload_dir = self._dir / check_upload_id(upload_id)
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


class PartWriter(AtomicWriter):
    """Writes one part; on commit the part replaces any earlier upload of the same number
    (NotFound once completion has closed the upload)."""

    def __init__(self, upload_dir: Path, part_number: int, *, limit: int | None = None) -> None:
        self._upload_dir = upload_dir
        self._number = part_number
        self._gate = _Gate(upload_dir)
        try:
            super().__init__(upload_dir / f"{part_number:05d}", limit=limit, digest=False)
        except BaseException:
            self._gate.close()
            raise

    def commit(self, target: Path | None = None) -> Path:
        try:
            with self._gate.open_for_writes():
                final = super().commit(self._upload_dir / f"{self._number:05d}.{self.etag}")
                for path in self._upload_dir.glob(f"{self._number:05d}.*"):
                    if path != final:
                        path.unlink(missing_ok=True)
            return final
        finally:
            self.abort()

    def abort(self) -> None:
        super().abort()
        self._gate.close()


class PlacedPartWriter:
    """Writes one part in place into the upload's data file at its offset; on commit an empty
    marker names its number, etag, offset and size. Any earlier marker of the same number goes
    first, so a half-rewritten range is never listed as held. Every write checks, under the
    upload's gate, that completion has not closed the upload (NotFound then)."""

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
        self._fd: int | None = None
        self._gate = _Gate(upload_dir)
        try:
            with self._gate.open_for_writes():
                self._drop_markers()
                self._fd = os.open(upload_dir / _DATA, os.O_WRONLY | os.O_CREAT, 0o600)
        except BaseException:
            self._gate.close()
            raise

    def _drop_markers(self, keep: Path | None = None) -> None:
        for path in self._upload_dir.glob(f"{self._number:05d}.*"):
            if path != keep:
                path.unlink(missing_ok=True)

    def write(self, chunk: bytes) -> None:
        if self._limit is not None and self.size + len(chunk) > self._limit:
            raise TooLarge(f"the upload is larger than {self._limit} bytes")
        assert self._fd is not None
        view = memoryview(chunk)
        with self._gate.open_for_writes():
            while view:
                n = os.pwrite(self._fd, view, self._offset + self.size)
                self.size += n
                view = view[n:]

    def append_file(self, path: Path, offset: int = 0, length: int | None = None) -> None:
        """The span of ``path`` written at this part's next offset, copied in the kernel."""
        assert self._fd is not None
        out = self._fd

        def kernel_copy(src: int, start: int, count: int) -> int:
            with self._gate.open_for_writes():
                n = os.copy_file_range(
                    src, out, count, offset_src=start, offset_dst=self._offset + self.size
                )
            self.size += n
            return n

        room = None if self._limit is None else self._limit - self.size
        copy_span(path, offset, length, room, kernel_copy, self.write)

    def commit(self) -> Path:
        assert self._fd is not None
        marker = self._upload_dir / f"{self._number:05d}.{self.etag}.{self._offset}-{self.size}"
        try:
            with self._gate.open_for_writes():
                os.fdatasync(self._fd)
                marker.touch(exist_ok=False)
                self._drop_markers(keep=marker)
        finally:
            self.abort()
        return marker

    def abort(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._gate.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()
