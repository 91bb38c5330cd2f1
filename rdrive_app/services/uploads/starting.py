"""Starting an upload: check what the client declares, reserve a free name (or find the
unfinished upload of the same file again) and say how to send the bytes."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

from rdrive_app.core.domain import (
    Kind,
    MediaItem,
    Status,
    new_id,
    normalize_folder,
    numbered_name,
    utcnow,
    validate_name,
)
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from rdrive_app.core.fingerprint import MAX_FINGERPRINT_CHARS
from rdrive_app.core.housekeeping import is_housekeeping
from rdrive_app.media.sniff import NOT_MEDIA, VIDEO_EXTENSIONS
from rdrive_app.services.uploads.base import UploadBase
from rdrive_app.storage.content_headers import OCTET_STREAM

MAX_FREE_NAME_TRIES = 1000


@dataclass(frozen=True, slots=True)
class DeclaredFile:
    """What a client says of a file before sending it, unchecked: ``reserve`` checks it, and
    completion checks the bytes against it."""

    folder: object
    name: object
    size: int
    content_type: object


@dataclass(frozen=True, slots=True)
class UploadTicket:
    """What the client needs to send the bytes.

    Single PUT: ``url`` with ``headers``; ``part_count`` is 1 and ``done_parts`` is [1] when a
    resumed upload's bytes are all there already (a PUT answered 412 means the same: storage
    holds the file already and refuses to replace it).
    Multipart: ``url`` is ""; PUT parts 1..``part_count`` of ``part_size`` bytes (the last one
    shorter) to URLs from ``sign_parts``, skipping ``done_parts``, then complete.
    """

    item: MediaItem
    url: str
    content_type: str
    expires_in: int
    multipart: bool = False
    upload_id: str | None = None
    part_size: int = 0
    part_count: int = 1
    done_parts: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def declared_kind(name: str, content_type: object, size: int = 1) -> tuple[Kind, str]:
    """The kind a file claims by its type or extension (checked again from the bytes later).

    What claims no photo or video is a plain file; what claims an image no browser may show
    inline (SVG: a script can ride in it) is refused. An empty file claims nothing: there is
    nothing in it to check (a file manager writes one before the bytes); nor does a client's
    housekeeping file (core.housekeeping), whatever its name."""
    claimed = content_type if isinstance(content_type, str) else ""
    claimed = claimed.split(";", 1)[0].strip().lower()
    if not claimed.startswith(("image/", "video/")):
        claimed = (mimetypes.guess_type(name)[0] or "").lower()
    if is_housekeeping(name):  # '._IMG_1.jpg' is Finder's, not a photo
        return Kind.FILE, OCTET_STREAM
    if size == 0:
        return Kind.FILE, claimed or OCTET_STREAM
    if claimed.startswith("image/") and "svg" in claimed:
        raise UnsupportedMedia(f"“{name}” is {NOT_MEDIA}")
    if claimed.startswith("image/"):
        return Kind.IMAGE, claimed
    if claimed.startswith("video/"):
        return Kind.VIDEO, claimed
    lowered = name.lower()
    if lowered.endswith((".heic", ".heif", ".avif")):
        return Kind.IMAGE, "image/heic" if "hei" in lowered else "image/avif"
    if (ext := lowered[lowered.rfind(".") :]) in VIDEO_EXTENSIONS:  # '.mts' guesses 'model/...'
        return Kind.VIDEO, VIDEO_EXTENSIONS[ext]
    return Kind.FILE, claimed or OCTET_STREAM


def check_fingerprint(fingerprint: object) -> str | None:
    """The client's fingerprint of a file, or None when it sent none."""
    if fingerprint is None or fingerprint == "":
        return None
    if not isinstance(fingerprint, str) or len(fingerprint) > MAX_FINGERPRINT_CHARS:
        raise InvalidInput(f"a fingerprint must be text of at most {MAX_FINGERPRINT_CHARS} chars")
    return fingerprint


