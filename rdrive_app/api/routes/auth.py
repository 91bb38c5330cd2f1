"""Sign-in and "who am I"."""

from __future__ import annotations

from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Cookie, Header, Response

from rdrive_app.api.deps import ClientAddress, CurrentSession, CurrentUser, ServicesDep
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.schemas import LoginIn, MeOut, TokenOut
from rdrive_app.auth.passwords import BCRYPT_SLOTS

router = APIRouter(prefix="/api", tags=["auth"])

# Sign-ins beyond the bcrypt slots wait here, on the event loop, rather than each holding one of
# the shared worker threads (40) that every other request needs for its own thread hop.
_sign_in_limiter = CapacityLimiter(BCRYPT_SLOTS)

# The device token (auth/devices.py) lives in a cookie only the sign-in route ever sees, and no
# script: it spares this device the per-name ceiling that strangers can fill.
DEVICE_COOKIE = "rdrive_device"
DEVICE_COOKIE_PATH = "/api/auth"


@router.post(
    "/auth/login",
    response_model=TokenOut,
    responses=error_responses(401, 429),
)
async def login(
    body: LoginIn,
    response: Response,
    services: ServicesDep,
    client: ClientAddress,
    device: Annotated[str | None, Cookie(alias=DEVICE_COOKIE, include_in_schema=False)] = None,
    user_agent: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenOut:
    """Exchange a name and password for a bearer token (and this device's device cookie)."""
    session = await to_thread.run_sync(
        services.accounts.sign_in,
        body.username,
        body.password,
        client,
        device,
        user_agent,
        limiter=_sign_in_limiter,
    )
    settings = services.settings
    response.set_cookie(
        DEVICE_COOKIE,
        session.device_token,
        max_age=settings.device_token_lifetime_s,
        path=DEVICE_COOKIE_PATH,
        secure=settings.api_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )
    return TokenOut(access_token=session.token, expires_in=session.expires_in)


@router.post("/auth/logout", status_code=204, responses=error_responses(401))
async def logout(signed_in: CurrentSession, services: ServicesDep) -> Response:
    """Sign out: this session ends (its token stops working); other devices stay signed in
    (``DELETE /api/sessions`` ends them)."""
    await to_thread.run_sync(services.accounts.sessions.end, signed_in.user, signed_in.session_id)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, responses=error_responses(401))
async def me(user: CurrentUser) -> MeOut:
    """The signed-in account."""
    return MeOut.of(user)
