"""One JSON shape for every error: ``{"detail": "..."}`` with the status of DESIGN.md."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from rdrive_app.core.errors import RDriveError, TooManyAttempts


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "invalid request: " + "; ".join(parts)


STORAGE_DOWN = "storage is not answering right now; nothing was changed by this request, try again"


OUTAGE_CODES = frozenset(
    {
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "SlowDown",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
    }
)


def is_storage_outage(exc: BaseException) -> bool:
    """Whether ``exc`` is S3 or DynamoDB failing after its client's own retries (throttling,
    5xx, timeouts, dropped connections), as opposed to a bug."""
    from botocore.exceptions import BotoCoreError, ClientError
    from pynamodb.exceptions import PynamoDBException

    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or str(exc.response.get("Error", {}).get("Code")) in OUTAGE_CODES
    if isinstance(exc, BotoCoreError):  # timeouts, refused or dropped connections
        return True
    if isinstance(exc, PynamoDBException):
        cause = getattr(exc, "cause", None)
        if exc.cause_response_code in OUTAGE_CODES:
            return True
        return isinstance(cause, BaseException) and is_storage_outage(cause)
    return False


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors and FastAPI's own errors to JSON ``detail`` responses."""

    @app.exception_handler(RDriveError)
    async def _domain_error(_: Request, exc: RDriveError) -> JSONResponse:
        headers = {}
        if isinstance(exc, TooManyAttempts):
            headers["Retry-After"] = str(exc.retry_after)
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _storage_down(_: Request, exc: Exception) -> Response:
        """503 with a sentence for a storage outage; anything else stays a bare 500 (logged)."""
        if not is_storage_outage(exc):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return JSONResponse({"detail": STORAGE_DOWN}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
