"""Items: list a folder, look one up, upload through the API, rename/move, turn, date, favourite,
describe, tag, trash, download."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import RedirectResponse, StreamingResponse

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.schemas import (
    FavoritesIn,
    ItemListOut,
    ItemOut,
    ItemPageOut,
    ItemPatchIn,
    RejectedOut,
    ShiftDatesIn,
    TagsEditIn,
    UploadResultOut,
)
from rdrive_app.core.domain import MediaItem, utcnow
from rdrive_app.core.edits import check_turn, parse_taken_at
from rdrive_app.core.errors import InvalidInput, RDriveError
from rdrive_app.core.tags import check_description, check_tags
from rdrive_app.services.downloads import ZipDownload
from rdrive_app.services.image_renditions import rendition_url
from rdrive_app.services.presenter import present
from rdrive_app.services.wiring import Services
from rdrive_app.storage.content_headers import content_disposition

router = APIRouter(prefix="/api", tags=["media"])
_errors = error_responses(400, 401, 404)
MAX_FILES_PER_POST = 100


def _out(services: Services, item: MediaItem) -> ItemOut:
    return ItemOut(**present(item, services.storage.blobs, services.settings.signed_url_lifetime_s))


class ZipResponse(StreamingResponse):
    """A streamed ZIP (the class names the type, so /api/openapi.json documents it)."""

    media_type = "application/zip"


def zip_response(download: ZipDownload) -> StreamingResponse:
    """Stream a ZIP as it is read from storage; the length is known up front."""
    return ZipResponse(
        download.chunks,
        media_type="application/zip",
        headers={
            "Content-Disposition": content_disposition("attachment", download.filename),
            "Content-Length": str(download.length),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@router.get("/media", response_model=ItemPageOut, responses=_errors)
async def list_media(
    user: CurrentUser,
    services: ServicesDep,
    folder: str = Query("/", max_length=4096),
    kind: str | None = Query(None, max_length=16, description="all, image or video"),
    type: str | None = Query(None, max_length=16, description="alias of kind"),
    sort: str | None = Query(None, max_length=16, description="name, taken or uploaded"),
    favorite: bool = Query(
        False, description="true: the favourites of every folder, newest first by date taken"
    ),
    limit: int = Query(100, ge=1, le=200),
    cursor: str | None = Query(None, max_length=2048),
) -> ItemPageOut:
    """A page of a folder's items (or, with ``favorite=true``, of the favourites); pass
    ``next_cursor`` back for the next one."""
    if favorite:
        page = await to_thread.run_sync(
            lambda: services.timeline.page(cursor=cursor, limit=limit, favorites=True)
        )
        return ItemPageOut(
            items=[_out(services, i) for i in page.items], next_cursor=page.next_cursor
        )
    page = await to_thread.run_sync(
        lambda: services.items.list_page(
            folder, kind=kind or type, sort=sort, limit=limit, cursor=cursor
        )
    )
    return ItemPageOut(items=[_out(services, i) for i in page.items], next_cursor=page.next_cursor)


@router.get("/media/download", responses=_errors, response_class=ZipResponse)
async def download_many(
    user: CurrentUser, services: ServicesDep, ids: str = Query(max_length=40_000)
) -> StreamingResponse:
    """A streamed ZIP of the chosen items (comma-separated ids)."""
    id_list = [part.strip() for part in ids.split(",") if part.strip()]
    return zip_response(await to_thread.run_sync(services.downloads.zip_items, id_list))


@router.post(
    "/media",
    response_model=UploadResultOut,
    status_code=201,
    responses=error_responses(400, 401, 404, 413, 415),
    form_limits={"max_files": MAX_FILES_PER_POST},  # counted as they arrive, not after
)
async def upload_files(
    user: CurrentUser,
    services: ServicesDep,
    files: Annotated[list[UploadFile], File(description="one or many photos and videos")],
    folder: str = Query("/", max_length=4096),
) -> UploadResultOut:
    """Upload small files through the API (scripts); the browser uploads straight to storage.

    Each file is judged on its own: the good ones are kept, the others listed with the reason.
    """
    if len(files) > MAX_FILES_PER_POST:
        raise InvalidInput(f"send at most {MAX_FILES_PER_POST} files per request")
    items, rejected = [], []
    for upload in files:
        name = upload.filename or ""
        try:
            size = upload.size if upload.size is not None else 0
            item = await to_thread.run_sync(
                services.uploads.upload_stream,
                user.name,
                folder,
                name,
                upload.file,
                size,
                upload.content_type,
            )
            items.append(_out(services, item))
        except RDriveError as exc:
            if len(files) == 1:
                raise
            rejected.append(RejectedOut(name=name, detail=exc.detail))
        finally:
            await upload.close()
    return UploadResultOut(items=items, rejected=rejected)


@router.get("/media/{item_id}", response_model=ItemOut, responses=_errors)
async def get_media(item_id: str, user: CurrentUser, services: ServicesDep) -> ItemOut:
    """One item with its signed URLs."""
    return _out(services, await to_thread.run_sync(services.items.get, item_id))


def _redirect(path: str, to: str, *codes: int) -> Any:
    """A GET route that answers 302 to a signed URL (``to`` says of what)."""
    return router.get(
        path,
        status_code=302,
        responses={**error_responses(*codes), 302: {"description": f"to a signed URL {to}"}},
    )


@_redirect(
    "/media/{item_id}/download",
    "that downloads the original (or turned JPEG)",
    400, 401, 404, 409, 415,
)  # fmt: skip
async def download_one(
    item_id: str,
    user: CurrentUser,
    services: ServicesDep,
    rotated: bool = Query(
        False,
        description="a photo the user turned as a full-size JPEG, 'NAME (rotated).jpg' "
        "(an upright photo, or a video, downloads its original)",
    ),
) -> RedirectResponse:
    """302 to a signed URL that downloads the original under its own name."""
    url = await to_thread.run_sync(lambda: services.turns.download_url(item_id, turned=rotated))
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@_redirect("/media/{item_id}/rendition", "of the WebP rendition", 400, 401, 404, 409)
async def rendition(
    item_id: str, user: CurrentUser, services: ServicesDep, w: int = Query(ge=1, le=100_000)
) -> RedirectResponse:
    """A photo (or a video's poster) ``w`` pixels wide as WebP; widths 200, 400, 800, 1600, 2560.

    Made on the first request and stored under an immutable key; later requests only sign.
    """
    await to_thread.run_sync(services.items.get, item_id)
    url = await to_thread.run_sync(rendition_url, services.storage, services.settings, item_id, w)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


_PATCH_FIELDS = ("name", "folder", "rotation", "taken_at", "favorite", "description", "tags")


@router.patch(
    "/media/{item_id}",
    response_model=ItemOut,
    responses=error_responses(400, 401, 404, 409, 415),
)
async def patch_media(
    item_id: str, body: ItemPatchIn, user: CurrentUser, services: ServicesDep
) -> ItemOut:
    """Rename and/or move an item (metadata only; 409 when the name is taken there), turn a
    photo, set its date taken, make it a favourite, describe it, set its tags. Every value is
    checked before anything changes; then the name and folder are written, then the turn, the
    date, the favourite, the description, the tags."""
    sent = {f for f in _PATCH_FIELDS if getattr(body, f) is not None}
    if not sent:
        raise InvalidInput(f"send one of {', '.join(_PATCH_FIELDS)} to change")
    for field in _PATCH_FIELDS[2:]:
        if field in body.model_fields_set and field not in sent:
            raise InvalidInput(f"{field} cannot be null")
    turn = check_turn(body.rotation) if body.rotation is not None else None
    taken = parse_taken_at(body.taken_at, utcnow()) if body.taken_at is not None else None
    text = check_description(body.description) if body.description is not None else None
    tags = check_tags(body.tags) if body.tags is not None else None

    def apply() -> MediaItem:
        item = services.items.get(item_id)
        if body.name is not None or body.folder is not None:
            item = services.items.rename_or_move(item_id, name=body.name, folder=body.folder)
        if turn is not None:
            item = services.turns.turn(item_id, turn)
        if taken is not None:
            item = services.items.set_taken_at(item_id, taken)
        if body.favorite is not None:
            item = services.items.set_favorite(item_id, body.favorite)
        if text is not None:
            item = services.items.describe(item_id, text)
        if tags is not None:
            item = services.items.set_tags(item_id, list(tags))
        return item

    return _out(services, await to_thread.run_sync(apply))


@router.post(
    "/media/shift-dates", response_model=ItemListOut, responses=error_responses(400, 401, 404, 409)
)
async def shift_dates(body: ShiftDatesIn, user: CurrentUser, services: ServicesDep) -> ItemListOut:
    """Move the date taken of 1 to 1000 items by ``seconds`` (a camera with a wrong clock or
    time zone); an item without one moves from its upload date. Unknown or trashed ids are
    404, a date moved before 1826 or into the future 400, and then nothing changes."""
    items = await to_thread.run_sync(services.items.shift_dates, body.ids, body.seconds)
    return ItemListOut(items=[_out(services, i) for i in items])


@router.post(
    "/media/favorites", response_model=ItemListOut, responses=error_responses(400, 401, 404)
)
async def set_favorites(body: FavoritesIn, user: CurrentUser, services: ServicesDep) -> ItemListOut:
    """Make 1 to 1000 items favourites (or not) at once (a selection). Unknown or trashed ids
    are 404, a plain file (never a favourite) 400, and then nothing changes."""
    items = await to_thread.run_sync(services.items.set_favorites, body.ids, body.favorite)
    return ItemListOut(items=[_out(services, i) for i in items])


@router.post("/media/tags", response_model=ItemListOut, responses=error_responses(400, 401, 404))
async def edit_tags(body: TagsEditIn, user: CurrentUser, services: ServicesDep) -> ItemListOut:
    """Add tags to and remove tags from 1 to 1000 items at once (a selection). Unknown or
    trashed ids are 404, a tag that breaks the rules or an item left with too many tags 400,
    and then nothing changes."""
    items = await to_thread.run_sync(services.items.edit_tags, body.ids, body.add, body.remove)
    return ItemListOut(items=[_out(services, i) for i in items])


@router.delete("/media/{item_id}", response_model=ItemOut, responses=_errors)
async def delete_media(item_id: str, user: CurrentUser, services: ServicesDep) -> ItemOut:
    """Move an item to the trash (restore it with POST /api/trash/{id}/restore)."""
    return _out(services, await to_thread.run_sync(services.items.trash, item_id))


@router.get(
    "/zip/{ticket}",
    responses=error_responses(404, 400),
    response_class=ZipResponse,
)
async def download_ticket(ticket: str, services: ServicesDep) -> StreamingResponse:
    """A streamed ZIP named by a short-lived ticket from the web page (no bearer token)."""
    request = services.zip_tickets.redeem(ticket)
    if request.folder is not None:
        download = await to_thread.run_sync(services.downloads.zip_folder, request.folder)
    elif request.album is not None:
        download = await to_thread.run_sync(services.downloads.zip_album, request.album)
    else:
        download = await to_thread.run_sync(services.downloads.zip_items, request.ids)
    return zip_response(download)
