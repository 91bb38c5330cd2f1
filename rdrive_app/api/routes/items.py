"""Items: list a folder, look one up, upload through the API, rename/move, trash, download."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import RedirectResponse, StreamingResponse

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.schemas import ItemOut, ItemPageOut, ItemPatchIn, RejectedOut, UploadResultOut
from rdrive_app.core.domain import MediaItem
from rdrive_app.core.errors import InvalidInput, RDriveError
from rdrive_app.services.downloads import ZipDownload
from rdrive_app.services.image_renditions import rendition_url
from rdrive_app.services.presenter import download_url, present
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
    limit: int = Query(100, ge=1, le=200),
    cursor: str | None = Query(None, max_length=2048),
) -> ItemPageOut:
    """A page of a folder's items; pass ``next_cursor`` back for the next one."""
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


@router.get(
    "/media/{item_id}/download",
    status_code=302,
    responses={**_errors, 302: {"description": "to a signed URL that downloads the original"}},
)
async def download_one(item_id: str, user: CurrentUser, services: ServicesDep) -> RedirectResponse:
    """302 to a signed URL that downloads the original under its own name."""
    item = await to_thread.run_sync(services.items.get, item_id)
    if item.status.value == "uploading":
        raise InvalidInput("that file has not finished uploading")
    url = download_url(item, services.storage.blobs, services.settings.signed_url_lifetime_s)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@router.get(
    "/media/{item_id}/rendition",
    status_code=302,
    responses={
        **error_responses(400, 401, 404, 409),
        302: {"description": "to a signed URL of the WebP rendition"},
    },
)
async def rendition(
    item_id: str, user: CurrentUser, services: ServicesDep, w: int = Query(ge=1, le=100_000)
) -> RedirectResponse:
    """A photo (or a video's poster) ``w`` pixels wide as WebP; widths 200, 400, 800, 1600, 2560.

    Made on the first request and stored under an immutable key; later requests only sign.
    """
    await to_thread.run_sync(services.items.get, item_id)
    url = await to_thread.run_sync(rendition_url, services.storage, services.settings, item_id, w)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@router.patch(
    "/media/{item_id}", response_model=ItemOut, responses=error_responses(400, 401, 404, 409)
)
async def patch_media(
    item_id: str, body: ItemPatchIn, user: CurrentUser, services: ServicesDep
) -> ItemOut:
    """Rename and/or move an item (metadata only); 409 when the name is taken there."""
    if body.name is None and body.folder is None:
        raise InvalidInput("send a new name, a new folder, or both")
    item = await to_thread.run_sync(
        lambda: services.items.rename_or_move(item_id, name=body.name, folder=body.folder)
    )
    return _out(services, item)


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
