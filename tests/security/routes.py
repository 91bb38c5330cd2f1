"""The HTTP API's route table, read from the app itself, and a meaningful request for each route.

"Meaningful" means the request would read or change something real in the seeded library when
sent with a valid token (the matrix checks that too), so a refusal proves the token check and
not a bad argument. Values are chosen by parameter name, so a new route is covered as soon as it
exists; a route whose parameters are not known here gets a generic value and the matrix's
valid-token control call says which name to add.
"""

from __future__ import annotations

import tempfile
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import pyotp
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from rdrive_app.api import create_api
from rdrive_app.core.settings import Settings
from rdrive_app.services.wiring import Services, build_services
from tests import soft_authenticator
from tests.security.support import PHOTO, NullQueue, Seeded

# Routes anyone may call, each with the reason; everything else must refuse a bad token.
PUBLIC = {
    "POST /api/auth/login": "signing in is how a token is obtained",
    "POST /api/auth/login/second-factor": "the second step of signing in (takes a challenge)",
    "POST /api/auth/passkey/options": "starting a passkey sign-in (a challenge, nothing stored)",
    "POST /api/auth/passkey/verify": "a passkey sign-in: the signed answer is the credential",
    "GET /api/zip/{ticket}": "a random 256-bit ticket naming one list for minutes (signed URL)",
    "GET /api/files/{key:path}": "local signed file URLs: the signature is the credential",
    "HEAD /api/files/{key:path}": "local signed file URLs: the signature is the credential",
    "PUT /api/files/{key:path}": "local signed file URLs: the signature is the credential",
}
# Starlette routes FastAPI adds for its documentation; they serve the schema, never data.
DOCS = {"/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"}
# Apps mounted beside the routes, each with its own authentication and its own tests.
MOUNTS = {"/dav": "WebDAV: app passwords over Basic auth (tests/api/test_dav.py)"}


@dataclass(frozen=True)
class ApiRoute:
    """One method on one path, with what FastAPI knows about its parameters."""

    method: str
    path: str
    dependant: Any = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def route_table(app: FastAPI) -> tuple[list[ApiRoute], set[str]]:
    """(every FastAPI route × method, paths of plain Starlette routes) of ``app``."""
    api_routes, plain = [], set()
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if dependant is None:
            plain.add(context.path)
            continue
        for method in sorted(context.methods or ()):
            api_routes.append(ApiRoute(method, context.path, dependant))
    return api_routes, plain


