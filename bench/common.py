"""What the benches share: a figure type, big test files, the app in its own process (so its
memory can be watched), moto for the aws backend, and timing helpers.

The app runs as ``uvicorn --factory rdrive_app.api:create_api`` (the README's way to run the API
alone) with processing set to ``events``, so no thumbnailing competes with what is measured.
"""

from __future__ import annotations

import os
import shutil
import socket
import socketserver
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

MIB = 1024 * 1024
GIB = 1024 * MIB
SAMPLE_MP4 = Path(__file__).resolve().parents[1].parent / "shared/testdata/media/videos/sample.mp4"
JWT_SECRET = "bench-secret-" + "b" * 40
USER, PASSWORD = "bench", "bench-password-1"


@dataclass(frozen=True)
class Figure:
    """One measured ratio (or amount) against its goal."""

    name: str
    value: float
    goal: str
    ok: bool
    detail: str = ""


def at_least(name: str, value: float, goal: float, detail: str = "") -> Figure:
    return Figure(name, value, f">= {goal:g}", value >= goal, detail)


def at_most(name: str, value: float, goal: float, detail: str = "") -> Figure:
    return Figure(name, value, f"<= {goal:g}", value <= goal, detail)


def print_figures(figures: list[Figure]) -> None:
    for f in figures:
        mark = "ok" if f.ok else "MISSED"
        print(f"  {f.name:<52} {f.value:>9.2f}  goal {f.goal:<8} {mark:<6} {f.detail}")


def report(figures: list[Figure]) -> int:
    """Print the figures; the exit status a bench's ``main`` returns (1 when a goal is missed)."""
    print_figures(figures)
    return 0 if all(f.ok for f in figures) else 1


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary directory for GB-sized files, always removed."""
    path = Path(tempfile.mkdtemp(prefix=f"rdrive-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def make_video(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that passes the upload checks as an MP4: the sample's ``ftyp``
    box, then one ``mdat`` box (64-bit size) of filler reaching exactly to the end."""
    sample = SAMPLE_MP4.read_bytes()
    ftyp = sample[: int.from_bytes(sample[:4], "big")]
    head = ftyp + struct.pack(">I4sQ", 1, b"mdat", size - len(ftyp))
    block = os.urandom(MIB)
    with path.open("wb") as f:
        f.write(head)
        left = size - len(head)
        while left > 0:
            f.write(block[: min(MIB, left)])
            left -= MIB
        f.flush()
        os.fsync(f.fileno())  # on disk now, so its write-back does not slow what is measured
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def curl_timed(server: socketserver.BaseServer, args: list[str]) -> float:
    """Seconds ``curl`` takes with ``args`` against a bare local ``server`` (shut down after)."""
    url = f"http://127.0.0.1:{server.server_address[1]}/file"
    try:
        t0 = time.perf_counter()
        subprocess.run(["curl", "-sS", *args, url], check=True)
        return time.perf_counter() - t0
    finally:
        server.shutdown()
        server.server_close()


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


class RssWatch:
    """Peak resident memory of a process (and its children) while a block runs."""

    def __init__(self, pid: int, every_s: float = 0.02) -> None:
        self._proc = psutil.Process(pid)
        self._every = every_s
        self.baseline = self._rss()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        procs = [self._proc, *self._proc.children(recursive=True)]
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self._every)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 1e6

    def __enter__(self) -> RssWatch:
        self.baseline = self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def app_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RDRIVE_", "AWS_ENDPOINT"))}
    env.update(
        RDRIVE_DATA_DIR=str(data_dir),
        RDRIVE_JWT_SECRET=JWT_SECRET,
        RDRIVE_BCRYPT_ROUNDS="4",
        RDRIVE_PROCESSING="events",
        RDRIVE_API_URL=f"http://127.0.0.1:{port}",
    )
    env.update(extra)  # a bench may override the defaults above (bench.load: bcrypt 12 rounds)
    return env


def add_bench_user(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "rdrive_app", "users", "add", USER, "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


class App:
    """The API in its own uvicorn process."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = app_env(data_dir, self.port, **env)
        add_bench_user(self.env)
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "--factory", "rdrive_app.api:create_api",
                "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
            ],
            env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/api/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("the app did not start")
            time.sleep(0.1)
        resp = httpx.post(
            f"{self.url}/api/auth/login", json={"username": USER, "password": PASSWORD}
        )
        resp.raise_for_status()
        self.token = resp.json()["access_token"]
        self.auth = {"Authorization": f"Bearer {self.token}"}

    @property
    def pid(self) -> int:
        return self.proc.pid

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def moto_server() -> Iterator[str]:
    """A ThreadedMotoServer in this process; yields its endpoint (AWS_ENDPOINT_URL)."""
    import logging

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def aws_env(endpoint: str) -> dict[str, str]:
    """The app's environment for the aws backend on moto."""
    return {
        "RDRIVE_BACKEND": "aws",
        "RDRIVE_BUCKET": "rdrive-bench-media",
        "RDRIVE_ITEMS_TABLE": "rdrive-bench-items",
        "RDRIVE_USERS_TABLE": "rdrive-bench-users",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
