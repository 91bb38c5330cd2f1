"""Security headers on every HTTP response of the backend, the API's and Reflex's alike.

Reflex mounts its own routes (``/ping``, ``/_health``, the ``/_event`` socket) inside the app
``create_api`` returns, so this one middleware covers the whole backend. The pages themselves
come from Vite in development and from CloudFront in production, whose response-headers policy
sets the page CSP (infra/components/site.py); what the backend serves is JSON, media files and
ZIPs, none of which needs to run anything, so its policy denies everything but what a browser
needs to show a photo or play a video opened in a tab of its own.

It is plain ASGI (not ``BaseHTTPMiddleware``) so streamed responses, Range requests and the
WebSocket pass through untouched.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# JSON, ZIPs, health checks: nothing to load, run, frame or submit.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# A photo or video opened directly: the browser's own viewer document needs the media itself
# and inline styles; a file that is not inline-safe is an attachment anyway (content_headers).
FILE_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# FastAPI's Swagger UI page loads its script and styles from jsDelivr and starts inline.
DOCS_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
    "https://fastapi.tiangolo.com; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
FILES_PREFIX = "/api/files/"
DOCS_PATHS = frozenset({"/api/docs", "/docs/oauth2-redirect"})


def policy_for(path: str) -> str:
    """The Content-Security-Policy for a response to ``path``."""
    if path.startswith(FILES_PREFIX):
        return FILE_CSP
    if path in DOCS_PATHS:
        return DOCS_CSP
    return API_CSP


class SecurityHeadersMiddleware:
    """Adds nosniff, a referrer policy, frame denial and a CSP; ``no-store`` on API answers.

    Headers a route set itself (a file's ``Cache-Control``) are kept. HSTS is sent only when
    the backend is reached over HTTPS (``https_only``), where it means something.
    """

    def __init__(self, app: ASGIApp, *, https_only: bool = False) -> None:
        self.app = app
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self._headers(path):
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, path: str) -> Iterable[tuple[str, str]]:
        yield "x-content-type-options", "nosniff"
        yield "referrer-policy", "no-referrer"
        yield "x-frame-options", "DENY"
        yield "content-security-policy", policy_for(path)
        yield "cross-origin-opener-policy", "same-origin"
        if path.startswith("/api/") and not path.startswith(FILES_PREFIX):
            yield "cache-control", "no-store"
        if self.https_only:
            yield "strict-transport-security", "max-age=63072000; includeSubDomains"
