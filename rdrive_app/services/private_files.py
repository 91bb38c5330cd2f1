"""Files the app writes are its owner's only: they hold session tokens, the JWT key, the
catalog and the users' photos.

Reflex keeps each browser session's state (with its token) in files under its state directory,
and Python, SQLite and Reflex create files 0666 and directories 0777 minus the umask: under the
usual umask 022 anyone on the machine could read them. So every process that builds the
services (app, API, CLI, Lambda) sets the umask to 077, and the directories that hold secrets
are made 0700 at start, with the files an older version left 0644 in them tightened too (a file
that is rewritten keeps its mode).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """From now on this process creates files 0600 and directories 0700."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Make ``path`` (created if missing) and the files directly in it owner-only.

    Only the top level is walked: a 0700 directory already keeps out everyone else, and the
    blob tree below a data directory can hold many thousands of files.
    """
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    for entry in path.iterdir():
        if entry.is_file() and not entry.is_symlink():
            entry.chmod(0o600)
    return path
