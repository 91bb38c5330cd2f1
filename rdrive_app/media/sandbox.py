"""Decoders run in long-lived child processes that are killed when they overrun a time limit.

Image and video decoders are big C libraries fed with files from the internet: a crafted or
damaged file can make one loop forever, eat memory or crash. A thread cannot be stopped, so
each decode runs in a child process; on timeout the child is killed (SIGKILL always works)
and a fresh one is started for the next file. Children are reused between files, so the
start-up cost (importing Pillow and PyAV, about a second) is paid once, not per photo.

The child never sees storage: it asks the parent for byte ranges over its socket, so it needs
no credentials or settings, works with any BlobStore, and runs the same in the app and in a
Lambda (a plain subprocess + socketpair; no multiprocessing queues, which Lambda lacks).

So it gets none: the child is a fresh interpreter (exec, not fork: nothing of the parent's
memory, such as the settings object, comes along) whose environment holds only the allow-listed
variables below, never the JWT key or AWS credentials the parent's environment holds. And
before it imports a decoder it caps its own address space (RLIMIT_AS), so a file that makes a
decoder allocate without bound fails that file (MemoryError, or the child dies) instead of
taking the host's memory.
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdrive_app.media.range_reader import Fetch, open_ranges
from rdrive_app.media.types import MediaError

_OK, _ERR = b"\x00", b"\x01"
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
# What a decoder child may inherit: how to find programs and libraries (LD_LIBRARY_PATH: the
# Lambda image's Python needs it), the locale, time zone and temp dir. Nothing else: every
# secret the parent has (RDRIVE_JWT_SECRET, AWS_*) is in its environment.
_ENV_ALLOWED = frozenset(
    {
        "PATH",
        "LD_LIBRARY_PATH",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "PYTHONHOME",
        "PYTHONDONTWRITEBYTECODE",
    }
)
_ENV_ALLOWED_PREFIXES = ("LC_",)
# The default of RDRIVE_DECODER_MEMORY_BYTES (core/settings.py, which this module does not import:
# a child would pay pydantic's 0.2 s import at every start).
DEFAULT_DECODER_MEMORY = 2 * 1024**3


def child_environment(parent: dict[str, str]) -> dict[str, str]:
    """The environment a decoder child starts with: the allow-list of ``parent``, our package
    on its path, and few malloc arenas (each reserves 64 MiB of address space, which the limit
    counts)."""
    env = {
        k: v for k, v in parent.items() if k in _ENV_ALLOWED or k.startswith(_ENV_ALLOWED_PREFIXES)
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, parent.get("PYTHONPATH")) if p)
    env["MALLOC_ARENA_MAX"] = "2"
    return env


class StorageReadError(OSError):
    """The parent could not read the range the decoder asked for."""


class Sandbox:
    """One decoder child process; ``run`` one job at a time (not thread-safe: use a pool)."""

    def __init__(self, memory_limit: int = DEFAULT_DECODER_MEMORY) -> None:
        self.memory_limit = memory_limit  # bytes of address space the child may use
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the child now (``run`` does it lazily); a no-op when it is running."""
        if self.pid is not None:
            return
        ours, theirs = socket.socketpair()
        # -P: the working directory is not put on the child's path, so it runs this very
        # package (from PYTHONPATH), never another rdrive_app that happens to sit there.
        command = [sys.executable, "-P", "-m", "rdrive_app.media.sandbox", str(theirs.fileno())]
        with theirs:
            self._proc = subprocess.Popen(
                [*command, str(self.memory_limit)],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=child_environment(dict(os.environ)),
                start_new_session=True,  # a Ctrl-C in the terminal is the parent's to handle
            )
        self._conn = Connection(ours.detach())

    def run(
        self,
        op: str,
        size: int,
        fetch: Fetch,
        timeout: float,
        on_progress: Callable[[float], None] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run media operation ``op`` on a file of ``size`` bytes served by ``fetch``.

        Returns what the operation returns; raises MediaError for a bad file, a timeout or a
        crashed decoder, and re-raises the parent's own error when ``fetch`` failed. An
        operation that reports progress (a rendition) has ``on_progress`` called with each
        fraction done; ``timeout`` still bounds the whole job.
        """
        deadline = time.monotonic() + timeout
        fetch_error: BaseException | None = None
        self._send_job((op, size, kwargs))
        assert self._conn is not None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._conn.poll(remaining):
                self.stop()
                raise MediaError(f"processing took longer than the limit of {timeout:g} s")
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                raise MediaError(f"the decoder stopped unexpectedly ({self._reap()})") from None
            match message:
                case ("read", int(start), int(length)):
                    try:
                        reply = _OK + fetch(start, length)
                    except Exception as exc:  # told to the child, re-raised here below
                        fetch_error, reply = exc, _ERR
                    try:
                        self._conn.send_bytes(reply)
                    except OSError:
                        raise MediaError(
                            f"the decoder stopped unexpectedly ({self._reap()})"
                        ) from None
                case ("progress", float(done)):
                    if on_progress is not None:
                        on_progress(done)
                case ("ok", result):
                    return result
                case ("fail", str(reason)):
                    if fetch_error is not None:
                        raise fetch_error
                    raise MediaError(reason)
                case _:
                    self.stop()
                    raise MediaError("the decoder sent an unexpected reply")

    def _send_job(self, job: tuple[str, int, dict[str, Any]]) -> None:
        """Send a job, restarting a child that died while idle (one retry)."""
        for attempt in (1, 2):
            self.start()
            assert self._conn is not None
            try:
                self._conn.send(job)
                return
            except OSError:
                self._reap()
                if attempt == 2:
                    raise MediaError("the decoder could not be started") from None

    def stop(self) -> None:
        """Kill the child (if any) and forget it; the next ``run`` starts a new one."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self._reap()

    def _reap(self) -> str:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        code = None
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._proc.wait(timeout=5)
            self._proc = None
        if code is not None and code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"


class SandboxPool:
    """A fixed number of sandboxes shared by threads; ``run`` waits for a free one."""

    def __init__(self, size: int, memory_limit: int = DEFAULT_DECODER_MEMORY) -> None:
        self.size = size
        self._idle: queue.LifoQueue[Sandbox] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(Sandbox(memory_limit))
        self._all = list(self._idle.queue)

    @contextlib.contextmanager
    def lease(self) -> Iterator[Sandbox]:
        sandbox = self._idle.get()
        try:
            yield sandbox
        finally:
            self._idle.put(sandbox)

    def run(self, op: str, *args: Any, **kwargs: Any) -> Any:
        """``Sandbox.run`` (same arguments, ``on_progress`` too) on the next free sandbox."""
        with self.lease() as sandbox:
            return sandbox.run(op, *args, **kwargs)

    def close(self) -> None:
        for sandbox in self._all:
            sandbox.stop()


_pools: dict[tuple[str, int], SandboxPool] = {}
_pools_lock = threading.Lock()


def shared_pool(name: str, size: int, memory_limit: int = DEFAULT_DECODER_MEMORY) -> SandboxPool:
    """The process-wide pool called ``name`` (created with ``size`` sandboxes on first use).

    Background processing and on-demand renditions use separate pools, so a batch of uploads
    never makes someone who opened a photo wait.
    """
    with _pools_lock:
        pool = _pools.get((name, memory_limit))
        if pool is None:
            pool = _pools[name, memory_limit] = SandboxPool(size, memory_limit)
        return pool


@atexit.register
def _close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


# ---- the child side -------------------------------------------------------------------------


def _limit_memory(limit: int) -> None:
    """Cap this process's address space before any decoder is loaded (never above the hard
    limit it was given: a container may set one lower)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child_ops() -> dict[str, Callable[..., Any]]:
    """What a sandbox can be asked to do (imported here: only the child loads the decoders)."""
    from rdrive_app.media.images import analyse_image, render_image, render_jpeg, render_sizes
    from rdrive_app.media.playback import make_playback
    from rdrive_app.media.video import analyse_video, render_poster

    return {
        "analyse_image": analyse_image,
        "render_image": render_image,
        "render_sizes": render_sizes,
        "render_jpeg": render_jpeg,
        "analyse_video": analyse_video,
        "render_poster": render_poster,
        "make_playback": make_playback,
    }


def _takes_progress(fn: Callable[..., Any]) -> bool:
    return "progress" in inspect.signature(fn).parameters


def _serve(conn: Connection) -> None:
    """Answer jobs until the parent closes the socket."""
    ops = _child_ops()

    def fetch(start: int, length: int) -> bytes:
        conn.send(("read", start, length))
        reply = conn.recv_bytes()
        if reply[:1] != _OK:
            raise StorageReadError("reading the file from storage failed")
        return reply[1:]

    while True:
        try:
            op, size, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if op in ops and _takes_progress(ops[op]):
                kwargs["progress"] = lambda done: conn.send(("progress", float(done)))
            result: tuple[str, Any] = ("ok", ops[op](open_ranges(fetch, size), **kwargs))
        except MediaError as exc:
            result = ("fail", exc.reason)
        except StorageReadError as exc:
            result = ("fail", str(exc))
        except MemoryError:
            result = ("fail", "the file needs more memory than allowed")
        except Exception as exc:  # a decoder bug on a strange file: report, keep serving
            result = ("fail", f"the file cannot be processed ({type(exc).__name__}: {exc})"[:300])
        conn.send(result)


if __name__ == "__main__":
    _limit_memory(int(sys.argv[2]))
    _serve(Connection(int(sys.argv[1])))
