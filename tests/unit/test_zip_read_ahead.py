"""ReadAhead (services/read_ahead.py): the ZIP's chunks made in a thread one or two ahead
arrive all and in order, an error arrives where it happened, and a consumer that stops early
lets the thread end and the source close."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from rdrive_app.services import read_ahead
from rdrive_app.services.read_ahead import ReadAhead


def test_chunks_arrive_all_in_order() -> None:
    chunks = [bytes([n]) * (n + 1) for n in range(50)]
    assert list(ReadAhead(iter(chunks))) == chunks
    assert list(ReadAhead(iter([]))) == []


def test_an_error_arrives_after_the_chunks_before_it() -> None:
    def source() -> Iterator[bytes]:
        yield b"a"
        yield b"b"
        raise OSError("short file")

    got = ReadAhead(source())
    assert next(got) == b"a"
    assert next(got) == b"b"
    with pytest.raises(OSError, match="short file"):
        next(got)
    with pytest.raises(StopIteration):
        next(got)


def test_it_stays_at_most_depth_ahead() -> None:
    made: list[int] = []

    def source() -> Iterator[bytes]:
        for n in range(100):
            made.append(n)
            yield b"x"

    got = ReadAhead(source(), depth=2)
    assert next(got) == b"x"
    time.sleep(0.2)
    assert len(made) <= 1 + 2 + 1  # the one taken, two waiting, one being put
    got.close()


def test_stopping_early_ends_the_thread_and_closes_the_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(read_ahead, "POLL_S", 0.01)
    closed = threading.Event()

    def source() -> Iterator[bytes]:
        try:
            while True:
                yield b"x"
        finally:
            closed.set()

    got = ReadAhead(source())
    assert next(got) == b"x"
    del got  # the response dropped it (the client went away)
    assert closed.wait(5)


def test_one_never_iterated_starts_no_thread() -> None:
    before = threading.active_count()
    ReadAhead(iter([b"x"]))
    assert threading.active_count() == before
