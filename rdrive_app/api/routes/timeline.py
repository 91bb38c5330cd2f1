"""The timeline (every folder, newest first by date taken) and its months, for the scrubber."""

from __future__ import annotations

from typing import Literal

from anyio import to_thread
from fastapi import APIRouter, Query

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.items import _out
from rdrive_app.api.schemas import ItemPageOut, MonthOut
from rdrive_app.core.errors import InvalidInput
from rdrive_app.services.timeline import MAX_PAGE, parse_before

router = APIRouter(prefix="/api", tags=["timeline"])
_errors = error_responses(400, 401)


@router.get("/timeline", response_model=ItemPageOut, responses=_errors)
async def timeline(
    user: CurrentUser,
    services: ServicesDep,
    cursor: str | None = Query(None, max_length=200),
    before: str | None = Query(
        None, max_length=40, description="ISO date or date-time, or a month YYYY-MM, to start at"
    ),
    direction: Literal["older", "newer"] = Query(
        "older", description="from the cursor: older items (down) or newer ones (up)"
    ),
    favorite: bool = Query(False, description="only favourites"),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
) -> ItemPageOut:
    """Items of every folder that are not in the trash, newest first by date taken (the
    upload date where none is known). Pass ``next_cursor`` back, with the same direction, for
    the next page; ``direction=newer`` (with a cursor) reads upwards from a position."""
    when = parse_before(before)
    tl = services.timeline
    if direction == "newer":
        if cursor is None:
            raise InvalidInput("direction=newer needs a cursor to start from")
        page = await to_thread.run_sync(lambda: tl.newer(cursor, limit=limit, favorites=favorite))
    else:
        page = await to_thread.run_sync(
            lambda: tl.page(cursor=cursor, before=when, limit=limit, favorites=favorite)
        )
    return ItemPageOut(items=[_out(services, i) for i in page.items], next_cursor=page.next_cursor)


@router.get("/timeline/months", response_model=list[MonthOut], responses=_errors)
async def months(
    user: CurrentUser,
    services: ServicesDep,
    favorite: bool = Query(False, description="only favourites"),
) -> list[MonthOut]:
    """Each month that holds items and how many, newest first (``2024-06``, UTC)."""
    found = await to_thread.run_sync(lambda: services.timeline.months(favorites=favorite))
    return [MonthOut(month=m.month, count=m.count) for m in found]
