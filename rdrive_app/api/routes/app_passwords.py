"""App passwords of the signed-in account: listed, made (shown once), revoked. These routes
take a signed-in session only: an app password cannot list, make or revoke app passwords."""

from __future__ import annotations

from typing import Literal

from anyio import to_thread
from fastapi import APIRouter, Path, Response
from pydantic import Field

from rdrive_app.api.deps import ServicesDep, SessionUser
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.schemas import StrictIn
from rdrive_app.services.app_passwords import AppPasswordView, NewAppPassword

router = APIRouter(prefix="/api", tags=["app passwords"])


class AppPasswordIn(StrictIn):
    name: str = Field(max_length=255, description="What it is for: 'rclone on the laptop'")
    scope: Literal["read", "write"] = Field(
        description="read: only GET and HEAD; write: may change the library too"
    )


@router.get("/app-passwords", response_model=list[AppPasswordView], responses=error_responses(401))
async def list_app_passwords(user: SessionUser, services: ServicesDep) -> list[AppPasswordView]:
    """This account's app passwords, newest first, with when each was last used (never the
    passwords themselves)."""
    return await to_thread.run_sync(services.accounts.app_passwords.list, user)


@router.post(
    "/app-passwords",
    status_code=201,
    response_model=NewAppPassword,
    responses=error_responses(400, 401, 409),
)
async def create_app_password(
    body: AppPasswordIn, user: SessionUser, services: ServicesDep
) -> NewAppPassword:
    """Make an app password for WebDAV, rclone or a script. ``password`` is in this answer
    only: it is stored as a digest. Use it as the password with your username (WebDAV), or as
    ``Authorization: Bearer <password>`` on the library's routes."""
    return await to_thread.run_sync(
        services.accounts.app_passwords.create, user, body.name, body.scope
    )


@router.delete(
    "/app-passwords/{app_password_id}", status_code=204, responses=error_responses(401, 404)
)
async def revoke_app_password(
    app_password_id: str = Path(max_length=64),
    *,
    user: SessionUser,
    services: ServicesDep,
) -> Response:
    """Revoke an app password: every client using it is refused from the next request."""
    await to_thread.run_sync(services.accounts.app_passwords.revoke, user, app_password_id)
    return Response(status_code=204)
