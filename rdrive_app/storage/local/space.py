"""How much the local library holds and how much more fits (``MeasuresSpace``): the catalog's
sum of item sizes, and the free space of the disk the blobs are on, for WebDAV's quota
properties (RFC 4331: the free space Finder and Explorer show for a mounted drive)."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdrive_app.storage.local.catalog import SQLiteCatalog


class LocalSpace:
    def __init__(self, catalog: SQLiteCatalog, blobs_root: Path) -> None:
        self._catalog, self._root = catalog, blobs_root

    def space(self) -> tuple[int, int]:
        return self._catalog.bytes_used(), shutil.disk_usage(self._root).free
