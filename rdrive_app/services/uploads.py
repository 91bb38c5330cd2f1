"""Uploads: reserve a name, hand out signed URLs, and check what arrived before keeping it.

Bytes go straight from the browser to storage (S3 presigned PUT, or the local store's signed
route); the backend never holds a file in memory. Files above ``multipart_threshold_bytes`` go
in parts (see ``PartPlan``), which makes them resumable: the client's fingerprint of a file finds
its unfinished upload again, and ``done_parts`` says which parts storage already holds.
Completion verifies the parts and the size and sniffs the real type from the first bytes:
anything else is deleted and refused, so nothing half-written ever joins the library.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

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
from rdrive_app.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    RDriveError,
    TooLarge,
    UnsupportedMedia,
)
from rdrive_app.core.keys import item_of_original, original_key
from rdrive_app.core.settings import Settings
from rdrive_app.media.screening import screen_upload
from rdrive_app.storage import Storage
from rdrive_app.storage.protocols import UploadedPart

NOT_MEDIA = "not a photo or video"
SNIFF_BYTES = 4096
MAX_FREE_NAME_TRIES = 1000
MIB = 1024 * 1024
PART_FLOOR = 8 * MIB  # parts are at least this big (S3 wants >= 5 MiB)
MAX_PARTS = 10_000  # S3's limit, which sets the part size of very large files
MAX_SIGN_BATCH = 1000  # part URLs signed per request
MAX_FINGERPRINT = 1024
MAX_EXISTS_QUERY = 1000
_SHA256_HEX = frozenset("0123456789abcdef")

Sniffer = Callable[[bytes], tuple[Kind, str] | None]


class ProcessingQueue(Protocol):
    """Whatever makes thumbnails and reads metadata once an upload is complete."""

    def submit(self, item_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class PartPlan:
    """How a file is cut: ``part_count`` parts of ``part_size`` bytes, the last one shorter."""

    size: int
    part_size: int
    part_count: int

    def expected(self, number: int) -> int:
        """The exact size of part ``number`` (1-based)."""
        if number < self.part_count:
            return self.part_size
        return self.size - self.part_size * (self.part_count - 1)


def plan_parts(size: int, floor: int = PART_FLOOR) -> PartPlan:
    """max(size / 10 000, floor), rounded up to a whole MiB when above the floor."""
    part = max(-(-size // MAX_PARTS), floor)
    if part > floor:
        part = -(-part // MIB) * MIB
    return PartPlan(size=size, part_size=part, part_count=max(1, -(-size // part)))


@dataclass(frozen=True, slots=True)
class MultipartPolicy:
    """Which files go in parts (larger than ``threshold``) and the smallest part size."""

    threshold: int
    floor: int = PART_FLOOR

    def applies(self, size: int) -> bool:
        return size > self.threshold

    def plan(self, size: int) -> PartPlan:
        return plan_parts(size, self.floor)


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


def declared_kind(name: str, content_type: object) -> tuple[Kind, str]:
    """The kind a file claims by its type or extension (checked again from the bytes later)."""
    claimed = content_type if isinstance(content_type, str) else ""
    claimed = claimed.split(";", 1)[0].strip().lower()
    if not claimed.startswith(("image/", "video/")):
        claimed = (mimetypes.guess_type(name)[0] or "").lower()
    if claimed.startswith("image/") and "svg" not in claimed:
        return Kind.IMAGE, claimed
    if claimed.startswith("video/"):
        return Kind.VIDEO, claimed
    lowered = name.lower()
    if lowered.endswith((".heic", ".heif", ".avif")):
        return Kind.IMAGE, "image/heic" if "hei" in lowered else "image/avif"
    if lowered.endswith((".mkv", ".m4v", ".mov", ".webm")):
        return Kind.VIDEO, "video/x-matroska" if lowered.endswith(".mkv") else "video/mp4"
    raise UnsupportedMedia(f"“{name}” is {NOT_MEDIA}")


class UploadService:
    """Starts, resumes, completes and cancels uploads."""

    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        sniff: Sniffer,
        queue: ProcessingQueue,
        *,
        policy: MultipartPolicy | None = None,
    ) -> None:
        self._catalog = storage.catalog
        self._blobs = storage.blobs
        self._settings = settings
        self._sniff = sniff
        self._queue = queue
        self._policy = policy or MultipartPolicy(settings.multipart_threshold_bytes)

    @property
    def policy(self) -> MultipartPolicy:
        return self._policy

    def _check_size(self, size: object) -> int:
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise InvalidInput("size must be a positive number of bytes")
        if size > self._settings.max_upload_bytes:
            limit_gib = self._settings.max_upload_bytes / 1024**3
            raise TooLarge(f"the file is too large (the limit is {limit_gib:g} GiB)")
        return size

    @staticmethod
    def _check_fingerprint(fingerprint: object) -> str | None:
        if fingerprint is None or fingerprint == "":
            return None
        if not isinstance(fingerprint, str) or len(fingerprint) > MAX_FINGERPRINT:
            raise InvalidInput(f"a fingerprint must be text of at most {MAX_FINGERPRINT} chars")
        return fingerprint

    def reserve(
        self,
        username: str,
        folder: object,
        name: object,
        size: int,
        content_type: object,
        *,
        fingerprint: str | None = None,
    ) -> MediaItem:
        """Record an ``uploading`` item under the first free name ("IMG_1 (1).jpg" on a clash)."""
        path = normalize_folder(folder)
        clean = validate_name(name)
        size = self._check_size(size)
        kind, claimed_type = declared_kind(clean, content_type)
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
        fingerprint = self._check_fingerprint(fingerprint)
        if fingerprint is not None:
            found = self._resumable(username, folder, size, fingerprint)
            if found is not None:
                # fresh again, so the sweeper does not take an upload that is being resumed
                found = self._catalog.update_item(found.id, uploaded_at=utcnow())
                return self._ticket(found, resumed=True)
        item = self.reserve(username, folder, name, size, content_type, fingerprint=fingerprint)
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
        size = self._check_size(size)
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

    def _uploading(self, item_id: object) -> MediaItem:
        if not isinstance(item_id, str) or not item_id:
            raise NotFound("no such upload")
        item = self._catalog.get_item(item_id)
        if item.deleted_at is not None:
            raise NotFound("no such upload")
        return item

    def _multipart(self, item_id: object) -> tuple[MediaItem, PartPlan]:
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            raise Conflict("that upload is already complete")
        if item.upload_id is None:
            raise InvalidInput("this upload is a single PUT, not a multipart upload")
        return item, self._policy.plan(item.size)

    def sign_parts(self, item_id: object, numbers: object) -> dict[int, str]:
        """Signed PUT URLs for these part numbers (1..part_count) of a multipart upload."""
        item, plan = self._multipart(item_id)
        if not isinstance(numbers, list) or not numbers:
            raise InvalidInput("ask for at least one part number")
        if len(numbers) > MAX_SIGN_BATCH:
            raise InvalidInput(f"ask for at most {MAX_SIGN_BATCH} part URLs at a time")
        for n in numbers:
            if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= plan.part_count:
                raise InvalidInput(f"part numbers of this upload go from 1 to {plan.part_count}")
        lifetime = self._settings.signed_url_lifetime_s
        assert item.upload_id is not None
        return {
            n: self._blobs.signed_part_url(
                item.original_key, item.upload_id, n, expires_in=lifetime
            )
            for n in dict.fromkeys(numbers)
        }

    def put_limit(self, key: str, upload_id: str | None, part_number: int | None) -> int | None:
        """The most bytes a signed PUT to ``key`` may carry (None: no limit of its own)."""
        return self.put_rule(key, upload_id, part_number)[0]

    def put_rule(
        self, key: str, upload_id: str | None, part_number: int | None
    ) -> tuple[int | None, int | None]:
        """(most bytes, offset in the whole file) for a signed PUT to ``key``; either is None
        when not known (the offset is known for the parts of uploads this service planned).

        The local store's file route asks this before it writes, so a part or a file larger
        than announced is refused at once (S3 finds it at completion), and a part can be
        written straight into its place in the file. Raises NotFound when the upload is
        finished, cancelled, or not the one the URL was made for.
        """
        item_id = item_of_original(key)
        if item_id is None:
            return None, None
        try:
            item = self._catalog.get_item(item_id)
        except NotFound:
            raise NotFound("no such upload") from None
        if item.status != Status.UPLOADING or item.deleted_at is not None:
            raise NotFound("this upload is already complete or was cancelled")
        if part_number is None:
            return item.size, None
        if upload_id is None or upload_id != item.upload_id:
            raise NotFound("this part URL is for another upload")
        plan = self._policy.plan(item.size)
        if not 1 <= part_number <= plan.part_count:
            raise InvalidInput(f"part numbers of this upload go from 1 to {plan.part_count}")
        return plan.expected(part_number), (part_number - 1) * plan.part_size

    def complete(self, item_id: object) -> MediaItem:
        """Check what arrived: the parts (if multipart), the size as declared and a real photo
        or video, then queue processing.

        Anything wrong is deleted (blob and record) and refused, except an upload to which no
        bytes have arrived yet; completing twice is harmless.
        """
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            return item
        if item.upload_id is not None:
            self._join_parts(item)
        actual = self._blobs.size(item.original_key)
        if actual is None:
            raise InvalidInput("no bytes have arrived for this upload yet")
        if actual != item.size:
            self.discard(item)
            raise InvalidInput(
                f"the upload was {actual} bytes but {item.size} were declared; it was discarded"
            )
        head = self._blobs.read_range(item.original_key, 0, SNIFF_BYTES)
        sniffed = self._sniff(head)
        if sniffed is None:  # the bytes decide: a photo named .mov is still a photo
            self.discard(item)
            raise UnsupportedMedia(f"“{item.name}” is {NOT_MEDIA}")
        kind, content_type = sniffed
        try:  # polyglots, pixel bombs and cut-short videos are refused here too
            screen_upload(
                content_type,
                head,
                actual,
                lambda start, length: self._blobs.read_range(item.original_key, start, length),
                self._settings.max_pixels,
            )
        except RDriveError:
            self.discard(item)
            raise
        item = self._catalog.update_item(
            item.id, status=Status.PROCESSING, kind=kind, content_type=content_type, upload_id=None
        )
        self._queue.submit(item.id)
        return item

    def _join_parts(self, item: MediaItem) -> None:
        """Check the held parts against the plan and join them; refuse (and discard) if wrong."""
        assert item.upload_id is not None
        key = item.original_key
        try:
            held = self._blobs.list_parts(key, item.upload_id)
        except NotFound:
            if self._blobs.size(key) == item.size:
                return  # joined already by a completion running at the same time
            self.discard(item)
            raise InvalidInput(
                "the upload was aborted or has expired; it was discarded, start it again"
            ) from None
        if not held:
            raise InvalidInput("no bytes have arrived for this upload yet")
        problem = parts_problem(held, self._policy.plan(item.size))
        if problem is not None:
            self.discard(item)
            raise InvalidInput(f"{problem}; the upload was discarded")
        try:
            self._blobs.complete_multipart(key, item.upload_id, [(p.number, p.etag) for p in held])
        except InvalidInput as exc:
            self.discard(item)
            raise InvalidInput(f"{exc.detail}; the upload was discarded") from None

    def cancel(self, item_id: object) -> None:
        """Abandon an unfinished upload: its parts, its bytes and its reserved name are freed."""
        item = self._uploading(item_id)
        if item.status != Status.UPLOADING:
            raise Conflict("that upload is already complete")
        self.discard(item)

    def discard(self, item: MediaItem) -> None:
        """Forget an upload that must not be kept."""
        if item.upload_id is not None:
            self._blobs.abort_multipart(item.original_key, item.upload_id)
        self._blobs.delete(item.original_key)
        self._catalog.purge_item(item.id)

    def existing_sha256(self, hashes: object) -> list[str]:
        """Which of these sha256 (hex) are already in the library, so an import can skip them."""
        if not isinstance(hashes, list) or len(hashes) > MAX_EXISTS_QUERY:
            raise InvalidInput(f"send a list of at most {MAX_EXISTS_QUERY} sha256 values")
        wanted: dict[str, None] = {}
        for h in hashes:
            if not isinstance(h, str) or len(h) != 64 or not set(h.lower()) <= _SHA256_HEX:
                raise InvalidInput("a sha256 is 64 hexadecimal characters")
            wanted[h.lower()] = None
        return [h for h in wanted if self._catalog.find_by_sha256(h)]

    def upload_stream(
        self,
        username: str,
        folder: object,
        name: object,
        stream: BinaryIO,
        size: int,
        content_type: object,
    ) -> MediaItem:
        """Store a file that came through the API (``POST /api/media``) and complete it."""
        item = self.reserve(username, folder, name, size, content_type)
        try:
            self._blobs.put(original_key(item.id), stream, item.content_type)
        except Exception:
            self.discard(item)
            raise
        return self.complete(item.id)


def parts_problem(held: list[UploadedPart], plan: PartPlan) -> str | None:
    """What is wrong with the held parts for this plan, in words, or None when they fit."""
    numbers = {p.number for p in held}
    extra = sorted(n for n in numbers if n > plan.part_count)
    if extra:
        return f"part {extra[0]} is beyond the {plan.part_count} parts announced"
    missing = [n for n in range(1, plan.part_count + 1) if n not in numbers]
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (", …" if len(missing) > 5 else "")
        return f"{len(missing)} of {plan.part_count} parts are missing ({shown})"
    for p in held:
        want = plan.expected(p.number)
        if p.size != want:
            return f"part {p.number} is {p.size} bytes but should be {want}"
    total = sum(p.size for p in held)
    if total != plan.size:
        return f"the parts add up to {total} bytes but {plan.size} were declared"
    return None
