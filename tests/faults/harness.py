"""The real backend as a process: the Dockerfile's ``reflex run --env prod --backend-only``,
started from a copy of the app (so it never touches the working tree's .web), on a free port,
over a data directory the test also opens in-process.

Starting takes about two seconds, so a test can kill it with SIGKILL and start it again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.infra.conftest import copy_app

SITE = "http://localhost:3999"  # the origin CORS is pinned to
START_TIMEOUT_S = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Backend:
    """One backend process over ``data_dir``; ``env_extra`` adds or overrides variables."""

    root: Path
    data_dir: Path
    env_extra: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def app_dir(self) -> Path:
        path = self.root / "app"
        if not path.exists():
            copy_app(path)
        return path

    def env(self) -> dict[str, str]:
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",  # no bun: backend only
            "HOME": str(self.root),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "RDRIVE_DATA_DIR": str(self.data_dir),
            "RDRIVE_JWT_SECRET": "faults-" + "f" * 40,
            "RDRIVE_BCRYPT_ROUNDS": "4",
            "RDRIVE_SITE_URL": SITE,
            "RDRIVE_API_URL": self.url,
            **self.env_extra,
        }

    def start(self) -> None:
        """Start it and wait until /ping answers."""
        log = (self.root / "backend.log").open("a")
        argv = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only"]
        argv += ["--backend-host", "127.0.0.1", "--backend-port", str(self.port)]
        self.proc = subprocess.Popen(
            argv, cwd=self.app_dir, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the backend exited:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the backend did not start:\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/ping", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown code runs, as in a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def log(self) -> str:
        path = self.root / "backend.log"
        return path.read_text() if path.exists() else ""
