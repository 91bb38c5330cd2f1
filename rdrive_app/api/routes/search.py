"""Search (one box and its filters, answered as the timeline's pages) and the Tags list."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Query

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.items import _out
from rdrive_app.api.schemas import ItemPageOut, TagOut
from rdrive_app.core.search import MAX_QUERY_CHARS
from rdrive_app.services.search import MAX_PAGE, MAX_PLACE_CHARS, parse_day

router = APIRouter(prefix="/api", tags=["search"])
_errors = error_responses(400, 401)


@router.get("/search", response_model=ItemPageOut, responses=_errors)
async def search(
    user: CurrentUser,
    services: ServicesDep,
    q: str | None = Query(
        None,
        max_length=MAX_QUERY_CHARS,
        description="words (prefixes of names, descriptions, tags, places, cameras; accents and "
        "case do not matter) and dates ('2023', 'june 2024', '2024-06-15')",
    ),
    kind: str | None = Query(None, max_length=16, description="all, image or video"),
    favorite: bool = Query(False, description="only favourites"),
    album: str | None = Query(None, max_length=64, description="only this album's items"),
    folder: str | None = Query(None, max_length=4096, description="this folder and below"),
    tag: str | None = Query(None, max_length=256, description="only items with this tag"),
    country: str | None = Query(None, max_length=MAX_PLACE_CHARS),
    city: str | None = Query(None, max_length=MAX_PLACE_CHARS),
    date_from: str | None = Query(
        None, alias="from", max_length=10, description="first day taken, YYYY-MM-DD"
    ),
    date_to: str | None = Query(
        None, alias="to", max_length=10, description="last day taken (inclusive), YYYY-MM-DD"
    ),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
    cursor: str | None = Query(None, max_length=200),
) -> ItemPageOut:
    """Items not in the trash that hold every word and pass every filter, newest first by date
    taken; pass ``next_cursor`` back for the next page. Nothing asked, a reversed date range
    or an unknown album give an empty page; nothing in ``q`` is syntax."""
    first, last = parse_day(date_from, "from"), parse_day(date_to, "to")
    page = await to_thread.run_sync(
        lambda: services.search.search(
            q,
            kind=kind,
            favorite=favorite,
            album=album,
            folder=folder,
            tag=tag,
            country=country,
            city=city,
            date_from=first,
            date_to=last,
            limit=limit,
            cursor=cursor,
        )
    )
    return ItemPageOut(items=[_out(services, i) for i in page.items], next_cursor=page.next_cursor)


@router.get("/tags", response_model=list[TagOut], responses=_errors)
async def tags(user: CurrentUser, services: ServicesDep) -> list[TagOut]:
    """Every tag in use and how many items carry it, most used first."""
    found = await to_thread.run_sync(services.search.tags)
    return [TagOut(tag=t.tag, count=t.count) for t in found]
