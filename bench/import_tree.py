"""`rdrive import` of a 1 GiB tree against ``cp -r`` followed by ``sync``, in the same run.

Run: ``python -m bench.import_tree`` (part of ``make bench``). Options: ``--size-mb N``,
``--files N``.

The tree is four folders of videos (the sample's ``ftyp`` box and filler, so they pass the
importer's sniffing) on the same disk as the library. ``rdrive import`` runs as a person runs
it, in its own process, into a fresh local library, with processing left to the app
(``RDRIVE_PROCESSING=events``: thumbnails are the thumbnail bench's), and it is durable when it
returns, as ``cp -r`` is after ``sync``. Each contender keeps its best of three runs, each into
a fresh target with the page cache warm for both. Goal: import >= 0.5x ``cp -r`` + ``sync``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    MIB,
    Figure,
    add_bench_user,
    app_env,
    at_least,
    free_port,
    make_video,
    report,
    scratch,
)

ROUNDS = 3
FOLDERS = 4


def make_tree(root: Path, files: int, size_mb: int) -> int:
    total = 0
    for n in range(files):
        folder = root / f"Trip {n % FOLDERS + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        make_video(folder / f"VID_{n:04d}.mp4", size_mb * MIB)
        total += size_mb * MIB
    return total


def cp_sync_s(src: Path, dst: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(["cp", "-r", str(src), str(dst)], check=True)
    subprocess.run(["sync"], check=True)
    return time.perf_counter() - t0


def import_s(src: Path, data_dir: Path) -> float:
    env = app_env(data_dir, free_port(), RDRIVE_PROCESSING="events")
    add_bench_user(env)
    subprocess.run(["sync"], check=True)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "rdrive_app", "import", str(src)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"rdrive import failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def run(files: int = 64, size_mb: int = 16) -> list[Figure]:
    with scratch("import") as tmp:
        src = tmp / "Photos"
        total = make_tree(src, files, size_mb)
        cp_sync_s(src, tmp / "warm")  # the page cache warm for both
        shutil.rmtree(tmp / "warm")
        cps, imports = [], []
        for n in range(ROUNDS):
            cps.append(cp_sync_s(src, tmp / f"copy{n}"))
            shutil.rmtree(tmp / f"copy{n}")
            imports.append(import_s(src, tmp / f"data{n}"))
            shutil.rmtree(tmp / f"data{n}")
    cp, imp = min(cps), min(imports)
    gb = total / 1e9
    return [
        at_least(
            f"rdrive import of {total / 2**30:.0f} GiB ({files} files) vs cp -r + sync",
            cp / imp,
            0.5,
            f"cp+sync {gb / cp:.2f} GB/s ({cp:.1f} s), import {gb / imp:.2f} GB/s ({imp:.1f} s)",
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=64)
    parser.add_argument("--size-mb", type=int, default=16)
    args = parser.parse_args(argv)
    return report(run(args.files, args.size_mb))


if __name__ == "__main__":
    raise SystemExit(main())
