"""`make export`: the Reflex static export of the site, with the backend URL baked in.

``python -m infra.export [--app-dir DIR]`` runs ``reflex export --frontend-only --no-zip`` in
DIR (the repository root by default) with ``REFLEX_API_URL`` from the environment, and prints
the directory that holds the site (``DIR/.web/build/client``). The deploy script calls the same
function, and the tests run it on a copy of the app so they never touch the working tree's .web.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SITE_SUBDIR = Path(".web/build/client")


def export_command() -> list[str]:
    """The export command (reflex from the same environment as this interpreter)."""
    return [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]


def export_site(app_dir: Path, env: dict[str, str] | None = None) -> Path:
    """Export the site of the app in ``app_dir``; returns the static site's directory."""
    env = dict(os.environ if env is None else env)
    if not env.get("REFLEX_API_URL"):
        raise SystemExit("REFLEX_API_URL must be set (the site's https:// origin)")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env.setdefault("RDRIVE_SITE_URL", env["REFLEX_API_URL"])
    subprocess.run(export_command(), cwd=app_dir, env=env, check=True)
    site = app_dir / SITE_SUBDIR
    if not (site / "index.html").is_file() or not (site / "404.html").is_file():
        raise SystemExit(f"the export left no index.html/404.html in {site}")
    return site


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", type=Path, default=REPO_ROOT)
    args = parser.parse_args(argv)
    print(export_site(args.app_dir.resolve()))


if __name__ == "__main__":
    main()
