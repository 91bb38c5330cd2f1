"""A size limit on request bodies, enforced before anything parses them.

FastAPI reads a JSON body whole into memory before pydantic can refuse it, so without a limit a
single request could make the backend hold gigabytes. Every body under ``/api/`` is limited to
``max_bytes`` (a ``Content-Length`` over it is refused at once, a chunked body as soon as it
passes the limit) except the two that carry files: the signed file PUTs, which stream to disk
under their own per-upload limit, and ``POST /api/media``, which Starlette spools to disk.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_BODY = 1024 * 1024


class BodyTooLarge(HTTPException):
    """The body went past the limit while it was being read (413).

    An HTTPException, because FastAPI turns any other error raised while it reads a body into
    "400 error parsing the body"; this one reaches the app's error handler as it is.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {max_bytes // 1024} KiB")


def carries_files(method: str, path: str) -> bool:
    """Whether the route streams a file (and so has limits of its own)."""
    signed_put = method == "PUT" and path.startswith("/api/files/")
    return signed_put or (method == "POST" and path == "/api/media")


class BodyLimitMiddleware:
    """413 ``{"detail": ...}`` for API request bodies larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_JSON_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope.get("path", ""), scope.get("method", "")
        if scope["type"] != "http" or not path.startswith("/api/") or carries_files(method, path):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:  # read outside a FastAPI route (none today): answer here
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": BodyTooLarge(self.max_bytes).detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
