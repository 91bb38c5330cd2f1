"""HMAC-signed, expiring URLs for the local blob store.

The local store plays the part S3 presigned URLs play on AWS: whoever holds a URL may do exactly
the one operation it names, on exactly one key, until it expires. Everything the server will act
on (operation, key, expiry, content type, download name, upload id, part number) is inside the
signature, so changing any of it invalidates the URL. What a verified URL allows
(``SignedRequest``) is declared with the capability in storage/protocols.py.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from rdrive_app.storage.protocols import InvalidSignature, Operation, SignedRequest

OPERATIONS: tuple[Operation, ...] = ("get", "put", "part")
MAX_PART_NUMBER = 10_000


def _canonical(req: SignedRequest) -> bytes:
    # One field per line; a newline cannot occur in a key, an upload id or a number, and the
    # values that may hold arbitrary text are length-prefixed so fields cannot be shifted.
    fields = [
        req.op,
        req.key,
        str(req.expires),
        req.content_type or "",
        req.download_name or "",
        req.upload_id or "",
        "" if req.part_number is None else str(req.part_number),
    ]
    return "\n".join(f"{len(f)}:{f}" for f in fields).encode("utf-8")


def _signature(secret: bytes, req: SignedRequest) -> str:
    return hmac.new(secret, _canonical(req), hashlib.sha256).hexdigest()


def sign_url(secret: bytes, base_url: str, req: SignedRequest) -> str:
    """The URL ``{base_url}/api/files/{key}?op=...&exp=...&sig=...`` for ``req``."""
    params: dict[str, str] = {"op": req.op, "exp": str(req.expires)}
    if req.content_type is not None:
        params["ct"] = req.content_type
    if req.download_name is not None:
        params["dn"] = req.download_name
    if req.upload_id is not None:
        params["upload_id"] = req.upload_id
    if req.part_number is not None:
        params["part"] = str(req.part_number)
    params["sig"] = _signature(secret, req)
    return f"{base_url.rstrip('/')}/api/files/{quote(req.key, safe='/')}?{urlencode(params)}"


def expiry(expires_in: int, now: float | None = None) -> int:
    """The unix time ``expires_in`` seconds from now."""
    if expires_in <= 0:
        raise ValueError("expires_in must be positive")
    return int(now if now is not None else time.time()) + int(expires_in)


def verify(
    secret: bytes,
    key: str,
    params: Mapping[str, str],
    *,
    allowed_ops: tuple[Operation, ...],
    now: float | None = None,
) -> SignedRequest:
    """Check a request's query parameters against its path's key; return what it may do.

    Raises InvalidSignature for a missing, expired or forged signature, for another key, or for
    an operation outside ``allowed_ops`` (a GET URL cannot be used to PUT).
    """
    op = params.get("op", "")
    if op not in OPERATIONS:
        raise InvalidSignature("unknown operation")
    if op not in allowed_ops:
        raise InvalidSignature("this URL does not allow this method")
    try:
        expires = int(params.get("exp", ""))
        part = params.get("part")
        part_number = int(part) if part is not None else None
    except ValueError:
        raise InvalidSignature("malformed signed URL") from None
    req = SignedRequest(
        op=op,  # checked against OPERATIONS above
        key=key,
        expires=expires,
        content_type=params.get("ct"),
        download_name=params.get("dn"),
        upload_id=params.get("upload_id"),
        part_number=part_number,
    )
    given = params.get("sig", "")
    if not hmac.compare_digest(given.encode("ascii", "replace"), _signature(secret, req).encode()):
        raise InvalidSignature("bad signature")
    if expires < (now if now is not None else time.time()):
        raise InvalidSignature("this URL has expired")
    if op == "part" and (req.upload_id is None or part_number is None):
        raise InvalidSignature("malformed signed URL")
    return req
