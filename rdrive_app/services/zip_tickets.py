"""Short-lived ZIP download links for the browser, which never holds the session token.

A ticket is a random 256-bit id naming one fixed list of items for a few minutes, like a signed
file URL names one object: the browser can start a plain GET download with it, and it is worth
nothing after it expires. Tickets live in this process's memory (rDrive runs one backend).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rdrive_app.core.errors import NotFound

TICKET_TTL_S = 300
MAX_TICKETS = 1000


@dataclass(frozen=True)
class ZipRequest:
    """Chosen items, one folder or one album."""

    ids: list[str] | None = None
    folder: str | None = None
    album: str | None = None


class ZipTickets:
    """Issues and redeems ZIP tickets."""

    def __init__(
        self, api_url: str, ttl_s: float = TICKET_TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self._ttl = ttl_s
        self._clock = clock
        self._tickets: dict[str, tuple[float, ZipRequest]] = {}
        self._lock = threading.Lock()

    def issue(self, ids: list[str]) -> str:
        """The URL of a ZIP of ``ids`` (validated when it is redeemed)."""
        return self._issue(ZipRequest(ids=list(ids)))

    def issue_folder(self, path: str) -> str:
        """The URL of a ZIP of a folder and its subfolders."""
        return self._issue(ZipRequest(folder=path))

    def issue_album(self, album_id: str) -> str:
        """The URL of a ZIP of the items an album shows."""
        return self._issue(ZipRequest(album=album_id))

    def _issue(self, request: ZipRequest) -> str:
        ticket = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._tickets = {t: v for t, v in self._tickets.items() if v[0] > now}
            if len(self._tickets) >= MAX_TICKETS:
                oldest = min(self._tickets, key=lambda t: self._tickets[t][0])
                del self._tickets[oldest]
            self._tickets[ticket] = (now + self._ttl, request)
        return f"{self._api_url}/api/zip/{ticket}"

    def redeem(self, ticket: str) -> ZipRequest:
        """What a live ticket names; NotFound for an unknown or expired one."""
        with self._lock:
            entry = self._tickets.get(ticket)
        if entry is None or entry[0] <= self._clock():
            raise NotFound("this download link has expired; choose the files again")
        return entry[1]
