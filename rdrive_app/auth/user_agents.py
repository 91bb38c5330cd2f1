"""A device's name for the sessions list ("Chrome on Linux"), from its User-Agent header.

ua-parser (the uap-core rules, kept current by their maintainers) reads the header: a
hand-written matcher would misname the next browser release. The header is the client's
word, so the name is only a hint to the person reading the list, never a check.
"""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

MAX_HEADER_CHARS = 512  # longer headers are cut before parsing (the rules are regexes)
MAX_NAME_CHARS = 80
UNKNOWN = "Unknown device"


@lru_cache(maxsize=256)
def device_name(user_agent: str | None) -> str:
    """ "Browser on OS", "Browser", or the header's first word ("rclone"), else UNKNOWN."""
    header = (user_agent or "")[:MAX_HEADER_CHARS]
    found = parse(header)
    agent = found.user_agent.family if found.user_agent else ""
    system = found.os.family if found.os else ""
    if agent and agent != "Other":
        name = f"{agent} on {system}" if system and system != "Other" else agent
    else:
        first = header.split("/", 1)[0].strip()
        name = first if first.isprintable() and first else UNKNOWN
    return name[:MAX_NAME_CHARS]
