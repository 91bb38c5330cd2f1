"""The files operating systems and file managers write beside a user's own: Finder's
``.DS_Store`` and AppleDouble ``._name`` halves, Windows' ``Thumbs.db`` and ``desktop.ini``.

A client that copies a folder writes them and aborts if one is refused, so they are accepted
and kept (a file client lists them again); the web page never shows them.
"""

from __future__ import annotations

HOUSEKEEPING_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"})
APPLE_DOUBLE_PREFIX = "._"


def is_housekeeping(name: str) -> bool:
    """True for a name only a client's own bookkeeping uses (case-insensitive)."""
    return name.lower() in HOUSEKEEPING_NAMES or name.startswith(APPLE_DOUBLE_PREFIX)
