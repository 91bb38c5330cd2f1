"""Signed file routes for a store that serves its own URLs (``ServesSignedFiles``, the local
one): what S3 presigned URLs do on AWS. ``create_api`` mounts them when the storage has it.

GET serves a blob with HTTP Range (so videos seek), streaming 1 MiB at a time from wherever the
range starts (a seek, never a read from the start); Starlette's FileResponse sends 64 KiB chunks,
several times slower (bench/range.py measures the route). PUT receives a whole file or one
multipart part straight from the browser, written in 1 MiB batches off the event loop, refuses
more bytes than the upload announced and writes a part in place at its offset (``put_rule``).
Only a valid signature lets a request through, and it allows exactly
the operation and key it was made for. Nothing a browser could run (HTML, SVG, anything not a
plain image or video) is ever served inline.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from typing import BinaryIO

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from rdrive_app.core.errors import InvalidInput, NotFound, TooLarge
from rdrive_app.storage.content_headers import serving_headers
from rdrive_app.storage.protocols import (
    CHUNK,
    InvalidSignature,
    Operation,
    ServesSignedFiles,
    SignedRequest,
)
from rdrive_app.storage.writer_protocol import SignedFileWriter

_RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)", re.ASCII | re.IGNORECASE)
MAX_CACHE_SECONDS = 3600
BEYOND_ANY_FILE = 10**18  # bytes: past the end of any file a store holds

# (key, upload id, part number) -> (the most bytes that PUT may carry, where the part starts in
# the whole file), None when not known; raises NotFound for an upload that is finished,
# cancelled or not the URL's.
PutRule = Callable[[str, str | None, int | None], tuple[int | None, int | None]]


class RangeNotSatisfiable(Exception):
    """The Range header asks for bytes past the end (HTTP 416)."""


def _position(digits: str) -> int:
    """A byte position from the header's digits; any number longer than 18 digits is past the
    end of every file, so it is not converted (int() refuses more than 4300 digits)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else BEYOND_ANY_FILE


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end exclusive) of a single byte range, or None to send the whole file.

    Malformed and multi-range headers are ignored (RFC 9110 allows that); a range that starts
    past the end, or an empty suffix (``bytes=-0``), raises RangeNotSatisfiable. A number of
    any length is read as a position: thousands of digits are a position past the end.
    """
    if not header:
        return None
    m = _RANGE_RE.fullmatch(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last N bytes
        n = _position(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - n), size
    start = _position(first)
    end = _position(last) if last else BEYOND_ANY_FILE
    if end < start:  # invalid (not unsatisfiable): ignored
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(end, size - 1) + 1


def _read_span(f: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    with f:
        f.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = f.read(min(CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def _verify(
    store: ServesSignedFiles, key: str, request: Request, ops: tuple[Operation, ...]
) -> SignedRequest:
    try:
        return store.verify(key, dict(request.query_params), ops)
    except InvalidSignature as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from None


def _tightest(*limits: int | None) -> int | None:
    given = [n for n in limits if n is not None]
    return min(given) if given else None


def signed_files_router(
    store: ServesSignedFiles, *, max_bytes: int | None = None, put_rule: PutRule | None = None
) -> APIRouter:
    """Routes GET/HEAD/PUT /api/files/{key} for ``store``; PUT bodies over ``max_bytes`` or
    over what ``put_rule`` allows for that upload or part → 413. A part whose offset
    ``put_rule`` knows is written in place (the upload then completes without a copy).

    Cross-origin PUTs need the app's CORS middleware (preflight); these responses list ETag in
    Access-Control-Expose-Headers so the browser can read a part's ETag.
    """
    router = APIRouter()

    @router.api_route("/api/files/{key:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def get_file(key: str, request: Request) -> Response:
        signed = _verify(store, key, request, ("get",))
        try:
            f = store.open_blob(key)
        except (NotFound, InvalidInput):
            raise HTTPException(status_code=404, detail="no such file") from None
        size = os.fstat(f.fileno()).st_size
        content_type, disposition = serving_headers(
            signed.content_type, signed.download_name, key.rsplit("/", 1)[-1]
        )
        max_age = max(0, min(MAX_CACHE_SECONDS, signed.expires - int(time.time())))
        headers = {
            "Accept-Ranges": "bytes",
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": f"private, max-age={max_age}",
        }
        try:
            span = parse_range(request.headers.get("range"), size)
        except RangeNotSatisfiable:
            f.close()
            raise HTTPException(
                status_code=416,
                detail="the requested range is past the end of the file",
                headers={"Content-Range": f"bytes */{size}"},
            ) from None
        status = 200
        start, end = 0, size
        if span is not None:
            status, (start, end) = 206, span
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        headers["Content-Length"] = str(end - start)
        if request.method == "HEAD":
            f.close()
            return Response(status_code=status, headers=headers, media_type=content_type)
        return StreamingResponse(
            _read_span(f, start, end),
            status_code=status,
            headers=headers,
            media_type=content_type,
            background=BackgroundTask(f.close),
        )

    @router.put("/api/files/{key:path}", include_in_schema=False)
    async def put_file(key: str, request: Request) -> Response:
        signed = _verify(store, key, request, ("put", "part"))
        if signed.op == "put" and request.headers.get("content-type") != signed.content_type:
            raise HTTPException(
                status_code=403,
                detail="the Content-Type header must be the one this URL was signed for",
            )
        try:
            own, offset = None, None
            if put_rule is not None:
                own, offset = await run_in_threadpool(
                    put_rule, signed.key, signed.upload_id, signed.part_number
                )
            limit = _tightest(max_bytes, own)
            declared = request.headers.get("content-length", "")
            if limit is not None and declared.isdigit() and int(declared) > limit:
                what = f"part {signed.part_number}" if signed.op == "part" else "this file"
                raise TooLarge(f"{what} may be at most {limit} bytes; {declared} were sent")
            writer = await run_in_threadpool(store.writer_for, signed, limit=limit, offset=offset)
            with writer:
                await _receive(request, writer)
                await run_in_threadpool(writer.commit)
        except TooLarge as exc:
            raise HTTPException(status_code=413, detail=exc.detail) from None
        except NotFound as exc:
            raise HTTPException(status_code=404, detail=exc.detail) from None
        except FileNotFoundError:  # the upload was aborted while this part was arriving
            raise HTTPException(status_code=404, detail="no such upload") from None
        except FileExistsError:  # created once, as S3's If-None-Match: * (store.writer_for)
            raise HTTPException(
                status_code=412, detail="this file is stored already and is never replaced"
            ) from None
        except InvalidInput as exc:
            raise HTTPException(status_code=400, detail=exc.detail) from None
        return Response(
            status_code=200,
            headers={"ETag": f'"{writer.etag}"', "Access-Control-Expose-Headers": "ETag"},
        )

    return router


async def _receive(request: Request, writer: SignedFileWriter) -> None:
    """Copy the body into ``writer`` in ~1 MiB batches: one thread hop per MiB rather than per
    network read (~64 KiB), while memory stays at one batch per request. The batch is a list of
    the chunks as they came: joining them here would copy every byte on the event loop (20 % of
    its time during a fast upload, and /api/me p95 3x while one ran)."""
    batch: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        batch.append(chunk)
        size += len(chunk)
        if size >= CHUNK:
            await run_in_threadpool(_write_all, writer, batch)
            batch, size = [], 0
    if batch:
        await run_in_threadpool(_write_all, writer, batch)


def _write_all(writer: SignedFileWriter, chunks: list[bytes]) -> None:
    for chunk in chunks:
        writer.write(chunk)
