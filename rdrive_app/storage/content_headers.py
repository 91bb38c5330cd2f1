"""Which Content-Type and Content-Disposition a served blob gets; one policy for both stores.

A browser runs HTML and SVG it is shown inline, so anything that is not a plain image or video is
served as an opaque download. Download names may be any UTF-8 text: they go out as an ASCII
fallback plus the RFC 5987 ``filename*`` form, which every current browser prefers.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

OCTET_STREAM = "application/octet-stream"
_SCRIPTABLE_MARKERS = ("svg", "xml", "html", "javascript", "ecmascript")


def media_type(content_type: str | None) -> str:
    """The bare lower-case media type ('image/jpeg; q=1' → 'image/jpeg')."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_inline_safe(content_type: str | None) -> bool:
    """True for image/* and video/* types a browser only displays (never SVG or HTML)."""
    mt = media_type(content_type)
    if not mt.startswith(("image/", "video/")):
        return False
    return not any(marker in mt for marker in _SCRIPTABLE_MARKERS)


def ascii_fallback(name: str) -> str:
    """An ASCII stand-in for ``name``: accents dropped, other characters replaced by '_'."""
    decomposed = unicodedata.normalize("NFKD", name)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isprintable() and ch not in '"\\':
            out.append(ch)
        else:
            out.append("_")
    return "".join(out).strip() or "download"


def content_disposition(kind: str, filename: str) -> str:
    """``attachment; filename="..."; filename*=UTF-8''...`` (or ``inline; ...``)."""
    fallback = ascii_fallback(filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def serving_headers(
    content_type: str | None, download_name: str | None, fallback_name: str
) -> tuple[str, str]:
    """(Content-Type, Content-Disposition) to serve a blob with.

    ``download_name`` forces an attachment with that name; types that are not inline-safe become
    ``application/octet-stream`` attachments named ``fallback_name``.
    """
    safe = is_inline_safe(content_type)
    served_type = media_type(content_type) if safe else OCTET_STREAM
    if download_name:
        return served_type, content_disposition("attachment", download_name)
    if not safe:
        return served_type, content_disposition("attachment", fallback_name)
    return served_type, "inline"
