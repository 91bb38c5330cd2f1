"""A local stand-in for the stack's CloudFront distribution, built from the template only.

What it does, as CloudFront does it (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide):
- picks the cache behavior by path pattern, in order, the default last; refuses methods the
  behavior does not allow (403, CloudFront's own answer);
- runs the behavior's viewer-request function (its own code, in node) before the origin;
- the site bucket origin is S3 through origin access control without s3:ListBucket: a missing
  key answers 403; ``DefaultRootObject`` serves ``/``;
- the backend origin gets the request under the managed AllViewerExceptHostHeader policy: every
  viewer header but Host (Host names the origin), CloudFront's own headers
  (``CloudFront-Viewer-Address: ip:port`` of the TCP peer, ``CloudFront-Forwarded-Proto``; any a
  viewer sent are replaced), ``X-Forwarded-For`` with the peer appended, ``Via``; WebSockets
  are passed through;
- custom error responses apply to every origin's answers (the page fetched from the default
  behavior, the status replaced);
- the response headers policy is applied to every answer, ``Override`` as CloudFront applies it
  (on: replace the origin's header; off: only where the origin sent none).
What it cannot do here: TLS (the viewer protocol policy is not enforced), caching, compression.
The one rewrite it makes is the rehearsal's DNS: ``host_map`` turns a deployed host named in the
CSP (the media bucket's S3 name) into the local stand-in that answers for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import mimetypes
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx

from tests.infra.rehearsal.template import (
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    Behavior,
    Distribution,
    Unsupported,
)
from tests.infra.rehearsal.viewer_function import ViewerFunction, viewer_request_event

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
Headers = list[tuple[str, str]]


@dataclass
class Exchange:
    """One request as the stand-in saw it (for the rehearsal's assertions)."""

    method: str
    path: str
    origin: str
    status: int


def policy_headers(policy: dict[str, Any], host_map: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(header, value, override) for a ResponseHeadersPolicyConfig."""
    unknown = set(policy) - {"Comment", "Name", "SecurityHeadersConfig"}
    if unknown:
        raise Unsupported(f"response headers policy parts {sorted(unknown)}")
    out: list[tuple[str, str, bool]] = []
    for kind, config in policy.get("SecurityHeadersConfig", {}).items():
        override = bool(config["Override"])
        if kind == "ContentSecurityPolicy":
            value = config["ContentSecurityPolicy"]
            for deployed, local in host_map.items():
                value = value.replace(deployed, local)
            out.append(("content-security-policy", value, override))
        elif kind == "ContentTypeOptions":
            out.append(("x-content-type-options", "nosniff", override))
        elif kind == "FrameOptions":
            out.append(("x-frame-options", config["FrameOption"], override))
        elif kind == "ReferrerPolicy":
            out.append(("referrer-policy", config["ReferrerPolicy"], override))
        elif kind == "StrictTransportSecurity":
            value = f"max-age={config['AccessControlMaxAgeSec']}"
            value += "; includeSubDomains" if config.get("IncludeSubdomains") else ""
            value += "; preload" if config.get("Preload") else ""
            out.append(("strict-transport-security", value, override))
        else:
            raise Unsupported(f"security header {kind}")
    return out


def apply_policy(headers: Headers, policy: list[tuple[str, str, bool]]) -> Headers:
    present = {name.lower() for name, _ in headers}
    out = list(headers)
    for name, value, override in policy:
        if override:
            out = [(k, v) for k, v in out if k.lower() != name]
            out.append((name, value))
        elif name not in present:
            out.append((name, value))
    return out


@dataclass
class CloudFrontStandIn:
    """The ASGI app standing in for the distribution (see the module docstring)."""

    distribution: Distribution
    site_dir: Path
    backend: str  # host:port the backend origin (the VPC origin's instance) listens on
    host_map: dict[str, str]
    exchanges: list[Exchange] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._functions = {
            b.viewer_request_code: ViewerFunction(b.viewer_request_code)
            for b in self.distribution.behaviors
            if b.viewer_request_code
        }
        self._client = httpx.AsyncClient(timeout=120, follow_redirects=False)

    def close(self) -> None:
        for function in self._functions.values():
            function.close()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)

    # -- HTTP --------------------------------------------------------------------------
    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        method = scope["method"]
        path = scope["path"]
        behavior = self.distribution.behavior_for(path)
        policy = policy_headers(behavior.headers_policy, self.host_map)
        headers: Headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        if method not in behavior.allowed_methods:
            await self._answer(send, 403, [("content-type", "text/plain")], b"", policy)
            self.exchanges.append(Exchange(method, path, "cloudfront", 403))
            return
        uri = scope["raw_path"].decode("latin-1")
        query = scope["query_string"].decode("latin-1")
        if behavior.viewer_request_code:
            event = viewer_request_event(
                method, uri, parse_qsl(query, keep_blank_values=True), headers, scope["client"][0]
            )
            result = await asyncio.to_thread(self._functions[behavior.viewer_request_code], event)
            if "statusCode" in result:
                raise Unsupported("a viewer-request function that answers by itself")
            uri = result["uri"] if "uri" in result else result["request"]["uri"]
        if behavior.origin_kind == "site-bucket":
            status, out_headers, body = self._site_object(method, uri)
            if await self._error_page(send, status, policy, method, path):
                return
            await self._answer(send, status, out_headers, body, policy)
            self.exchanges.append(Exchange(method, path, "site-bucket", status))
            return
        await self._proxy(scope, receive, send, behavior, headers, uri, query, policy)

    def _site_object(self, method: str, uri: str) -> tuple[int, Headers, bytes]:
        key = unquote(uri.lstrip("/"))
        if uri == "/" and self.distribution.default_root_object:
            key = self.distribution.default_root_object
        root = self.site_dir.resolve()
        file = (root / key).resolve()
        if not key or root not in file.parents or not file.is_file():
            body = b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
            return 403, [("content-type", "application/xml")], body
        data = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        headers = [
            ("content-type", kind),
            ("etag", f'"{hashlib.md5(data).hexdigest()}"'),  # noqa: S324 (S3's ETag)
            ("last-modified", formatdate(file.stat().st_mtime, usegmt=True)),
        ]
        return 200, headers, (b"" if method == "HEAD" else data)

    async def _error_page(
        self, send: Any, status: int, policy: list[tuple[str, str, bool]], method: str, path: str
    ) -> bool:
        for error in self.distribution.error_responses:
            if error.error_code == status:
                page_status, headers, body = self._site_object("GET", error.page_path)
                assert page_status == 200, f"the error page {error.page_path} is missing"
                await self._answer(send, error.response_code, headers, body, policy)
                self.exchanges.append(Exchange(method, path, "error-page", error.response_code))
                return True
        return False

    async def _answer(
        self,
        send: Any,
        status: int,
        headers: Headers,
        body: bytes,
        policy: list[tuple[str, str, bool]],
    ) -> None:
        headers = apply_policy([*headers, ("content-length", str(len(body)))], policy)
        await send({"type": "http.response.start", "status": status, "headers": _raw(headers)})
        await send({"type": "http.response.body", "body": body})

    def _origin_headers(self, scope: dict[str, Any], headers: Headers) -> Headers:
        """The backend's request headers under the behavior's origin request policy."""
        ip, port = scope["client"]
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() not in HOP_BY_HOP
            and k.lower() != "host"
            and not k.lower().startswith("cloudfront-")
            and k.lower() not in ("x-forwarded-for", "via")
            and not k.lower().startswith("sec-websocket")
        ]
        forwarded = [v for k, v in headers if k.lower() == "x-forwarded-for"]
        return [
            *kept,
            ("host", self.backend),
            ("x-forwarded-for", ", ".join([*forwarded, ip])),
            ("via", "2.0 rehearsal.cloudfront.net (CloudFront)"),
            ("cloudfront-viewer-address", f"{ip}:{port}"),
            ("cloudfront-forwarded-proto", scope.get("scheme", "http").replace("ws", "http")),
        ]

    async def _proxy(
        self,
        scope: dict[str, Any],
        receive: Any,
        send: Any,
        behavior: Behavior,
        headers: Headers,
        uri: str,
        query: str,
        policy: list[tuple[str, str, bool]],
    ) -> None:
        if behavior.origin_request_policy != ALL_VIEWER_EXCEPT_HOST_HEADER:
            raise Unsupported(f"origin request policy {behavior.origin_request_policy}")

        async def body() -> Any:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return
                if message.get("body"):
                    yield message["body"]
                if not message.get("more_body"):
                    return

        url = f"http://{self.backend}{uri}" + (f"?{query}" if query else "")
        has_body = any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers)
        request = self._client.build_request(
            scope["method"],
            url,
            headers=self._origin_headers(scope, headers),
            content=body() if has_body else None,
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError:
            await self._answer(send, 502, [("content-type", "text/plain")], b"", policy)
            self.exchanges.append(Exchange(scope["method"], scope["path"], "backend", 502))
            return
        try:
            if await self._error_page(send, response.status_code, policy, scope["method"], uri):
                return
            raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
            out = [(k, v) for k, v in raw if k.lower() not in HOP_BY_HOP]
            out = apply_policy(out, policy)
            start = {"type": "http.response.start", "status": response.status_code}
            await send({**start, "headers": _raw(out)})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            self.exchanges.append(
                Exchange(scope["method"], scope["path"], "backend", response.status_code)
            )
        finally:
            await response.aclose()

    # -- WebSocket ---------------------------------------------------------------------
    async def _websocket(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from websockets.asyncio.client import connect

        behavior = self.distribution.behavior_for(scope["path"])
        message = await receive()
        assert message["type"] == "websocket.connect"
        if behavior.origin_kind != "backend":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers: Headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        query = scope["query_string"].decode("latin-1")
        url = f"ws://{self.backend}{scope['raw_path'].decode('latin-1')}" + (
            f"?{query}" if query else ""
        )
        forwarded = [
            (k, v) for k, v in self._origin_headers(scope, headers) if k not in ("host", "origin")
        ]
        origin = next((v for k, v in headers if k.lower() == "origin"), None)
        try:
            upstream = await connect(
                url,
                additional_headers=forwarded,
                origin=origin,  # type: ignore[arg-type]
                subprotocols=scope.get("subprotocols") or None,
                max_size=None,
                open_timeout=30,
                compression=None,
            )
        except Exception:
            await send({"type": "websocket.close", "code": 1011})
            self.exchanges.append(Exchange("WS", scope["path"], "backend", 502))
            return
        await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})
        self.exchanges.append(Exchange("WS", scope["path"], "backend", 101))

        async def viewer_to_origin() -> None:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    await upstream.close()
                    return
                text = message.get("text")
                data = text if text is not None else message.get("bytes")
                await upstream.send(data)

        async def origin_to_viewer() -> None:
            try:
                async for data in upstream:
                    key = "text" if isinstance(data, str) else "bytes"
                    await send({"type": "websocket.send", key: data})
            finally:
                with contextlib.suppress(Exception):  # the viewer may have gone first
                    await send({"type": "websocket.close", "code": 1000})

        tasks = [asyncio.create_task(viewer_to_origin()), asyncio.create_task(origin_to_viewer())]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()


def _raw(headers: Headers) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class Server:
    """uvicorn serving the stand-in on a loopback port, in a thread."""

    def __init__(self, app: CloudFrontStandIn, port: int) -> None:
        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", ws="websockets-sansio", ws_max_size=2**26
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the CloudFront stand-in did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
