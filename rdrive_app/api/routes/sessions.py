"""The signed-in sessions of the account: listed, and ended one by one or all but this one."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Path, Response

from rdrive_app.api.deps import CurrentSession, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.services.sessions import SessionView

router = APIRouter(prefix="/api", tags=["sessions"])


@router.get("/sessions", response_model=list[SessionView], responses=error_responses(401))
async def list_sessions(signed_in: CurrentSession, services: ServicesDep) -> list[SessionView]:
    """Where this account is signed in: this session first (``current``), then by last use."""
    return await to_thread.run_sync(
        services.accounts.sessions.list, signed_in.user, signed_in.session_id
    )


@router.delete("/sessions/{session_id}", status_code=204, responses=error_responses(401, 404))
async def end_session(
    session_id: str = Path(max_length=64),
    *,
    signed_in: CurrentSession,
    services: ServicesDep,
) -> Response:
    """End one session of this account (its token stops working at once)."""
    await to_thread.run_sync(services.accounts.sessions.end, signed_in.user, session_id)
    return Response(status_code=204)


@router.delete("/sessions", status_code=204, responses=error_responses(401))
async def end_other_sessions(signed_in: CurrentSession, services: ServicesDep) -> Response:
    """End every session of this account but this one."""
    await to_thread.run_sync(
        lambda: services.accounts.sessions.end_all(signed_in.user, keep=signed_in.session_id)
    )
    return Response(status_code=204)
