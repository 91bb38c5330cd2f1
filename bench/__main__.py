"""`make bench`: every benchmark in turn, then one table of ratios against their goals.

Each figure is measured against a baseline taken in the same run on the same machine (see each
module's docstring). ``python -m bench upload zip`` runs only those; ``python -m bench.NAME``
runs one with its options. Exit code: 0 when every goal is met, 1 when one is missed (each
bench's own ``main`` returns the same for its figures).
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from bench.common import Figure, print_figures

MODULES = (
    "first_paint",
    "upload",
    "import_tree",
    "range",
    "zip",
    "listing",
    "timeline",
    "search",
    "load",
    "transcode",
    "signin",
    "webdav",
    "thumbnails",
    "viewer_step",
)


def _available(name: str) -> bool:
    return (Path(__file__).parent / f"{name}.py").exists()


def main(argv: list[str]) -> int:
    chosen = argv or list(MODULES)
    figures: list[Figure] = []
    started = time.perf_counter()
    for name in chosen:
        if not _available(name):
            continue
        print(f"\n== bench.{name}", flush=True)
        t0 = time.perf_counter()
        found = importlib.import_module(f"bench.{name}").run()
        print_figures(found)
        figures += found
        print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"\n== summary ({time.perf_counter() - started:.0f} s)")
    print_figures(figures)
    missed = [f for f in figures if not f.ok]
    print(f"{len(figures) - len(missed)} of {len(figures)} goals met")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
