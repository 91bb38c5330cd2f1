"""Sending a file's bytes to the URLs an upload ticket names, as a browser would.

One PUT for a small file; for a multipart upload the missing parts, a few in flight, each read
from disk in 1 MiB pieces (never a whole part in memory) and retried with backoff. Part URLs are
signed in batches as the upload goes, so none expires while it waits its turn. Used by
``rdrive import`` both in-process and against a running rDrive.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx

from rdrive_app.core.errors import RDriveError

PIECE = 1024 * 1024
PARTS_IN_FLIGHT = 4
SIGN_BATCH = 64  # parts signed at a time (512 MiB at 8 MiB parts)
ATTEMPTS = 5
FIRST_DELAY_S = 0.5

Progress = Callable[[int], None]
Headers = dict[str, str]


@dataclass(frozen=True)
class SendPlan:
    """Where a file's bytes go: the transport-neutral part of an upload ticket."""

    item_id: str
    name: str
    size: int
    multipart: bool
    url: str
    headers: Headers
    part_size: int
    part_count: int
    done_parts: list[int] = field(default_factory=list)

    def span(self, number: int) -> tuple[int, int]:
        """(offset, length) of part ``number``."""
        if not self.multipart:
            return 0, self.size
        offset = (number - 1) * self.part_size
        return offset, min(self.part_size, self.size - offset)


class TransientError(RDriveError):
    """A failure worth retrying: the network, a 5xx, a 429, an expired URL."""

    def __init__(self, detail: str, *, expired: bool = False) -> None:
        super().__init__(detail)
        self.expired = expired


class ByteSink(Protocol):
    """PUTs ``length`` bytes of ``path`` from ``offset`` to a signed URL; returns the ETag."""

    def put(
        self, url: str, headers: Headers, path: Path, offset: int, length: int, progress: Progress
    ) -> str: ...


class PartSigner(Protocol):
    def __call__(self, item_id: str, numbers: list[int]) -> dict[int, str]: ...


def read_span(path: Path, offset: int, length: int, progress: Progress) -> Iterator[bytes]:
    """The bytes of a span in 1 MiB pieces, reporting each as it is handed on."""
    with path.open("rb") as f:
        f.seek(offset)
        left = length
        while left > 0:
            piece = f.read(min(PIECE, left))
            if not piece:
                raise RDriveError(f"{path.name} became shorter while it was being sent")
            left -= len(piece)
            progress(len(piece))
            yield piece


class HttpSink:
    """PUTs over HTTP (S3 presigned URLs, a running rDrive's file routes)."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0))

    def put(
        self, url: str, headers: Headers, path: Path, offset: int, length: int, progress: Progress
    ) -> str:
        # S3 refuses chunked bodies: the length goes in the header, the bytes stream from disk
        all_headers = {**headers, "Content-Length": str(length)}
        try:
            resp = self._client.put(
                url, content=read_span(path, offset, length, progress), headers=all_headers
            )
        except httpx.TransportError as exc:
            raise TransientError(f"network error: {exc}") from None
        if resp.status_code == 412 and headers.get("If-None-Match") == "*":
            return ""  # stored already by an earlier try whose answer was lost; never replaced
        if resp.status_code in (408, 429) or resp.status_code >= 500:
            raise TransientError(f"storage answered {resp.status_code}")
        if resp.status_code == 403 and "expired" in resp.text.lower():
            raise TransientError("the signed URL expired", expired=True)
        if resp.status_code >= 400:
            raise RDriveError(f"storage refused the bytes ({resp.status_code}): {_detail(resp)}")
        return resp.headers.get("etag", "")

    def close(self) -> None:
        self._client.close()


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return resp.text[:200]


def send_file(
    plan: SendPlan,
    path: Path,
    sink: ByteSink,
    sign: PartSigner,
    progress: Progress,
    *,
    in_flight: int = PARTS_IN_FLIGHT,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send what storage does not hold yet; raises RDriveError when a piece keeps failing."""
    if not plan.multipart:
        if plan.done_parts != [1]:
            _with_retries(
                lambda counted: sink.put(plan.url, plan.headers, path, 0, plan.size, counted),
                progress,
                sleep,
            )
        return
    done = set(plan.done_parts)
    missing = [n for n in range(1, plan.part_count + 1) if n not in done]
    with ThreadPoolExecutor(in_flight, thread_name_prefix="rdrive-part") as pool:
        for i in range(0, len(missing), SIGN_BATCH):
            batch = missing[i : i + SIGN_BATCH]
            urls = sign(plan.item_id, batch)

            def one(n: int, urls: dict[int, str] = urls) -> None:
                offset, length = plan.span(n)

                def attempt(counted: Progress) -> str:
                    return sink.put(urls[n], {}, path, offset, length, counted)

                def resign() -> None:
                    urls[n] = sign(plan.item_id, [n])[n]

                _with_retries(attempt, progress, sleep, on_expired=resign)

            for future in [pool.submit(one, n) for n in batch]:
                future.result()


class _Counted:
    """Progress for one attempt, so a failed attempt can take its bytes back."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self.sent = 0

    def __call__(self, n: int) -> None:
        self.sent += n
        self._progress(n)


def _with_retries(
    attempt: Callable[[Progress], str],
    progress: Progress,
    sleep: Callable[[float], None],
    on_expired: Callable[[], None] | None = None,
) -> str:
    """Run ``attempt`` until it succeeds, ATTEMPTS times at most with doubling pauses; the
    bytes a failed attempt reported are taken back from the progress."""
    delay = FIRST_DELAY_S
    for n in range(ATTEMPTS):
        counted = _Counted(progress)
        try:
            return attempt(counted)
        except BaseException as exc:
            progress(-counted.sent)
            if not isinstance(exc, TransientError):
                raise
            if n == ATTEMPTS - 1:
                raise RDriveError(f"gave up after {ATTEMPTS} tries: {exc.detail}") from None
            if exc.expired and on_expired is not None:
                on_expired()
            sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")
