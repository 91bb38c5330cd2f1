"""WebDAV at /dav/ on the local backend, with the clients people use, against bare baselines.

Run: ``python -m bench.webdav`` (part of ``make bench``). Options: ``--size-gb`` (default 1),
``--put-gb`` (default 5), ``--items`` (default 10 000).

* speed: one file of ``--size-gb`` goes up with ``rclone copyto`` to /dav/ and with
  ``curl -T`` to a bare receiving server (bench.upload's), and comes down with ``rclone copyto``
  from /dav/ and with ``curl`` from a bare sending server (``sendfile`` of the same file). Ratio
  = bare time / rclone time, each way (goal >= 0.7).
* memory: the app's peak resident memory growth (process and children) during a ``curl -T``
  PUT of ``--put-gb`` to /dav/ (goal < 100 MB: the body streams to storage as it arrives).
* listing: PROPFIND depth 1 of a folder of ``--items`` items against one of 100: time per
  entry (goal <= 1.5x), and the app's memory growth while it answers the big one.
"""

from __future__ import annotations

import argparse
import os
import socketserver
import subprocess
import threading
import time
from pathlib import Path

import httpx
from defusedxml import ElementTree

from bench.common import (
    GIB,
    USER,
    App,
    Figure,
    RssWatch,
    at_least,
    at_most,
    curl_timed,
    make_video,
    median_time,
    report,
    scratch,
)
from bench.upload import curl_upload
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.settings import Settings
from rdrive_app.storage import build_storage

SMALL_FOLDER = 100
PROPFIND_RUNS = 3


def _bare_sender(path: Path) -> socketserver.ThreadingTCPServer:
    """A bare HTTP GET server: reads the request head, then ``sendfile`` of ``path``."""

    class Send(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            head = b""
            while b"\r\n\r\n" not in head:
                head += self.request.recv(65536)
            size = path.stat().st_size
            self.request.sendall(
                f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n".encode()
            )
            with path.open("rb") as f:
                self.request.sendfile(f)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Send)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def curl_download(path: Path, into: Path) -> float:
    try:
        return curl_timed(_bare_sender(path), ["-o", str(into)])
    finally:
        into.unlink(missing_ok=True)


class Dav:
    """The app's /dav/ with a write app password, for rclone and curl."""

    def __init__(self, app: App, config: Path) -> None:
        made = httpx.post(
            f"{app.url}/api/app-passwords",
            json={"name": "bench rclone", "scope": "write"},
            headers=app.auth,
        )
        made.raise_for_status()
        self.password = made.json()["password"]
        self.url = f"{app.url}/dav/"
        obscured = subprocess.run(
            ["rclone", "obscure", self.password], capture_output=True, text=True, check=True
        ).stdout.strip()
        self.remote = f":webdav,url='{self.url}',vendor=other,user={USER},pass='{obscured}':"
        self.env = {**os.environ, "RCLONE_CONFIG": str(config)}

    def rclone(self, *args: str) -> float:
        t0 = time.perf_counter()
        subprocess.run(["rclone", *args], check=True, env=self.env, capture_output=True)
        return time.perf_counter() - t0

    def curl_put(self, path: Path, name: str) -> None:
        subprocess.run(
            ["curl", "-sS", "-f", "-u", f"{USER}:{self.password}", "-T", str(path),
             f"{self.url}{name}", "-o", "/dev/null"],
            check=True,
        )  # fmt: skip

    def propfind(self, folder: str) -> int:
        """Entries in a depth-1 PROPFIND of ``folder`` (the folder itself included)."""
        answer = httpx.request(
            "PROPFIND",
            f"{self.url}{folder}/",
            headers={"Depth": "1"},
            auth=(USER, self.password),
            timeout=600,
        )
        answer.raise_for_status()
        return len(ElementTree.fromstring(answer.content).findall("{DAV:}response"))


