"""Folders: list the subfolders of one, create one."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from rdrive_app.api.deps import CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.items import ZipResponse, zip_response
from rdrive_app.api.schemas import FolderIn, FolderListOut, FolderOut, FolderPatchIn
from rdrive_app.core.domain import normalize_folder

router = APIRouter(prefix="/api", tags=["folders"])
_errors = error_responses(400, 401, 404)
_clash = error_responses(400, 401, 404, 409)


@router.get("/folders", response_model=FolderListOut, responses=_errors)
async def list_folders(
    user: CurrentUser, services: ServicesDep, path: str = Query("/", max_length=4096)
) -> FolderListOut:
    """The subfolders of ``path``."""
    clean = normalize_folder(path)
    folders = await to_thread.run_sync(services.folders.list_folders, clean)
    return FolderListOut(path=clean, folders=[FolderOut.of(f) for f in folders])


@router.post(
    "/folders",
    response_model=FolderOut,
    status_code=201,
    responses=_clash,
)
async def create_folder(body: FolderIn, user: CurrentUser, services: ServicesDep) -> FolderOut:
    """Create a folder inside an existing one (empty folders persist)."""
    folder = await to_thread.run_sync(services.folders.create_folder, body.path)
    return FolderOut.of(folder)


@router.patch("/folders", response_model=FolderOut, responses=_clash)
async def move_folder(body: FolderPatchIn, user: CurrentUser, services: ServicesDep) -> FolderOut:
    """Rename or move a folder with everything in it (metadata only); 409 on a clash."""
    folder = await to_thread.run_sync(services.folders.move_folder, body.path, body.new_path)
    return FolderOut.of(folder)


@router.delete("/folders", status_code=204, responses=_clash)
async def delete_folder(
    user: CurrentUser, services: ServicesDep, path: str = Query(max_length=4096)
) -> Response:
    """Remove an empty folder (409 while it still holds anything)."""
    await to_thread.run_sync(services.folders.delete_folder, path)
    return Response(status_code=204)


@router.get("/folders/download", responses=_errors, response_class=ZipResponse)
async def download_folder(
    user: CurrentUser, services: ServicesDep, path: str = Query("/", max_length=4096)
) -> StreamingResponse:
    """A streamed ZIP of a folder and its subfolders."""
    return zip_response(await to_thread.run_sync(services.downloads.zip_folder, path))
