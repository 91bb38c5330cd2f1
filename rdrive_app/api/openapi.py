"""/api/openapi.json as the app really answers, not as FastAPI assumes.

FastAPI documents a 422 with its own error shape on every route with parameters; rDrive answers
bad input with 400 ``{"detail": "..."}`` (api/errors.py). Every route that takes a token can
answer 401, and every route with a body can answer 413 (api/body_limit.py); errors are JSON
even on the routes that stream a ZIP. Schema fuzzing
checks each answer against this document, so it must list them all.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from rdrive_app.api.schemas import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}

Responses = dict[int | str, dict[str, Any]]  # what FastAPI takes as a route's ``responses=``


def error_responses(*codes: int) -> Responses:
    """A route's ``responses=``: each of these statuses answers with an ErrorOut."""
    return {code: {"model": ErrorOut} for code in codes}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def fix_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite ``schema`` in place: 422 → 400, and the 401, 403 and 413 answers routes can
    give."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None:
                responses.setdefault("400", _error("Bad input"))
            if operation.get("security"):
                responses.setdefault("401", _error("No, or a bad, expired or revoked token"))
                if method != "get":
                    responses.setdefault("403", _error("A read-only app password"))
            if "requestBody" in operation:
                responses.setdefault("413", _error("The request body is too large"))
            for code, response in responses.items():
                if code[0] in "45":  # errors are JSON whatever the route's own type (a ZIP)
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    components.setdefault(
        "ErrorOut",
        {
            "title": "ErrorOut",
            "type": "object",
            "properties": {"detail": {"title": "Detail", "type": "string"}},
            "required": ["detail"],
        },
    )
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = fix_error_responses(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
