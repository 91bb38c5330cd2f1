"""The exported site served on this machine as the distribution serves it: extensionless paths
to their ``.html`` (the URI rewrite), ``404.html`` (the client-side router) for anything
missing, with the headers given (the stack's Content-Security-Policy). For the export's tests
and the first-paint bench, which must load the site as a browser would load it deployed."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _CloudFrontLike(SimpleHTTPRequestHandler):
    extra_headers: Mapping[str, str] = {}

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        if path != "/" and "." not in path.rsplit("/", 1)[-1]:
            path += ".html"
        if not Path(self.translate_path(path)).exists():
            path = "/404.html"
        self.path = path
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        return


@contextmanager
def serve_site(
    directory: Path, port: int, headers: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1:``port`` until the block ends; yields its origin."""
    handler_class = type("Handler", (_CloudFrontLike,), {"extra_headers": dict(headers or {})})
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