class UploadStarting(UploadBase):
    """Reserves names and hands out tickets, resuming an upload its fingerprint finds."""

    def check_size(self, size: object, *, empty_ok: bool = False) -> int:
        """``size`` as a file's size in bytes: InvalidInput unless positive (or 0 when
        ``empty_ok``: a file client's empty file), TooLarge over the upload limit (``POST
        /api/media`` also counts each part against it as it arrives)."""
        if not isinstance(size, int) or isinstance(size, bool) or size < (0 if empty_ok else 1):
            raise InvalidInput("size must be a positive number of bytes")
        if size > self._settings.max_upload_bytes:
            limit_gib = self._settings.max_upload_bytes / 1024**3
            raise TooLarge(f"the file is too large (the limit is {limit_gib:g} GiB)")
        return size

    def reserve(
        self,
        username: str,
        file: DeclaredFile,
        fingerprint: str | None = None,
        *,
        empty_ok: bool = False,
    ) -> MediaItem:
        """Record an ``uploading`` item under the first free name ("IMG_1 (1).jpg" on a clash)."""
        path = normalize_folder(file.folder)
        clean = validate_name(file.name)
        size = self.check_size(file.size, empty_ok=empty_ok)
        kind, claimed_type = declared_kind(clean, file.content_type, size)
        self._catalog.get_folder(path)
        item_id = new_id()
        for n in range(MAX_FREE_NAME_TRIES):
            candidate = numbered_name(clean, n)
            if n and len(candidate.encode()) > 255:
                break
            item = MediaItem(
                id=item_id,
                folder=path,
                name=candidate,
                kind=kind,
                content_type=claimed_type,
                size=size,
                uploaded_by=username,
                fingerprint=fingerprint,
            )
            try:
                return self._catalog.add_item(item)
            except Conflict:
                continue
        raise Conflict(f"no free name for “{clean}” in {path}")

    def start(
        self,
        username: str,
        folder: object,
        name: object,
        size: int,
        content_type: object,
        fingerprint: str | None = None,
    ) -> UploadTicket:
        """Reserve the item (or find the unfinished upload of the same file) and say how to send
        its bytes: one signed PUT URL, or a multipart upload for files above the threshold.

        ``fingerprint`` is the client's identity of a file (the browser sends
        "name|size|lastModified"): an ``uploading`` item of the same user in the same folder
        with the same fingerprint and size is resumed instead of reserving a new name.
        """
        fingerprint = check_fingerprint(fingerprint)
        if fingerprint is not None:
            found = self._resumable(username, folder, size, fingerprint)
            if found is not None:
                # fresh again, so the sweeper does not take an upload that is being resumed
                found = self._catalog.update_item(found.id, uploaded_at=utcnow())
                return self._ticket(found, resumed=True)
        item = self.reserve(username, DeclaredFile(folder, name, size, content_type), fingerprint)
        if self._policy.applies(item.size):
            try:
                upload_id = self._blobs.create_multipart(item.original_key, item.content_type)
                item = self._catalog.update_item(item.id, upload_id=upload_id)
            except Exception:
                self.discard(item)
                raise
        return self._ticket(item, resumed=False)

    def _resumable(
        self, username: str, folder: object, size: object, fingerprint: str
    ) -> MediaItem | None:
        path = normalize_folder(folder)
        size = self.check_size(size)
        for item in self._catalog.items_with_status(Status.UPLOADING):
            if (
                item.fingerprint == fingerprint
                and item.size == size
                and item.folder == path
                and item.uploaded_by == username
                and item.deleted_at is None
            ):
                return item
        return None

    def _ticket(self, item: MediaItem, *, resumed: bool) -> UploadTicket:
        lifetime = self._settings.signed_url_lifetime_s
        key = item.original_key
        if item.upload_id is None:
            url = self._blobs.signed_put_url(
                key, expires_in=lifetime, content_type=item.content_type
            )
            arrived = resumed and self._blobs.size(key) == item.size
            return UploadTicket(
                item=item,
                url=url,
                content_type=item.content_type,
                expires_in=lifetime,
                part_size=item.size,
                done_parts=[1] if arrived else [],
                headers=self._blobs.signed_put_headers(item.content_type),
            )
        plan = self._policy.plan(item.size)
        done: list[int] = []
        if resumed:
            try:
                held = self._blobs.list_parts(key, item.upload_id)
            except NotFound:  # aborted meanwhile (S3's lifecycle rule, the sweeper): restart
                upload_id = self._blobs.create_multipart(key, item.content_type)
                item = self._catalog.update_item(item.id, upload_id=upload_id)
                held = []
            done = sorted(
                p.number
                for p in held
                if p.number <= plan.part_count and p.size == plan.expected(p.number)
            )
        return UploadTicket(
            item=item,
            url="",
            content_type=item.content_type,
            expires_in=lifetime,
            multipart=True,
            upload_id=item.upload_id,
            part_size=plan.part_size,
            part_count=plan.part_count,
            done_parts=done,
        )
