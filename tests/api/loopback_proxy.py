"""An HTTP proxy that sends ``*.localhost`` to the loopback address, for clients outside the
browser (rclone's Go resolver asks DNS for ``<bucket>.localhost`` and finds nothing).

On AWS a WebDAV GET from rclone is redirected to a presigned S3 URL; against moto that URL is
``http://<bucket>.localhost:PORT/...`` (the deployed, virtual-hosted shape: storage/aws/blobs.py).
Browsers resolve it to loopback themselves; rclone goes through this proxy (``HTTP_PROXY``; Go
never proxies requests to 127.0.0.1 itself, so its calls to the app go direct). Each request
is forwarded on its own connection, answered, and both connections closed.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from urllib.parse import urlsplit


class _Forward(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            head += chunk
        raw_head, _, rest = head.partition(b"\r\n\r\n")
        request_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        url = urlsplit(target)
        if not (url.hostname or "").endswith(".localhost"):
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        self.server.forwarded += 1  # type: ignore[attr-defined]
        path = url.path + (f"?{url.query}" if url.query else "")
        kept = [h for h in header_lines if not h.lower().startswith(("connection:", "proxy-"))]
        forwarded = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close"])
        with socket.create_connection(("127.0.0.1", url.port or 80)) as upstream:
            upstream.sendall(forwarded.encode("latin-1") + b"\r\n\r\n" + rest)
            while answer := upstream.recv(1 << 20):
                self.request.sendall(answer)


class LoopbackProxy:
    """The proxy on a free loopback port while the ``with`` block runs; ``url`` is its address."""

    def __enter__(self) -> LoopbackProxy:
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Forward)
        self._server.daemon_threads = True
        self._server.forwarded = 0  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def forwarded(self) -> int:
        """How many requests it has forwarded."""
        return int(self._server.forwarded)  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
