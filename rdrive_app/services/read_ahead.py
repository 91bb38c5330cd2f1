"""A stream of chunks made one or two ahead in a thread of its own, so making the next chunk
(reading files, joining a block of a ZIP) overlaps sending this one.

A streaming response asks for a chunk, then sends it, then asks again: without this, reading
and sending take turns, and a ZIP of a folder of small photos spent a third of its time with
the disk idle while the socket drained. At most ``depth`` chunks wait (plus the one being
made and the one being sent), so memory stays flat; a consumer that stops early (the client
went away) is noticed within ``POLL_S`` and the source is closed.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Iterator

POLL_S = 0.5
_END = object()


class ReadAhead:
    """Iterates like ``source``; its chunks, and an error it raises, arrive in the same order.
    The thread starts at the first ``next``, so one never iterated costs nothing."""

    def __init__(self, source: Iterator[bytes], depth: int = 2) -> None:
        self._source: Iterator[bytes] | None = source
        self._queue: queue.Queue[object] = queue.Queue(depth)
        self._stop = threading.Event()
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._source is not None:
            source, self._source = self._source, None
            args = (source, self._queue, self._stop)
            threading.Thread(target=_produce, args=args, daemon=True, name="read-ahead").start()
            weakref.finalize(self, self._stop.set)  # the thread holds no reference to self
        if self._done:
            raise StopIteration
        got = self._queue.get()
        if got is _END:
            self._done = True
            raise StopIteration
        if isinstance(got, BaseException):
            self._done = True
            raise got
        assert isinstance(got, bytes)
        return got

    def close(self) -> None:
        """Stop early: the thread ends and closes the source."""
        self._stop.set()
        self._done = True


def _produce(source: Iterator[bytes], out: queue.Queue[object], stop: threading.Event) -> None:
    try:
        for chunk in source:
            if not _put(out, chunk, stop):
                return
        _put(out, _END, stop)
    except BaseException as exc:  # handed to the consumer, raised there
        _put(out, exc, stop)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def _put(out: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Wait for room; False once the consumer has stopped."""
    while not stop.is_set():
        try:
            out.put(item, timeout=POLL_S)
            return True
        except queue.Full:
            continue
    return False
