"""The address a request comes from, for the sign-in throttle: one rule for the API and the UI.

Without a trusted proxy it is the peer address of the connection, and no header counts: any
client can send any header. Behind CloudFront (``RDRIVE_TRUSTED_PROXY=cloudfront``, which the
stack sets and the Dockerfile does not) every peer is one of CloudFront's addresses, so the
address is the ``CloudFront-Viewer-Address`` header that the distribution's origin request
policy adds (CloudFront sets it itself; a viewer cannot choose its value). Its form is
``IP:port``, with an IPv6 address unbracketed (``2001:db8::1:443``); a bracketed form is
accepted too. ``X-Forwarded-For`` and the like are never read: a client can write them.
A missing or malformed header falls back to the peer address, and says so in the log.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable

from rdrive_app.core.settings import TrustedProxy

VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"
UNKNOWN = "unknown"
_MAX_HEADER_CHARS = 64  # "[" + 45 (longest IPv6 text) + "]:" + 5

log = logging.getLogger(__name__)


def _canonical(ip: str) -> str | None:
    """``ip`` in canonical text (an IPv4-mapped IPv6 address as IPv4), or None if not an IP."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


def parse_viewer_address(value: str) -> str | None:
    """The IP of a ``CloudFront-Viewer-Address`` value (``IP:port``), or None if malformed."""
    value = value.strip()
    if not value or len(value) > _MAX_HEADER_CHARS:
        return None
    if value.startswith("["):
        host, sep, port = value[1:].partition("]:")
    else:
        host, sep, port = value.rpartition(":")
    if not sep or not port.isascii() or not port.isdigit() or int(port) > 65535:
        return None
    if "%" in host:  # a zone id names an interface of the viewer's host, not an address
        return None
    return _canonical(host)


def client_address(
    peer: str | None, headers: Iterable[tuple[str, str]], proxy: TrustedProxy
) -> str:
    """The caller's address: the peer's, or behind a trusted proxy the one it reports.

    ``headers`` are the request's (name, value) pairs, repeated names repeated (Starlette's
    ``request.headers.items()``, Reflex's ``router.headers.raw_headers.items()``).
    """
    peer_address = (_canonical(peer) or peer) if peer else UNKNOWN
    if proxy is TrustedProxy.NONE:
        return peer_address
    values = [value for name, value in headers if name.lower() == VIEWER_ADDRESS_HEADER]
    if len(values) != 1:
        log.warning(
            "%d %s headers behind %s; counting the peer address %s",
            len(values),
            VIEWER_ADDRESS_HEADER,
            proxy.value,
            peer_address,
        )
        return peer_address
    address = parse_viewer_address(values[0])
    if address is None:
        log.warning(
            "malformed %s header %r; counting the peer address %s",
            VIEWER_ADDRESS_HEADER,
            values[0][:_MAX_HEADER_CHARS],
            peer_address,
        )
        return peer_address
    return address
