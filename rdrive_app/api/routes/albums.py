"""Albums: list, create, rename or choose a cover, delete, their items, add and remove, ZIP."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from rdrive_app.api import schemas as S
from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.items import ZipResponse, _out, zip_response
from rdrive_app.core.albums import AlbumSummary
from rdrive_app.services.wiring import Services

router = APIRouter(prefix="/api", tags=["albums"])
_errors = error_responses(400, 401, 404)
_clash = error_responses(400, 401, 404, 409)


def _album_out(services: Services, summary: AlbumSummary) -> S.AlbumOut:
    album, cover = summary.album, summary.cover
    return S.AlbumOut(
        id=album.id,
        name=album.name,
        created_at=album.created_at,
        cover_id=album.cover_id,
        count=summary.count,
        cover=_out(services, cover) if cover is not None else None,
    )


@router.get("/albums", response_model=S.AlbumListOut, responses=_errors)
async def list_albums(user: CurrentUser, services: ServicesDep) -> S.AlbumListOut:
    """Every album by name, with its item count and cover."""
    albums = await to_thread.run_sync(services.albums.list)
    return S.AlbumListOut(albums=[_album_out(services, a) for a in albums])


@router.post("/albums", response_model=S.AlbumOut, status_code=201, responses=_clash)
async def create_album(body: S.AlbumIn, user: CurrentUser, services: ServicesDep) -> S.AlbumOut:
    """A new, empty album; 409 when an album has this name (up to case)."""
    album = await to_thread.run_sync(services.albums.create, body.name)
    return _album_out(services, AlbumSummary(album=album, count=0, cover=None))


@router.get("/albums/{album_id}", response_model=S.AlbumOut, responses=_errors)
async def get_album(album_id: str, user: CurrentUser, services: ServicesDep) -> S.AlbumOut:
    """One album with its item count and cover."""
    return _album_out(services, await to_thread.run_sync(services.albums.get, album_id))


@router.patch("/albums/{album_id}", response_model=S.AlbumOut, responses=_clash)
async def patch_album(
    album_id: str, body: S.AlbumPatchIn, user: CurrentUser, services: ServicesDep
) -> S.AlbumOut:
    """Rename (409 when the name is taken; nothing is renamed) and/or choose the cover
    (``cover_id: null`` goes back to the newest item)."""
    changes = {f: getattr(body, f) for f in body.model_fields_set}
    summary = await to_thread.run_sync(lambda: services.albums.update(album_id, **changes))
    return _album_out(services, summary)


@router.delete("/albums/{album_id}", status_code=204, responses=_errors)
async def delete_album(album_id: str, user: CurrentUser, services: ServicesDep) -> Response:
    """Delete the album only: its photos stay where they are."""
    await to_thread.run_sync(services.albums.delete, album_id)
    return Response(status_code=204)


@router.get("/albums/{album_id}/items", response_model=S.ItemPageOut, responses=_errors)
async def album_items(
    album_id: str,
    user: CurrentUser,
    services: ServicesDep,
    limit: int = Query(100, ge=1, le=200),
    cursor: str | None = Query(None, max_length=2048),
) -> S.ItemPageOut:
    """A page of the album's items, newest taken first; pass ``next_cursor`` back for more."""
    page = await to_thread.run_sync(
        lambda: services.albums.items(album_id, limit=limit, cursor=cursor)
    )
    return S.ItemPageOut(
        items=[_out(services, i) for i in page.items], next_cursor=page.next_cursor
    )


@router.post("/albums/{album_id}/items", response_model=S.AlbumChangeOut, responses=_clash)
async def add_items(
    album_id: str, body: S.AlbumIdsIn, user: CurrentUser, services: ServicesDep
) -> S.AlbumChangeOut:
    """Add items from any folders (``unchanged``: in it already). 404 for an unknown item,
    409 for one in the trash or still uploading: then nothing is added."""
    change = await to_thread.run_sync(services.albums.add, album_id, body.ids)
    return S.AlbumChangeOut.of(change)


@router.delete("/albums/{album_id}/items", response_model=S.AlbumChangeOut, responses=_errors)
async def remove_items(
    album_id: str, body: S.AlbumIdsIn, user: CurrentUser, services: ServicesDep
) -> S.AlbumChangeOut:
    """Take items out of the album, not out of the library (``unchanged``: were not in it)."""
    change = await to_thread.run_sync(services.albums.remove, album_id, body.ids)
    return S.AlbumChangeOut.of(change)


@router.get("/albums/{album_id}/download", responses=_errors, response_class=ZipResponse)
async def download_album(
    album_id: str, user: CurrentUser, services: ServicesDep
) -> StreamingResponse:
    """A streamed ZIP of the album's items (trashed ones left out)."""
    return zip_response(await to_thread.run_sync(services.downloads.zip_album, album_id))
