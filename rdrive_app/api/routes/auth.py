"""Sign-in and "who am I"."""

from __future__ import annotations

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Response

from rdrive_app.api.deps import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_PATH,
    CurrentSession,
    CurrentUser,
    ServicesDep,
    SignInCaller,
)
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.schemas import LoginIn, MeOut, SecondFactorIn, SecondFactorOut, TokenOut
from rdrive_app.auth.passwords import BCRYPT_SLOTS
from rdrive_app.core.settings import Settings
from rdrive_app.services.accounts import SecondStep, Session

router = APIRouter(prefix="/api", tags=["auth"])

# Sign-ins beyond the bcrypt slots wait here, on the event loop, rather than each holding one of
# the shared worker threads (40) that every other request needs for its own thread hop.
_sign_in_limiter = CapacityLimiter(BCRYPT_SLOTS)


@router.post(
    "/auth/login",
    response_model=TokenOut | SecondFactorOut,
    responses=error_responses(401, 429),
)
async def login(
    body: LoginIn, response: Response, services: ServicesDep, caller: SignInCaller
) -> TokenOut | SecondFactorOut:
    """Exchange a name and password for a bearer token (and this device's device cookie).
    An account with two-factor codes gets ``second_factor_required`` and a challenge token
    instead: ``POST /api/auth/login/second-factor`` finishes the sign-in."""
    result = await to_thread.run_sync(
        services.accounts.sign_in,
        body.username,
        body.password,
        caller,
        limiter=_sign_in_limiter,
    )
    if isinstance(result, SecondStep):
        return SecondFactorOut(challenge_token=result.challenge_token, methods=result.methods)
    return signed_in_answer(result, response, services.settings)


@router.post(
    "/auth/login/second-factor",
    response_model=TokenOut,
    responses=error_responses(401, 429),
)
async def login_second_factor(
    body: SecondFactorIn, response: Response, services: ServicesDep, caller: SignInCaller
) -> TokenOut:
    """Finish a sign-in with the challenge from ``/api/auth/login`` and a code from the
    authenticator app (or a recovery code). Wrong codes meet the password throttle."""
    session = await to_thread.run_sync(
        services.accounts.finish_sign_in, body.challenge_token, body.code, caller
    )
    return signed_in_answer(session, response, services.settings)


def signed_in_answer(session: Session, response: Response, settings: Settings) -> TokenOut:
    """The token, with this device's device cookie set beside it."""
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
