"""Direct uploads: the browser asks for a signed URL, PUTs the bytes there, then completes."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Response

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.routes.media import _out
from rdrive_app.api.schemas import ErrorOut, ItemOut, UploadIn, UploadTicketOut

router = APIRouter(prefix="/api", tags=["uploads"])
_errors = {code: {"model": ErrorOut} for code in (400, 401, 404, 409, 413, 415)}


@router.post("/uploads", response_model=UploadTicketOut, status_code=201, responses=_errors)
async def start_upload(body: UploadIn, user: CurrentUser, services: ServicesDep) -> UploadTicketOut:
    """Reserve a name (a free one on a clash) and sign a PUT URL for the bytes."""
    ticket = await to_thread.run_sync(
        services.uploads.start, user.name, body.folder, body.name, body.size, body.content_type
    )
    return UploadTicketOut(
        item=_out(services, ticket.item),
        upload_url=ticket.url,
        headers={"Content-Type": ticket.content_type},
        expires_in=ticket.expires_in,
    )


@router.post("/uploads/{item_id}/complete", response_model=ItemOut, responses=_errors)
async def complete_upload(item_id: str, user: CurrentUser, services: ServicesDep) -> ItemOut:
    """Check the size and the real type of what arrived, then start processing it."""
    return _out(services, await to_thread.run_sync(services.uploads.complete, item_id))


@router.delete("/uploads/{item_id}", status_code=204, responses=_errors)
async def cancel_upload(item_id: str, user: CurrentUser, services: ServicesDep) -> Response:
    """Abandon an unfinished upload; its bytes and reserved name are freed."""
    await to_thread.run_sync(services.uploads.cancel, item_id)
    return Response(status_code=204)
