"""Sign-in throttling that makes guessing slow without letting a stranger lock the users out.

An attempt without a device token is counted three ways, each a sliding window of failures:

- per name + address (5 / 15 min by default): one guesser at one name;
- per address across names (10 / 15 min): one address spraying names gets 429 with Retry-After;
  IPv6 addresses count by their /64, the block one subscriber is usually given;
- per name, from everywhere (100 / hour): the ceiling on a distributed guess.

The per-name ceiling is what a stranger with many addresses can fill, so an attempt carrying a
genuine device token of that account (``auth/devices.py``: the user's own browser, which signed
in before) skips all three and is counted only per device (5 / 15 min). A success clears the
counter of its own name + address or device, never the per-address or per-name ones, so an
attacker cannot reset them with an account of their own. Only failures count: every one costs
a bcrypt check, and a held attempt is answered before any is made.

Kept in memory: rDrive runs one backend process (see README), and a restart only forgets the
counts, never lets more than the limits through per process.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from rdrive_app.core.errors import TooManyAttempts
from rdrive_app.core.settings import Settings

SWEEP_EVERY = 1024  # failures between sweeps of keys whose window has passed
IPV6_PREFIX = 64


class LoginThrottle:
    """Counts failures per key in a sliding window; ``check`` says how long a key must wait."""

    def __init__(
        self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max = max_failures
        self._window = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._since_sweep = 0

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self._window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def wait(self, *keys: str) -> float:
        """Seconds until every key is below the limit again (0: go ahead)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._prune(key, now)
                if len(times) >= self._max:
                    wait = max(wait, times[-self._max] + self._window - now)
        return wait

    def check(self, *keys: str) -> None:
        """Raise TooManyAttempts (with Retry-After seconds) when any key is held."""
        raise_if_held(self.wait(*keys))

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)
            self._since_sweep += 1
            if self._since_sweep >= SWEEP_EVERY:
                self._since_sweep = 0
                for key in list(self._failures):
                    self._prune(key, now)

    def reset(self, *keys: str) -> None:
        """Forget the failures of these keys (a success from that name + address or device)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)


def raise_if_held(wait: float) -> None:
    if wait > 0:
        raise TooManyAttempts(
            "too many failed sign-ins; try again later", retry_after=max(1, math.ceil(wait))
        )


def address_key(address: str) -> str:
    """What an address counts as: itself, or for IPv6 its /64 (one host has many)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in: the name tried (casefolded), the caller's address, and the device id of a
    genuine device token of that account (None: an untrusted device)."""

    name: str
    address: str
    device: str | None = None


class SignInGuard:
    """The four counters of the module docstring, and which of them an attempt meets."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        window = settings.login_window_s
        self.per_pair = LoginThrottle(settings.login_max_failures, window, clock)
        self.per_device = LoginThrottle(settings.login_max_failures, window, clock)
        self.per_address = LoginThrottle(settings.login_address_max_failures, window, clock)
        self.per_name = LoginThrottle(
            settings.login_name_max_failures, settings.login_name_window_s, clock
        )

    def _counters(self, attempt: Attempt) -> list[tuple[LoginThrottle, str]]:
        if attempt.device is not None:
            return [(self.per_device, attempt.device)]
        address = address_key(attempt.address)
        return [
            (self.per_pair, f"{attempt.name}\n{address}"),
            (self.per_address, address),
            (self.per_name, attempt.name),
        ]

    def check(self, attempt: Attempt) -> None:
        """TooManyAttempts, with the longest wait, when any counter of ``attempt`` is full."""
        raise_if_held(max(counter.wait(key) for counter, key in self._counters(attempt)))

    def failed(self, attempt: Attempt) -> None:
        for counter, key in self._counters(attempt):
            counter.record_failure(key)

    def succeeded(self, attempt: Attempt) -> None:
        counter, key = self._counters(attempt)[0]  # its own name + address, or its device
        counter.reset(key)
