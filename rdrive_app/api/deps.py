"""FastAPI dependencies: the services and the signed-in user, so no route can forget to check."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import Cookie, Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rdrive_app.auth.client_address import client_address as address_of
from rdrive_app.core.domain import User
from rdrive_app.core.errors import NotAuthenticated
from rdrive_app.services.accounts import Caller, SignedIn
from rdrive_app.services.wiring import Services

_bearer = HTTPBearer(auto_error=False, description="The access_token from POST /api/auth/login")


def get_services(request: Request) -> Services:
    """The services the app was created with."""
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


# Requests that only read: a read-only app password may make them.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("sign in first: send 'Authorization: Bearer <token>'")
    return credentials.credentials


async def current_session(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    """The account and session behind a session token; 401 for a missing, forged, expired or
    revoked one, one whose session was ended, or an app password (the account's settings
    take a signed-in session only)."""
    token = _bearer_token(credentials)
    return await to_thread.run_sync(services.accounts.signed_in, token)


async def session_user(signed_in: Annotated[SignedIn, Depends(current_session)]) -> User:
    """The account behind a session token (``current_session``'s checks)."""
    return signed_in.user


async def current_user(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The account behind a session token or an app password whose scope allows this
    request's method; 401 or 403 otherwise."""
    token = _bearer_token(credentials)
    writes = request.method not in READING_METHODS
    return await to_thread.run_sync(lambda: services.accounts.user_for_bearer(token, writes=writes))


CurrentSession = Annotated[SignedIn, Depends(current_session)]
SessionUser = Annotated[User, Depends(session_user)]
CurrentUser = Annotated[User, Depends(current_user)]


def client_address(request: Request, services: ServicesDep) -> str:
    """The caller's address, for sign-in throttling: the peer's, or behind the proxy the
    settings name, the address it reports (the rule is ``auth.client_address``'s)."""
    peer = request.client.host if request.client else None
    return address_of(peer, request.headers.items(), services.settings.trusted_proxy)


ClientAddress = Annotated[str, Depends(client_address)]


# The device token (auth/devices.py) lives in a cookie only the sign-in routes ever see, and no
# script: it spares this device the per-name ceiling that strangers can fill.
DEVICE_COOKIE = "rdrive_device"
DEVICE_COOKIE_PATH = "/api/auth"


def sign_in_caller(
    client: ClientAddress,
    device: Annotated[str | None, Cookie(alias=DEVICE_COOKIE, include_in_schema=False)] = None,
    user_agent: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Caller:
    """Where a sign-in comes from: address, device cookie, User-Agent."""
    return Caller(client, device, user_agent)


SignInCaller = Annotated[Caller, Depends(sign_in_caller)]
