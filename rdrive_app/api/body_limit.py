"""What a request body may be, enforced as it arrives, before anything parses or spools it.

For every HTTP request the backend serves (Reflex's own routes too), in this order:

1. Nothing past the first MiB (``FREE_BYTES``) is read from a caller who is not signed in. A
   larger ``Content-Length`` is checked before a byte is read; a body without one, when it
   passes the first MiB. The check is the routes' own (``deps.current_user`` on the bearer
   token; under ``/dav/``, ``dav.auth.basic_user``, before any body), so both accept exactly
   the same callers. FastAPI reads a route's body before it
   runs the route's dependencies, so without this a stranger's 300 MiB multipart POST was
   spooled to /tmp whole before its 401. Exempt: the signed file PUTs, whose URL signature is
   their authentication (the route checks it before it reads the body).
2. ``POST /api/media`` counts each multipart part against the upload limit as it streams
   (with python-multipart, the parser Starlette then reads it with): a part over the limit is
   refused at the limit, not after it was spooled. Every other ``/api/`` body is at most
   ``MAX_JSON_BODY``, since FastAPI reads JSON whole into memory. A WebDAV ``PUT`` (a file)
   is at most the upload limit; WebDAV's callers are known by their Basic app password.
3. An answer sent before the body was read whole closes the connection, so the rest of a
   refused body is never received.
"""

from __future__ import annotations

import json

from anyio import to_thread
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rdrive_app.api.dav.auth import basic_credentials, basic_user
from rdrive_app.api.deps import _bearer, current_user
from rdrive_app.api.errors import error_headers
from rdrive_app.core.errors import NotAuthenticated, RDriveError, StorageUnavailable
from rdrive_app.services.wiring import Services

FREE_BYTES = 1024 * 1024
DAV_PREFIX = "/dav/"
MAX_JSON_BODY = 1024 * 1024


class BodyRefused(HTTPException):
    """A body refused while it was being read (401, 413, 400, 503).

    An HTTPException, because FastAPI turns any other error raised while it reads a body into
    "400 error parsing the body"; this one reaches the app's error handler as it is.
    """

    @classmethod
    def from_error(cls, exc: RDriveError | StorageUnavailable) -> BodyRefused:
        return cls(exc.status_code, exc.detail, headers=error_headers(exc))


def too_large(max_bytes: int) -> BodyRefused:
    return BodyRefused(413, f"the request body is larger than {max_bytes // 1024} KiB")


class PartSizes:
    """The size of the largest part of a multipart body so far, counted as it streams."""

    def __init__(self, boundary: bytes) -> None:
        self.largest = 0
        self._size = 0
        callbacks = {"on_part_begin": self._begin, "on_part_data": self._data}
        self._parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]

    def _begin(self) -> None:
        self._size = 0

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        self.largest = max(self.largest, self._size)

    def feed(self, chunk: bytes) -> int:
        """Parse ``chunk``; the largest part so far. A malformed body is refused (400)."""
        try:
            self._parser.write(chunk)
        except FormParserError:
            raise BodyRefused(400, "invalid multipart data") from None
        return self.largest


class _Guard:
    """One request's body: what was declared and read, and whether the caller is known."""

    def __init__(self, mw: BodyLimitMiddleware, scope: Scope) -> None:
        self.scope = scope
        self.services = mw.services
        method, path = scope.get("method", ""), scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        self.declared = int(length) if length.isdigit() and len(length) < 20 else None
        self.complete = self.declared in (None, 0) and b"transfer-encoding" not in headers
        self.seen = 0
        self.exempt = mw.signed_files and method == "PUT" and path.startswith("/api/files/")
        self.signed_in = False
        self.dav = path.startswith(DAV_PREFIX)
        self.limit: int | None = None
        self.parts: PartSizes | None = None
        if method == "POST" and path == "/api/media":
            kind, params = parse_options_header(headers.get(b"content-type", b""))
            boundary = params.get(b"boundary")
            if kind == b"multipart/form-data" and boundary:
                self.parts = PartSizes(boundary)
            else:  # not a form this route could read: it will be refused, let it be short
                self.limit = mw.max_bytes
        elif path.startswith("/api/"):
            self.limit = mw.max_bytes
        elif self.dav and method == "PUT":  # a file: the upload limit
            self.limit = mw.services.settings.max_upload_bytes

    async def authenticate(self) -> None:
        """The routes' own check of the bearer token (WebDAV's: of a Basic app password);
        BodyRefused (401) for a stranger."""
        try:
            request = Request(self.scope)
            if request.url.path.startswith(DAV_PREFIX):
                await to_thread.run_sync(self._dav_user, request)
            else:
                await current_user(request, self.services, await _bearer(request))
        except (RDriveError, StorageUnavailable) as exc:
            raise BodyRefused.from_error(exc) from None
        self.signed_in = True

    def _dav_user(self, request: Request) -> None:
        found = basic_credentials(request.headers.get("authorization", ""))
        if found is None:
            raise NotAuthenticated("WebDAV takes your name and an app password (Basic auth)")
        peer = request.client.host if request.client else None
        basic_user(self.services, *found, request.method, peer, request.headers.items())

    async def before_reading(self) -> None:
        """Refuse a body by its declared length, before reading any of it. Under ``/dav/`` a
        body is read from a known caller only, whatever its size (WsgiDAV would answer a
        stranger before reading it, leaving the rest of a chunked body on the connection)."""
        if self.dav and not self.complete:
            await self.authenticate()
        if self.exempt or self.declared is None:
            return
        if self.declared > FREE_BYTES:
            await self.authenticate()
        if self.limit is not None and self.declared > self.limit:
            raise too_large(self.limit)

    async def arrived(self, message: Message) -> None:
        """Count a piece of the body before the app may see it; refuse it past a limit."""
        chunk = message.get("body", b"")
        self.seen += len(chunk)
        self.complete = self.complete or not message.get("more_body", False)
        if self.exempt:
            return
        if self.seen > FREE_BYTES and not self.signed_in:
            await self.authenticate()
        if self.limit is not None and self.seen > self.limit:
            raise too_large(self.limit)
        if self.parts is not None and (largest := self.parts.feed(chunk)):
            try:
                self.services.uploads.check_size(largest)
            except RDriveError as exc:
                raise BodyRefused.from_error(exc) from None


class BodyLimitMiddleware:
    """The rules above; ``signed_files`` when the app serves the local store's signed PUTs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        services: Services,
        signed_files: bool = False,
        max_bytes: int = MAX_JSON_BODY,
    ) -> None:
        self.app = app
        self.services = services
        self.signed_files = signed_files
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._guarded(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        guard = _Guard(self, scope)
        try:
            await guard.before_reading()
        except BodyRefused as refusal:
            await _refuse(send, refusal)
            return
        started = False

        async def guarded_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                await guard.arrived(message)
            return message

        async def closing_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if not guard.complete:
                    message = {**message, "headers": _closing(message.get("headers", []))}
            await send(message)

        try:
            await self.app(scope, guarded_receive, closing_send)
        except BodyRefused as refusal:  # read outside a FastAPI route: answer here
            if started:
                raise
            await _refuse(send, refusal)


def _closing(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() != b"connection"] + [(b"connection", b"close")]


async def _refuse(send: Send, refusal: BodyRefused) -> None:
    body = json.dumps({"detail": refusal.detail}).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in (refusal.headers or {}).items()]
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send(
        {"type": "http.response.start", "status": refusal.status_code, "headers": _closing(headers)}
    )
    await send({"type": "http.response.body", "body": body})
