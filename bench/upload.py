"""Direct uploads: speed against `curl -T` to a bare server, and the app's memory while it works.

Run: ``python -m bench.upload`` (part of ``make bench``). Options: ``--size-gb`` (default 1),
``--rss-gb`` (default 2), ``--aws-rss-gb`` (default 0.5; 0 skips the aws backend).

* speed: the same file goes (a) with ``curl -T`` to a bare receiving server (a socket read
  into a 1 MiB buffer, written to a file, fsync at the end) and (b) to the app on the local
  backend as the browser sends it: POST /api/uploads, parts of 8 MiB, 4 in flight, PUT to the
  signed file route, then complete (the parts are joined on disk). Ratio = curl / app time.
* memory: the app's peak resident memory growth (process and children) during a 2 GB upload on
  the local backend, and during a smaller one on the aws backend (moto), where the bytes go to
  S3 and never pass through the app.
"""

from __future__ import annotations

import argparse
import os
import socketserver
import threading
import time
from pathlib import Path

import httpx

from bench.common import (
    GIB,
    MIB,
    App,
    Figure,
    RssWatch,
    at_least,
    at_most,
    aws_env,
    curl_timed,
    make_video,
    moto_server,
    report,
    scratch,
)
from rdrive_app.client.http import HttpTarget, RDriveClient
from rdrive_app.client.importer import LocalFile
from rdrive_app.client.part_sender import HttpSink, send_file


class _Receive(socketserver.BaseRequestHandler):
    """A bare HTTP PUT receiver: headers, then recv_into a 1 MiB buffer, write, fsync."""

    folder: Path

    def handle(self) -> None:
        sock = self.request
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        header, _, body = head.partition(b"\r\n\r\n")
        fields = dict(line.split(b":", 1) for line in header.split(b"\r\n")[1:] if b":" in line)
        fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
        if fields.get(b"expect", b"").lower() == b"100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        left = int(fields[b"content-length"]) - len(body)
        buf = memoryview(bytearray(MIB))
        with (self.folder / "received").open("wb") as f:
            f.write(body)
            while left > 0:
                n = sock.recv_into(buf, min(MIB, left))
                if not n:
                    break
                f.write(buf[:n])
                left -= n
            f.flush()
            os.fsync(f.fileno())
        sock.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _bare_server(folder: Path) -> socketserver.ThreadingTCPServer:
    handler = type("Receive", (_Receive,), {"folder": folder})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def curl_upload(path: Path, folder: Path) -> float:
    try:
        return curl_timed(_bare_server(folder), ["-T", str(path), "-o", "/dev/null"])
    finally:
        (folder / "received").unlink(missing_ok=True)


class Pace:
    """Holds the sending threads to ``mb_per_s`` in total (progress is reported per 1 MiB
    piece, just before it is sent), as a real link would."""

    def __init__(self, mb_per_s: float) -> None:
        self._bytes_per_s = mb_per_s * 1e6
        self._lock = threading.Lock()
        self._sent = 0
        self._t0: float | None = None

    def __call__(self, n: int) -> None:
        with self._lock:
            if self._t0 is None:
                self._t0 = time.perf_counter()
            due = self._t0 + self._sent / self._bytes_per_s
            self._sent += n
        time.sleep(max(0.0, due - time.perf_counter()))


def app_upload(app: App, path: Path, mb_per_s: float | None = None) -> float:
    """Seconds from asking for the upload to the completed item, as a browser would do it;
    at most ``mb_per_s`` (default: as fast as loopback goes)."""
    http = httpx.Client(timeout=httpx.Timeout(600.0))
    target = HttpTarget(RDriveClient(app.url, app.token, http), HttpSink(http))
    stat = path.stat()
    file = LocalFile(
        path=path,
        rel=path.name,
        folder="/",
        name=path.name,
        size=stat.st_size,
        mtime_ms=stat.st_mtime_ns // 1_000_000,
        content_type="video/mp4",
    )
    t0 = time.perf_counter()
    plan = target.start(file)
    assert plan.multipart, "expected a multipart upload"
    progress = Pace(mb_per_s) if mb_per_s else (lambda n: None)
    send_file(plan, path, target.sink, target.sign_parts, progress)
    target.complete(plan.item_id)
    elapsed = time.perf_counter() - t0
    http.close()
    return elapsed


def run(size_gb: float = 1.0, rss_gb: float = 2.0, aws_rss_gb: float = 0.5) -> list[Figure]:
    figures = []
    with scratch("upload") as tmp:
        big = make_video(tmp / "speed.mp4", int(size_gb * GIB))
        curl_s = curl_upload(big, tmp)
        with App(tmp / "data") as app:
            app_s = app_upload(app, big)
            big.unlink()
            gb = size_gb * GIB / 1e9
            figures.append(
                at_least(
                    f"upload {size_gb:g} GiB, local: app vs curl -T",
                    curl_s / app_s,
                    0.8,
                    f"curl {gb / curl_s:.2f} GB/s, app {gb / app_s:.2f} GB/s",
                )
            )
            huge = make_video(tmp / "memory.mp4", int(rss_gb * GIB))
            with RssWatch(app.pid) as watch:
                secs = app_upload(app, huge)
            huge.unlink()
            figures.append(
                at_most(
                    f"app RSS growth (MB) during {rss_gb:g} GiB, local",
                    watch.growth_mb,
                    100,
                    f"{rss_gb * GIB / 1e9 / secs:.2f} GB/s, base {watch.baseline / 1e6:.0f} MB",
                )
            )
        if aws_rss_gb > 0:
            figures.append(_aws_memory(tmp, aws_rss_gb))
    return figures


def _aws_memory(tmp: Path, size_gb: float) -> Figure:
    with moto_server() as endpoint:
        env = aws_env(endpoint)
        os.environ.update(env)
        try:
            from rdrive_app.core.settings import load_settings
            from rdrive_app.storage import ensure_aws_resources

            ensure_aws_resources(load_settings())
            path = make_video(tmp / "aws.mp4", int(size_gb * GIB))
            with App(tmp / "data-aws", **env) as app, RssWatch(app.pid) as watch:
                secs = app_upload(app, path)
            path.unlink()
        finally:
            for key in env:
                os.environ.pop(key, None)
    return at_most(
        f"app RSS growth (MB) during {size_gb:g} GiB, aws (moto)",
        watch.growth_mb,
        100,
        f"{size_gb * GIB / 1e9 / secs:.2f} GB/s into moto",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--rss-gb", type=float, default=2.0)
    parser.add_argument("--aws-rss-gb", type=float, default=0.5)
    args = parser.parse_args(argv)
    figures = run(args.size_gb, args.rss_gb, args.aws_rss_gb)
    return report(figures)


if __name__ == "__main__":
    raise SystemExit(main())