def fill_folder(data_dir: Path, folder: str, count: int) -> None:
    """``count`` plain-file items in ``folder``, written straight into the app's catalog
    (PROPFIND reads the catalog only; a PUT each would measure uploads, not listings)."""
    storage = build_storage(Settings(data_dir=data_dir, jwt_secret="x" * 48))
    storage.catalog.create_folder(folder)
    for n in range(count):
        storage.catalog.add_item(
            MediaItem(
                id=new_id(),
                folder=folder,
                name=f"IMG_{n:05d}.XMP",
                kind=Kind.FILE,
                content_type="application/octet-stream",
                size=1000 + n,
                uploaded_by=USER,
                status=Status.READY,
                sha256=f"{n:064x}",
            )
        )


def run(size_gb: float = 1.0, put_gb: float = 5.0, items: int = 10_000) -> list[Figure]:
    figures = []
    with scratch("webdav") as tmp, App(tmp / "data") as app:
        dav = Dav(app, tmp / "rclone.conf")
        big = make_video(tmp / "speed.mp4", int(size_gb * GIB))
        gb = big.stat().st_size / 1e9
        curl_up = curl_upload(big, tmp)
        rclone_up = dav.rclone("copyto", str(big), f"{dav.remote}speed.mp4")
        figures.append(
            at_least(
                f"rclone up {size_gb:g} GiB vs curl -T to a bare server",
                curl_up / rclone_up,
                0.7,
                f"rclone {gb / rclone_up:.2f} GB/s, curl {gb / curl_up:.2f} GB/s",
            )
        )
        curl_down = curl_download(big, tmp / "bare-down")
        down = tmp / "down.mp4"
        rclone_down = dav.rclone("copyto", f"{dav.remote}speed.mp4", str(down))
        assert down.stat().st_size == big.stat().st_size
        down.unlink()
        figures.append(
            at_least(
                f"rclone down {size_gb:g} GiB vs curl from a bare server",
                curl_down / rclone_down,
                0.7,
                f"rclone {gb / rclone_down:.2f} GB/s, curl {gb / curl_down:.2f} GB/s",
            )
        )
        big.unlink()

        huge = make_video(tmp / "put.mp4", int(put_gb * GIB))
        with RssWatch(app.pid) as watch:
            t0 = time.perf_counter()
            dav.curl_put(huge, "put.mp4")
            secs = time.perf_counter() - t0
        huge.unlink()
        figures.append(
            at_most(
                f"app RSS growth (MB) during a {put_gb:g} GiB PUT",
                watch.growth_mb,
                100,
                f"{put_gb * GIB / 1e9 / secs:.2f} GB/s, base {watch.baseline / 1e6:.0f} MB",
            )
        )

        fill_folder(tmp / "data", "/small", SMALL_FOLDER)
        fill_folder(tmp / "data", "/big", items)
        assert dav.propfind("small") == SMALL_FOLDER + 1
        small_s = median_time(lambda: dav.propfind("small"), PROPFIND_RUNS)
        with RssWatch(app.pid) as listing:
            big_s = median_time(lambda: dav.propfind("big"), PROPFIND_RUNS)
        per_small, per_big = small_s / (SMALL_FOLDER + 1), big_s / (items + 1)
        figures.append(
            at_most(
                f"PROPFIND depth 1, {items} items vs {SMALL_FOLDER}: time per entry",
                per_big / per_small,
                1.5,
                f"{per_big * 1e6:.0f} µs vs {per_small * 1e6:.0f} µs an entry; "
                f"{big_s:.2f} s for {items}",
            )
        )
        figures.append(
            at_most(
                f"app RSS growth (MB) answering PROPFIND of {items} items",
                listing.growth_mb,
                100,
                f"base {listing.baseline / 1e6:.0f} MB",
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--put-gb", type=float, default=5.0)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args(argv)
    return report(run(args.size_gb, args.put_gb, args.items))


if __name__ == "__main__":
    raise SystemExit(main())
