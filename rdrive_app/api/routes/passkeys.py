"""Passkeys: made and removed from the signed-in account's settings, and used to sign in (alone,
or as the second step after a password). The ceremonies' options and answers are WebAuthn's
JSON forms (``PublicKeyCredentialCreationOptionsJSON`` and so on) as py_webauthn shapes them."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from rdrive_app.api.deps import ServicesDep, SessionUser, SignInCaller
from rdrive_app.api.openapi import error_responses
from rdrive_app.api.routes.auth import signed_in_answer
from rdrive_app.api.schemas import StrictIn, TokenOut
from rdrive_app.services.passkeys import PasskeyView

router = APIRouter(prefix="/api", tags=["passkeys"])


class CeremonyOut(BaseModel):
    ceremony_token: str = Field(description="Send it back with the browser's answer")
    options: dict[str, Any] = Field(description="For navigator.credentials.create or get")


class NewPasskeyIn(StrictIn):
    ceremony_token: str = Field(max_length=4096)
    credential: dict[str, Any] = Field(description="The PublicKeyCredential, as JSON")
    name: str = Field(max_length=255, description="What it is: 'phone', 'laptop'")


class PasskeySignInOptionsIn(StrictIn):
    challenge_token: str | None = Field(
        default=None,
        max_length=2048,
        description="The second-step challenge of a password sign-in, to finish it",
    )


class PasskeySignInIn(StrictIn):
    ceremony_token: str = Field(max_length=4096)
    credential: dict[str, Any] = Field(description="The PublicKeyCredential, as JSON")


@router.get("/account/passkeys", response_model=list[PasskeyView], responses=error_responses(401))
async def list_passkeys(user: SessionUser, services: ServicesDep) -> list[PasskeyView]:
    """This account's passkeys, newest first, with when each was last used."""
    return await to_thread.run_sync(services.accounts.passkeys.list, user)


@router.post(
    "/account/passkeys/options", response_model=CeremonyOut, responses=error_responses(401, 409)
)
async def passkey_registration_options(user: SessionUser, services: ServicesDep) -> CeremonyOut:
    """Start making a passkey: options for ``navigator.credentials.create``."""
    ceremony = await to_thread.run_sync(services.accounts.start_passkey_registration, user)
    return CeremonyOut(ceremony_token=ceremony.token, options=ceremony.options)


@router.post(
    "/account/passkeys",
    status_code=201,
    response_model=PasskeyView,
    responses=error_responses(400, 401, 409),
)
async def add_passkey(body: NewPasskeyIn, user: SessionUser, services: ServicesDep) -> PasskeyView:
    """Keep the passkey the browser made, under ``name``."""
    return await to_thread.run_sync(
        services.accounts.finish_passkey_registration,
        user,
        body.ceremony_token,
        body.credential,
        body.name,
    )


@router.delete(
    "/account/passkeys/{passkey_id}", status_code=204, responses=error_responses(401, 404)
)
async def remove_passkey(
    passkey_id: str = Path(max_length=64), *, user: SessionUser, services: ServicesDep
) -> Response:
    """Remove a passkey: it no longer signs in (the device may still list it)."""
    await to_thread.run_sync(services.accounts.passkeys.remove, user, passkey_id)
    return Response(status_code=204)


@router.post(
    "/auth/passkey/options", response_model=CeremonyOut, responses=error_responses(400, 401)
)
async def passkey_sign_in_options(
    body: PasskeySignInOptionsIn, services: ServicesDep
) -> CeremonyOut:
    """Start a passkey sign-in: options for ``navigator.credentials.get``."""
    ceremony = await to_thread.run_sync(
        services.accounts.start_passkey_sign_in, body.challenge_token
    )
    return CeremonyOut(ceremony_token=ceremony.token, options=ceremony.options)


@router.post("/auth/passkey/verify", response_model=TokenOut, responses=error_responses(400, 401))
async def passkey_sign_in(
    body: PasskeySignInIn, response: Response, services: ServicesDep, caller: SignInCaller
) -> TokenOut:
    """Finish a passkey sign-in with the browser's answer: a bearer token, as a password
    sign-in gives."""
    session = await to_thread.run_sync(
        services.accounts.finish_passkey_sign_in, body.ceremony_token, body.credential, caller
    )
    return signed_in_answer(session, response, services.settings)
