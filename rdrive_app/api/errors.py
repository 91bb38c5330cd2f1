"""One JSON shape for every error: ``{"detail": "..."}`` with the status of DESIGN.md.

A storage outage arrives as ``StorageUnavailable`` (storage/aws/outages.py translates S3 and
DynamoDB errors), answered like a domain error with ``Retry-After``; any other exception stays
a bare 500.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from rdrive_app.core.errors import RDriveError, StorageUnavailable, TooManyAttempts


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "invalid request: " + "; ".join(parts)


def error_headers(exc: RDriveError | StorageUnavailable) -> dict[str, str]:
    """The headers a domain error's answer carries (``Retry-After``, ``WWW-Authenticate``)."""
    headers = {}
    if isinstance(exc, TooManyAttempts | StorageUnavailable):
        headers["Retry-After"] = str(exc.retry_after)
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors and FastAPI's own errors to JSON ``detail`` responses."""

    @app.exception_handler(RDriveError)
    @app.exception_handler(StorageUnavailable)
    async def _domain_error(_: Request, exc: RDriveError | StorageUnavailable) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=error_headers(exc)
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> Response:
        """Anything else stays a bare 500 (Starlette logs it)."""
        return PlainTextResponse("Internal Server Error", status_code=500)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
