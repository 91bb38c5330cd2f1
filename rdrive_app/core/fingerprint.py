"""The upload fingerprint: how an interrupted upload of the same file is recognised and resumed.

``name|size|mtime_ms``: what the browser (``File.name``, ``size``, ``lastModified``) and the
import client (``os.stat``) both know before reading a byte. The browser's script builds the same
string (``assets/rdrive_upload.js``: ``uploadFingerprint``); a test ties the two together.
"""

from __future__ import annotations

MAX_FINGERPRINT_CHARS = 600


def upload_fingerprint(name: str, size: int, mtime_ms: int) -> str:
    """The fingerprint of a file about to be uploaded (at most ``MAX_FINGERPRINT_CHARS``)."""
    return f"{name}|{size}|{mtime_ms}"[:MAX_FINGERPRINT_CHARS]
