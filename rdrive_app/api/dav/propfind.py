"""PROPFIND of a folder's members (``Depth: 1``) written one entry at a time.

WsgiDAV builds the whole multistatus as one XML tree and one bytes object (some 10 KB an entry:
100 MB for a 10 000-photo folder) before it sends a byte. Here each ``<response>`` is built with
WsgiDAV's own property code (``get_properties``, ``add_property_response``), serialized with its
own namespace declarations, and appended to a spool (memory, then disk), so the memory used is
one entry's, and the answer still has a Content-Length (some clients want one). Everything else
(``Depth: 0`` or ``infinity``, a file) is WsgiDAV's own ``do_PROPFIND``.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree import ElementTree as ET

from wsgidav import util, xml_tools
from wsgidav.dav_error import HTTP_BAD_REQUEST, DAVError

SPOOL_IN_MEMORY = 4 * 1024 * 1024
HEAD = b'<?xml version="1.0" encoding="utf-8" ?>\n<D:multistatus xmlns:D="DAV:">'
TAIL = b"</D:multistatus>"
READ = 1024 * 1024

Handler = Callable[[dict[str, Any], Any], Any]


def propfind_members(
    provider: Any, environ: dict[str, Any], start_response: Any, default: Handler
) -> Any:
    """Answer a ``Depth: 1`` PROPFIND of a collection entry by entry; anything else: ``default``."""
    if environ.get("HTTP_DEPTH") != "1":
        return default(environ, start_response)
    res = provider.get_resource_inst(environ["PATH_INFO"], environ)
    if res is None or not res.is_collection:  # (rDrive's one collection is FolderCollection)
        return default(environ, start_response)
    server = default.__self__  # type: ignore[attr-defined]  # WsgiDAV's RequestServer
    server._evaluate_if_headers(res, environ)
    request = util.parse_xml_body(environ, allow_empty=True)
    asked = _what_is_asked(request)
    if asked is None:  # what WsgiDAV refuses too
        raise DAVError(HTTP_BAD_REQUEST)
    mode, names = asked
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    spool.write(HEAD)
    for member in itertools.chain([res], res.iter_members()):
        props = member.get_properties(mode, name_list=names if mode == "named" else None)
        holder = xml_tools.make_multistatus_el()
        util.add_property_response(holder, member.get_href(), props)
        spool.write(ET.tostring(holder[0], encoding="utf-8", xml_declaration=False))
    spool.write(TAIL)
    size = spool.tell()
    spool.seek(0)
    start_response(
        "207 Multi-Status",
        [
            ("Content-Type", "application/xml; charset=utf-8"),
            ("Date", util.get_rfc1123_time()),
            ("Content-Length", str(size)),
        ],
    )
    return _chunks(spool)


def _what_is_asked(request: Any) -> tuple[str, list[str]] | None:
    """(mode, property names) as WsgiDAV reads a propfind body, or None for one it refuses."""
    if request is None:
        return "allprop", []
    if request.tag != "{DAV:}propfind":
        return None
    mode, names = None, []
    for node in request:
        wanted = {"{DAV:}allprop": "allprop", "{DAV:}name": "name", "{DAV:}prop": "named"}
        if node.tag not in wanted:
            continue
        if mode is not None and not (mode == "named" == wanted[node.tag]):
            return None  # allprop, name and prop are mutually exclusive
        mode = wanted[node.tag]
        names += [child.tag for child in node] if mode == "named" else []
    return (mode or "named"), names


def _chunks(spool: tempfile.SpooledTemporaryFile[bytes]) -> Iterator[bytes]:
    try:
        while block := spool.read(READ):
            yield block
    finally:
        spool.close()
