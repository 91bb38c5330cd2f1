"""Which files the library holds already, by sha256, so an import can skip them unsent."""

from __future__ import annotations

from rdrive_app.core.errors import InvalidInput
from rdrive_app.services.uploads.base import UploadBase

MAX_EXISTS_QUERY = 1000
_SHA256_HEX = frozenset("0123456789abcdef")


class ExistingLookup(UploadBase):
    """Answers "is this file here already?" for a batch of hashes."""

    def existing_sha256(self, hashes: object) -> list[str]:
        """Which of these sha256 (hex) are already in the library, so an import can skip them."""
        if not isinstance(hashes, list) or len(hashes) > MAX_EXISTS_QUERY:
            raise InvalidInput(f"send a list of at most {MAX_EXISTS_QUERY} sha256 values")
        wanted: dict[str, None] = {}
        for h in hashes:
            if not isinstance(h, str) or len(h) != 64 or not set(h.lower()) <= _SHA256_HEX:
                raise InvalidInput("a sha256 is 64 hexadecimal characters")
            wanted[h.lower()] = None
        return [h for h in wanted if self._catalog.find_by_sha256(h)]
