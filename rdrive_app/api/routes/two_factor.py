"""Two-factor codes of the signed-in account: start, confirm, see, turn off."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Response

from rdrive_app.api.deps import ClientAddress, ServicesDep, SessionUser
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.schemas import CodeIn, RecoveryCodesOut
from rdrive_app.services.second_factor import TotpEnrolment, TwoFactorStatus

router = APIRouter(prefix="/api/account", tags=["two-factor"])


@router.get("/totp", response_model=TwoFactorStatus, responses=error_responses(401))
async def totp_status(user: SessionUser, services: ServicesDep) -> TwoFactorStatus:
    """Whether codes are on, and how many recovery codes are left."""
    return await to_thread.run_sync(services.accounts.second_factors.status, user)


@router.post("/totp", response_model=TotpEnrolment, responses=error_responses(401, 409))
async def start_totp(user: SessionUser, services: ServicesDep) -> TotpEnrolment:
    """Start setting up codes: the secret for an authenticator app (``otpauth_uri``, and the
    same as a QR code). Nothing changes at sign-in until a first code confirms it."""
    return await to_thread.run_sync(services.accounts.second_factors.start_totp, user)


@router.post(
    "/totp/confirm", response_model=RecoveryCodesOut, responses=error_responses(400, 401, 404, 409)
)
async def confirm_totp(body: CodeIn, user: SessionUser, services: ServicesDep) -> RecoveryCodesOut:
    """Turn codes on with a first code from the app. The answer holds ten recovery codes,
    each good for one sign-in, shown this once."""
    codes = await to_thread.run_sync(services.accounts.second_factors.confirm_totp, user, body.code)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post(
    "/totp/recovery-codes",
    response_model=RecoveryCodesOut,
    responses=error_responses(400, 401, 429),
)
async def new_recovery_codes(
    body: CodeIn, user: SessionUser, services: ServicesDep, client: ClientAddress
) -> RecoveryCodesOut:
    """Ten new recovery codes for a current code; the earlier ones stop working."""
    codes = await to_thread.run_sync(
        services.accounts.renew_recovery_codes, user, body.code, client
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.delete("/totp", status_code=204, responses=error_responses(400, 401, 429))
async def turn_off_totp(
    body: CodeIn, user: SessionUser, services: ServicesDep, client: ClientAddress
) -> Response:
    """Turn codes off; a current code (or a recovery code) is needed, with the sign-in
    throttle, so a borrowed session alone cannot."""
    await to_thread.run_sync(services.accounts.turn_off_totp, user, body.code, client)
    return Response(status_code=204)
