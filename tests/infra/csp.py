"""Content Security Policy source matching, as browsers do it (CSP Level 3, W3C draft).

A small, literal transcription of the spec's algorithms, so tests can ask "would the browser
load this URL under this policy?" instead of looking for strings in the header:

- §2.2.1 parse a serialized policy (first occurrence of a directive wins, names are
  case-insensitive);
- §6.8.3 the fallback list (img-src, media-src and connect-src fall back to default-src);
- §6.7.2.5 does url match source list; §6.7.2.8 does url match expression (redirect count 0);
- §6.7.2.9–12 scheme-part, host-part, port-part and path-part matching.

Nonces, hashes and 'unsafe-*' keywords decide inline script and style, never a URL, so they
match nothing here. Like the spec (and unlike Chromium's extra rule for exact IP literals), a
host-source never matches a host that is an IP address.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
HTTP_SCHEMES = {"http", "https"}  # the spec's "HTTP(S) scheme"

_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
SCHEME_SOURCE = re.compile(rf"^({_SCHEME}):$")
# host-source = [ scheme-part "://" ] host-part [ ":" port-part ] [ path-part ]
HOST_SOURCE = re.compile(
    rf"^(?:(?P<scheme>{_SCHEME})://)?"
    r"(?P<host>\*|(?:\*\.)?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.?)"
    r"(?::(?P<port>[0-9]+|\*))?"
    r"(?P<path>/[^;,\s]*)?$"
)

# §6.8.3 "Get the effective directive" + fallback lists, for the directives URLs go through.
FALLBACKS = {
    "img-src": ("img-src", "default-src"),
    "media-src": ("media-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "font-src": ("font-src", "default-src"),
    "script-src": ("script-src-elem", "script-src", "default-src"),
    "style-src": ("style-src-elem", "style-src", "default-src"),
    "worker-src": ("worker-src", "child-src", "script-src", "default-src"),
    "manifest-src": ("manifest-src", "default-src"),
}


class Url:
    """The parts of a URL that matching reads, normalised as the URL standard does."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.scheme = parts.scheme.lower()
        self.host = parts.hostname  # lowercased; None for data:, blob: ...
        port = parts.port
        self.port = None if port == DEFAULT_PORTS.get(self.scheme) else port
        self.path = parts.path if self.host is not None else ""

    def origin(self) -> tuple[str, str | None, int | None]:
        return self.scheme, self.host, self.port


def parse_policy(policy: str) -> dict[str, list[str]]:
    """Directive name → source list (§2.2.1); a repeated directive is ignored."""
    directives: dict[str, list[str]] = {}
    for token in policy.split(";"):
        words = token.strip().split()
        if not words:
            continue
        name = words[0].lower()
        if name not in directives:
            directives[name] = words[1:]
    return directives


def scheme_part_matches(a: str, b: str) -> bool:
    """§6.7.2.9: could an expression with scheme ``a`` match a URL of scheme ``b``?"""
    a, b = a.lower(), b.lower()
    return (
        a == b
        or (a == "http" and b == "https")
        or (a == "ws" and b in ("wss", "http", "https"))
        or (a == "wss" and b == "https")
    )


def _is_domain(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False


def host_part_matches(pattern: str, host: str) -> bool:
    """§6.7.2.10."""
    if not _is_domain(host):
        return False
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.lower().endswith(pattern[1:].lower())
    return pattern.lower() == host.lower()


def port_part_matches(port: str | None, url: Url) -> bool:
    """§6.7.2.11 (``port`` None: the expression names no port)."""
    if port == "*":
        return True
    wanted = int(port) if port else None
    if wanted == url.port:
        return True
    return url.port is None and wanted == DEFAULT_PORTS.get(url.scheme)


def path_part_matches(path_a: str, path_b: str) -> bool:
    """§6.7.2.12."""
    if not path_a or (path_a == "/" and not path_b):
        return True
    exact = not path_a.endswith("/")
    list_a, list_b = path_a.split("/"), path_b.split("/")
    if len(list_a) > len(list_b) or (exact and len(list_a) != len(list_b)):
        return False
    if not exact:
        list_a = list_a[:-1]
    return all(unquote(a) == unquote(b) for a, b in zip(list_a, list_b, strict=False))


def url_matches_expression(url: str, expression: str, self_origin: str) -> bool:
    """§6.7.2.8 "Does url match expression in origin with redirect count" (count 0)."""
    target, origin = Url(url), Url(self_origin)
    if expression == "*":
        return target.scheme in HTTP_SCHEMES or target.scheme == origin.scheme
    scheme_only = SCHEME_SOURCE.match(expression)
    host_source = None if scheme_only else HOST_SOURCE.match(expression)
    if scheme_only:
        return scheme_part_matches(scheme_only.group(1), target.scheme)
    if host_source:
        scheme = host_source.group("scheme")
        if scheme and not scheme_part_matches(scheme, target.scheme):
            return False
        if target.host is None:
            return False
        if not scheme and not scheme_part_matches(origin.scheme, target.scheme):
            return False
        if not host_part_matches(host_source.group("host"), target.host):
            return False
        if not port_part_matches(host_source.group("port"), target):
            return False
        path = host_source.group("path")
        return not path or path_part_matches(path, target.path)
    if expression.lower() == "'self'":
        if origin.origin() == target.origin():
            return True
        return (
            origin.host == target.host
            and (origin.port == target.port)
            and (
                target.scheme in ("https", "wss")
                or (origin.scheme == "http" and target.scheme in ("http", "ws"))
            )
        )
    return False


def url_matches_source_list(url: str, sources: list[str], self_origin: str) -> bool:
    """§6.7.2.5."""
    if not sources or (len(sources) == 1 and sources[0].lower() == "'none'"):
        return False
    return any(url_matches_expression(url, e, self_origin) for e in sources)


def governing_directive(policy: dict[str, list[str]], directive: str) -> str | None:
    """The directive that decides a request of this kind (its own, else its fallback), or
    None when the policy has neither (then it does not restrict such requests)."""
    for name in FALLBACKS.get(directive, (directive,)):
        if name in policy:
            return name
    return None


def allows(policy: str, directive: str, url: str, self_origin: str) -> bool:
    """Whether a browser under ``policy`` (served from ``self_origin``) loads ``url`` through
    ``directive`` (e.g. "img-src" for an <img>)."""
    parsed = parse_policy(policy)
    name = governing_directive(parsed, directive)
    return name is None or url_matches_source_list(url, parsed[name], self_origin)
