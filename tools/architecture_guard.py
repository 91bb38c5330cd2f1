"""Guards `make lint` runs beside ruff, import-linter and mypy: module size and repeated code.

- No module under ``rdrive_app/`` is longer than ``--max-lines`` (400): a longer one holds more
  than one job and is split (ARCHITECTURE.md).
- ``duplicates`` (the development machines' repeated-code finder, on PATH there) finds at most
  ``--max-duplicates`` pairs in ``rdrive_app/``. Where the tool is not installed the check says
  so and passes: it is a reviewer's tool, not a dependency of the project.

Exits 1 naming every breach.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

_PAIRS = re.compile(r"^(\d+) pairs? of places")


def long_modules(root: Path, max_lines: int) -> list[tuple[Path, int]]:
    """Python modules under ``root`` with more than ``max_lines`` lines, longest first."""
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > max_lines:
            found.append((path, lines))
    return sorted(found, key=lambda pair: -pair[1])


def duplicate_report(root: Path) -> tuple[int, str] | None:
    """(pairs found, the tool's report) from ``duplicates``, or None when it is not installed."""
    tool = shutil.which("duplicates")
    if tool is None:
        return None
    out = subprocess.run(
        [tool, "--repo", str(root), "--most", "40", "--seconds", "120"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    first = out.splitlines()[0] if out else ""
    if first.startswith("no duplicates"):
        return 0, out
    match = _PAIRS.match(first)
    if match is None:
        raise SystemExit(f"architecture guard: cannot read the duplicates report: {first!r}")
    return int(match.group(1)), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("rdrive_app"))
    parser.add_argument("--max-lines", type=int, default=400)
    parser.add_argument("--max-duplicates", type=int, default=9)
    args = parser.parse_args(argv)
    failed = False
    for path, lines in long_modules(args.root, args.max_lines):
        print(f"{path}: {lines} lines (at most {args.max_lines}: split it by job)")
        failed = True
    report = duplicate_report(args.root)
    if report is None:
        print("architecture guard: `duplicates` is not installed here; repeated code not checked")
    elif report[0] > args.max_duplicates:
        print(report[1], end="")
        print(f"{report[0]} repeated-code pairs in {args.root} (at most {args.max_duplicates})")
        failed = True
    if not failed:
        print("architecture guard: module sizes and repeated code within limits")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