def local_route_table() -> tuple[list[ApiRoute], set[str]]:
    """The route table of a local-backend app (a superset of the aws one: it adds the signed
    file routes), built at collection time in a throwaway data directory."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), jwt_secret="collect-" + "c" * 40)
        services = build_services(settings, processing=NullQueue())
        try:
            return route_table(create_api(services))
        finally:
            services.storage.catalog.close()  # type: ignore[attr-defined]


# -- a meaningful request per route ------------------------------------------------------------

QUERY_VALUES: dict[str, Any] = {
    "path": "/trip",
    "folder": "/trip",
    "limit": 10,
    "w": 200,
    "q": "a",  # finds the seeded a.jpg
}
BODY_VALUES: dict[str, Any] = {
    "path": "/trip/new",
    "new_path": "/trip2",
    "name": "renamed.jpg",
    "folder": "/trip",
    "content_type": "image/jpeg",
    "numbers": [1],
    "sha256": ["0" * 64],
    "username": "alice",
    "password": "guess",
    "seconds": 60,
    "description": "a caption",
    "tags": ["holiday"],
    "add": ["holiday"],
}
# Per-route values where the generic ones would not be meaningful.
OVERRIDES: dict[str, dict[str, Any]] = {
    "DELETE /api/folders": {"path": "/empty"},
    "PATCH /api/folders": {"path": "/trip"},
    "POST /api/app-passwords": {"name": "a script", "scope": "read"},
}


def _pending_totp_code(services: Services) -> dict[str, Any]:
    """alice starts setting up codes: a right first code confirms them."""
    alice = services.storage.catalog.get_user("alice")
    secret = services.accounts.second_factors.start_totp(alice).secret
    return {"code": pyotp.TOTP(secret).now()}


def _recovery_code(services: Services) -> dict[str, Any]:
    """alice has codes on: one of her recovery codes vouches for a change."""
    alice = services.storage.catalog.get_user("alice")
    codes = services.accounts.second_factors.confirm_totp(
        alice, _pending_totp_code(services)["code"]
    )
    return {"code": codes[0]}


def _app_password(services: Services) -> dict[str, Any]:
    """alice has an app password to revoke."""
    alice = services.storage.catalog.get_user("alice")
    made = services.accounts.app_passwords.create(alice, "a script", "read")
    return {"app_password_id": made.id}


def _new_passkey(services: Services) -> dict[str, Any]:
    """A passkey made by the software authenticator, for alice to keep."""
    alice = services.storage.catalog.get_user("alice")
    ceremony = services.accounts.start_passkey_registration(alice)
    origin = services.settings.resolved_passkey_origins()[0]
    _, credential = soft_authenticator.register(ceremony.options, origin)
    return {"ceremony_token": ceremony.token, "credential": credential, "name": "laptop"}


def _passkey(services: Services) -> dict[str, Any]:
    """alice has a passkey to remove."""
    alice = services.storage.catalog.get_user("alice")
    made = _new_passkey(services)
    view = services.accounts.finish_passkey_registration(
        alice, made["ceremony_token"], made["credential"], made["name"]
    )
    return {"passkey_id": view.id}


# Routes that act on state the seed does not have: the values each needs, made at call time.
PREPARED: dict[str, Callable[[Services], dict[str, Any]]] = {
    "POST /api/account/totp/confirm": _pending_totp_code,
    "POST /api/account/totp/recovery-codes": _recovery_code,
    "DELETE /api/account/totp": _recovery_code,
    "DELETE /api/app-passwords/{app_password_id}": _app_password,
    "POST /api/account/passkeys": _new_passkey,
    "DELETE /api/account/passkeys/{passkey_id}": _passkey,
}


@dataclass
class Request:
    """What to send."""

    method: str
    url: str
    params: dict[str, Any]
    json: Any = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None


def _item_for(path: str, seeded: Seeded, multipart_id: str | None) -> str:
    if path.startswith("/api/trash/"):
        return seeded.trashed.id
    if path.endswith("/parts") and multipart_id:
        return multipart_id
    if path.startswith("/api/uploads/"):
        return seeded.uploading.id
    return seeded.ready.id


def _generic(annotation: Any) -> Any:
    """A harmless value of a type, for a parameter this module has no value for."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return _generic(next(a for a in get_args(annotation) if a is not type(None)))
    if annotation is int or origin is int:
        return 1
    if annotation is bool:
        return True
    if origin is list:
        return []
    if origin is dict:
        return {}
    return "x"


def _model_body(model: Any, values: dict[str, Any], data: bytes) -> dict[str, Any]:
    body = {}
    for name, info in model.model_fields.items():
        if name == "size":
            body[name] = len(data)
        elif name in values:
            body[name] = values[name]
        elif info.is_required():
            body[name] = _generic(info.annotation)
    return body


def build_request(
    route: ApiRoute,
    seeded: Seeded,
    multipart_id: str | None = None,
    services: Services | None = None,
) -> Request:
    """A request to ``route`` that would do something real to the seeded library (with
    ``services``, after making the state a PREPARED route needs)."""
    data = PHOTO.read_bytes()
    overrides = OVERRIDES.get(route.label, {})
    if services is not None and route.label in PREPARED:
        overrides = {**overrides, **PREPARED[route.label](services)}
    url = route.path
    for param in route.dependant.path_params:
        if param.name == "item_id":
            value = _item_for(route.path, seeded, multipart_id)
        elif param.name == "album_id":
            value = seeded.album.id
        elif param.name == "session_id":
            value = seeded.other_session
        else:
            value = overrides.get(param.name, "x")
        url = url.replace("{" + param.name + "}", value).replace("{" + param.name + ":path}", value)
    params: dict[str, Any] = {}
    for param in route.dependant.query_params:
        if param.name == "ids":
            params["ids"] = seeded.ready.id
        elif param.name in overrides or param.name in QUERY_VALUES:
            params[param.name] = overrides.get(param.name, QUERY_VALUES.get(param.name))
        elif param.field_info.is_required():
            params[param.name] = _generic(param.field_info.annotation)
    request = Request(route.method, url, params)
    for param in route.dependant.body_params:
        annotation = param.field_info.annotation
        if "UploadFile" in str(annotation):
            request.files = [(param.name, ("evil.jpg", data, "image/jpeg"))]
        elif hasattr(annotation, "model_fields"):
            values = {**BODY_VALUES, "ids": [seeded.ready.id], **overrides}
            request.json = _model_body(annotation, values, data)
        else:
            request.json = _generic(annotation)
    return request
