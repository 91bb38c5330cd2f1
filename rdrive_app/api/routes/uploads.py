"""Direct uploads: the client asks for a signed URL (or a multipart upload), PUTs the bytes
straight to storage, then completes; plus the duplicate check that imports use."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Response

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.items import _out
from rdrive_app.api.schemas import (
    ExistsIn,
    ExistsOut,
    ItemOut,
    PartsIn,
    PartsOut,
    UploadIn,
    UploadTicketOut,
)

router = APIRouter(prefix="/api", tags=["uploads"])
_errors = error_responses(400, 401, 404, 409, 413, 415)


@router.post("/uploads", response_model=UploadTicketOut, status_code=201, responses=_errors)
async def start_upload(body: UploadIn, user: CurrentUser, services: ServicesDep) -> UploadTicketOut:
    """Reserve a name (a free one on a clash), or resume the unfinished upload of the same file
    (same folder and ``fingerprint``), and say how to send the bytes."""
    ticket = await to_thread.run_sync(
        lambda: services.uploads.start(
            user.name, body.folder, body.name, body.size, body.content_type, body.fingerprint
        )
    )
    return UploadTicketOut(
        item=_out(services, ticket.item),
        upload_url=ticket.url,
        headers=ticket.headers,
        expires_in=ticket.expires_in,
        multipart=ticket.multipart,
        upload_id=ticket.upload_id,
        part_size=ticket.part_size,
        part_count=ticket.part_count,
        done_parts=ticket.done_parts,
    )


@router.post("/uploads/{item_id}/parts", response_model=PartsOut, responses=_errors)
async def sign_parts(
    item_id: str, body: PartsIn, user: CurrentUser, services: ServicesDep
) -> PartsOut:
    """Signed PUT URLs for some parts of a multipart upload (ask in batches as you go)."""
    urls = await to_thread.run_sync(services.uploads.sign_parts, item_id, body.numbers)
    return PartsOut(
        urls={str(n): url for n, url in urls.items()},
        expires_in=services.settings.signed_url_lifetime_s,
    )


@router.delete("/uploads/{item_id}", status_code=204, responses=_errors)
async def cancel_upload(item_id: str, user: CurrentUser, services: ServicesDep) -> Response:
    """Abandon an unfinished upload; its parts, bytes and reserved name are freed."""
    await to_thread.run_sync(services.uploads.cancel, item_id)
    return Response(status_code=204)


@router.post("/uploads/{item_id}/complete", response_model=ItemOut, responses=_errors)
async def complete_upload(item_id: str, user: CurrentUser, services: ServicesDep) -> ItemOut:
    """Check the parts, the size and the real type of what arrived, then start processing it."""
    return _out(services, await to_thread.run_sync(services.uploads.complete, item_id))


@router.post("/media/exists", response_model=ExistsOut, responses=_errors)
async def media_exists(body: ExistsIn, user: CurrentUser, services: ServicesDep) -> ExistsOut:
    """Which of these sha256 values the library already holds (untrashed, processed items)."""
    existing = await to_thread.run_sync(services.uploads.existing_sha256, body.sha256)
    return ExistsOut(existing=existing)
