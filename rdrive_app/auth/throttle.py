"""Sign-in throttling: after N failures for one name or one address within a window, wait.

Kept in memory: rDrive runs one backend process (see README), and a restart only forgets the
count, never lets more than N guesses a window through per process.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from rdrive_app.core.errors import TooManyAttempts


class LoginThrottle:
    """Counts failed sign-ins per key ("name:alice", "addr:1.2.3.4") in a sliding window."""

    def __init__(
        self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max = max_failures
        self._window = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self._window:
            times.popleft()
        if not times:
            del self._failures[key]
            return deque()
        return times

    def check(self, *keys: str) -> None:
        """Raise TooManyAttempts (with Retry-After seconds) when any key is locked out."""
        now = self._clock()
        with self._lock:
            wait = 0.0
            for key in keys:
                times = self._prune(key, now)
                if len(times) >= self._max:
                    wait = max(wait, times[0] + self._window - now)
        if wait > 0:
            raise TooManyAttempts(
                "too many failed sign-ins; try again later", retry_after=max(1, math.ceil(wait))
            )

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def reset(self, *keys: str) -> None:
        """Forget the failures of a name after it signs in successfully."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
