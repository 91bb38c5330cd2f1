"""Serving from the local store's signed file route: Range requests and whole-file speed.

Run: ``python -m bench.range`` (part of ``make bench``). Option: ``--size-gb`` (default 1).

* time to first byte of ``Range: bytes=S-`` at 90 % of the file against the same at byte 0
  (goal <= 2x: the route seeks, it never reads from the start), median of 15 each;
* a whole-file GET through the route, read by ``curl -o /dev/null``, against
  ``cat FILE | cat > /dev/null`` (the same bytes handed from one process to another through the
  kernel), goal >= 0.5x. curl reads, not httpx: httpx's pure-Python client reads about 3x
  slower than the route sends.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

import httpx

from bench.common import (
    GIB,
    App,
    Figure,
    at_least,
    at_most,
    make_video,
    report,
    scratch,
)
from rdrive_app.core.settings import load_settings
from rdrive_app.storage import build_storage

RUNS = 15


def first_byte_s(url: str, start: int) -> float:
    t0 = time.perf_counter()
    with httpx.stream("GET", url, headers={"Range": f"bytes={start}-"}, timeout=60) as resp:
        assert resp.status_code == 206, resp.status_code
        next(resp.iter_raw(65536))
        return time.perf_counter() - t0


def curl_s(url: str, headers: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds for curl to read ``url`` to the end, and how many bytes it got."""
    args = ["curl", "-sS", "--fail", "-o", "/dev/null", "-w", "%{size_download}", url]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, int(out)


def cat_s(paths: list[Path]) -> float:
    """Seconds for ``cat`` to hand the files to another process through a pipe."""
    t0 = time.perf_counter()
    first = subprocess.Popen(["cat", *map(str, paths)], stdout=subprocess.PIPE)
    subprocess.run(["cat"], stdin=first.stdout, stdout=subprocess.DEVNULL, check=True)
    assert first.stdout is not None
    first.stdout.close()
    first.wait()
    return time.perf_counter() - t0


def signed_url(app: App, key: str) -> str:
    """A signed GET URL as the app would make it (same key, same secret)."""
    import os

    saved = dict(os.environ)
    os.environ.update({k: v for k, v in app.env.items() if k.startswith("RDRIVE_")})
    try:
        blobs = build_storage(load_settings()).blobs
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return blobs.signed_get_url(key, expires_in=3600, content_type="video/mp4")


def run(size_gb: float = 1.0) -> list[Figure]:
    with scratch("range") as tmp:
        size = int(size_gb * GIB)
        blob_dir = tmp / "data" / "blobs" / "objects" / "originals"
        blob_dir.mkdir(parents=True)
        path = make_video(blob_dir / "bench", size)
        with App(tmp / "data") as app:
            url = signed_url(app, "originals/bench")
            first_byte_s(url, 0)  # warm up: connection, page cache
            at_start = statistics.median(first_byte_s(url, 0) for _ in range(RUNS))
            at_90 = statistics.median(first_byte_s(url, int(size * 0.9)) for _ in range(RUNS))
            cat_s([path])
            whole_s, total = curl_s(url)
            assert total == size
            baseline_s = cat_s([path])
    return [
        at_most(
            "Range TTFB at 90% vs at byte 0, local",
            at_90 / at_start,
            2,
            f"{at_start * 1000:.1f} ms vs {at_90 * 1000:.1f} ms",
        ),
        at_least(
            f"GET {size_gb:g} GiB via file route (curl) vs cat|cat",
            baseline_s / whole_s,
            0.5,
            f"cat {size / 1e9 / baseline_s:.2f} GB/s, route {size / 1e9 / whole_s:.2f} GB/s",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-gb", type=float, default=1.0)
    args = parser.parse_args(argv)
    figures = run(args.size_gb)
    return report(figures)


if __name__ == "__main__":
    raise SystemExit(main())
