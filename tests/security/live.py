"""The API over real HTTP, and a client that sends a body while watching for the answer.

A TestClient hands the app the whole body at once and httpx sends it all before it reads the
answer, so neither can show *when* a server answers a request whose body is still arriving.
``LiveApi`` runs ``create_api`` under uvicorn on a loopback port and counts the body bytes the
app took from uvicorn; ``send_watching`` writes a body from a generator on a non-blocking socket
and stops as soon as the first byte of the answer arrives, so a test can say how much was sent
(and read) before the server said no, how long it took, and whether the server then closed.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

MiB = 1024 * 1024


class LiveApi:
    """uvicorn on a free loopback port serving ``app`` (set it with ``serve`` before requests)."""

    def __init__(self) -> None:
        import uvicorn

        self.app: Any = None
        self.body_read = 0  # body bytes the app received from uvicorn in the last request
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.host, self.port = self._sock.getsockname()
        self.url = f"http://{self.host}:{self.port}"
        self.address = (self.host, self.port)
        config = uvicorn.Config(
            self._dispatch, log_level="warning", lifespan="off", interface="asgi3"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    async def _dispatch(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.body_read = 0

        async def counting_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                self.body_read += len(message.get("body", b""))
            return message

        await self.app(scope, counting_receive, send)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the live API did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)


@dataclass(frozen=True)
class Answer:
    """What came back while a body was being sent."""

    status: int
    headers: dict[str, str]
    body: bytes
    yielded: int  # bytes the body generator had produced when the answer arrived
    seconds: float  # from the first byte of the request to the first byte of the answer
    closed: bool  # the server closed the connection after answering


def generated(total: int, chunk: int = 64 * 1024, head: bytes = b"") -> Iterator[bytes]:
    """``head`` and then zero bytes up to ``total`` in all, one ``chunk`` at a time."""
    yield head
    left = total - len(head)
    block = b"\0" * chunk
    while left > 0:
        yield block[: min(chunk, left)]
        left -= min(chunk, left)


def send_watching(
    address: tuple[str, int],
    method: str,
    path: str,
    headers: dict[str, str],
    body: Iterable[bytes],
    *,
    chunked: bool,
    timeout: float = 60.0,
) -> Answer:
    """Send the request head, then ``body`` (chunked, or as is under the given Content-Length),
    until the server answers; then read the answer and see whether the connection closes."""
    host, port = address
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += "Transfer-Encoding: chunked\r\n" if chunked else ""
    sock = socket.create_connection(address)
    # A small send buffer, so that what "was sent" is close to what the server was handed.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    sock.setblocking(False)
    # selectors (epoll), not select.select: a test worker may hold more than 1024 descriptors.
    watch = selectors.DefaultSelector()
    watch.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    started = time.monotonic()
    pending = (head + "\r\n").encode()
    source = iter(body)
    yielded, finished = 0, False
    try:
        while True:
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"no answer after {yielded} bytes")
            if not pending and not finished:
                chunk = next(source, None)
                if chunk is None:
                    finished = True
                    pending = b"0\r\n\r\n" if chunked else b""
                else:
                    yielded += len(chunk)
                    pending = (
                        (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n") if chunked else chunk
                    )
            wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if pending else 0)
            watch.modify(sock, wanted)
            events = sum(mask for _, mask in watch.select(1.0))
            if events & selectors.EVENT_READ:
                break
            if events & selectors.EVENT_WRITE:
                try:
                    pending = pending[sock.send(pending) :]
                except (BrokenPipeError, ConnectionResetError):
                    watch.modify(sock, selectors.EVENT_READ)
                    watch.select(5.0)  # the answer may be on its way
                    break
        seconds = time.monotonic() - started
        status, answer_headers, answer_body, closed = _read_answer(sock)
    finally:
        watch.close()
        sock.close()
    return Answer(status, answer_headers, answer_body, yielded, seconds, closed)


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes, bool]:
    sock.setblocking(True)
    sock.settimeout(5.0)
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            raise ConnectionError(f"the connection closed before an answer: {data!r}")
        data += more
    raw_head, _, rest = data.partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
    }
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        more = sock.recv(65536)
        if not more:
            break
        rest += more
    # A server that said it closes gets five seconds to do it; one that did not, a moment.
    sock.settimeout(5.0 if headers.get("connection") == "close" else 0.2)
    try:
        closed = sock.recv(65536) == b""
    except TimeoutError:
        closed = False  # still open
    except ConnectionResetError:
        closed = True
    return status, headers, rest[:length], closed
