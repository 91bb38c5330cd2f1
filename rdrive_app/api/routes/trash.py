"""The trash: list, restore, delete forever."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Query, Response

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.items import _out
from rdrive_app.api.schemas import ItemOut, ItemPageOut

router = APIRouter(prefix="/api", tags=["trash"])
_errors = error_responses(400, 401, 404, 409)


@router.get("/trash", response_model=ItemPageOut, responses=_errors)
async def list_trash(
    user: CurrentUser,
    services: ServicesDep,
    limit: int = Query(100, ge=1, le=200),
    cursor: str | None = Query(None, max_length=2048),
) -> ItemPageOut:
    """Trashed items, most recently deleted first."""
    page = await to_thread.run_sync(lambda: services.items.list_trash(limit=limit, cursor=cursor))
    return ItemPageOut(items=[_out(services, i) for i in page.items], next_cursor=page.next_cursor)


@router.post("/trash/{item_id}/restore", response_model=ItemOut, responses=_errors)
async def restore(item_id: str, user: CurrentUser, services: ServicesDep) -> ItemOut:
    """Put an item back in its folder (under a free name if its name was taken meanwhile)."""
    return _out(services, await to_thread.run_sync(services.items.restore, item_id))


@router.delete("/trash/{item_id}", status_code=204, responses=_errors)
async def delete_forever(item_id: str, user: CurrentUser, services: ServicesDep) -> Response:
    """Delete a trashed item and its files for good."""
    await to_thread.run_sync(services.items.purge, item_id)
    return Response(status_code=204)
