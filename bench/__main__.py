"""`make bench`: every benchmark in turn, then one table of ratios against their goals.

Each figure is measured against a baseline taken in the same run on the same machine (see each
module's docstring). ``python -m bench upload zip`` runs only those. The thumbnails bench (the
media engineer's) runs in its own process and prints its own table; its exit code is shown.
Exit code: 0 when every goal is met.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure, print_figures

MODULES = (
    "upload",
    "range",
    "zip",
    "listing",
    "timeline",
    "search",
    "load",
    "transcode",
    "signin",
    "webdav",
)
OWN_TABLE = ("thumbnails",)  # benches that print their own table


def _available(name: str) -> bool:
    return (Path(__file__).parent / f"{name}.py").exists()


def main(argv: list[str]) -> int:
    chosen = argv or [*MODULES, *OWN_TABLE]
    figures: list[Figure] = []
    started = time.perf_counter()
    for name in chosen:
        if not _available(name):
            continue
        print(f"\n== bench.{name}", flush=True)
        t0 = time.perf_counter()
        if name in OWN_TABLE:
            code = subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode
            figures.append(
                Figure(f"{name}: its own table above (exit code)", code, "= 0", code == 0)
            )
        else:
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
