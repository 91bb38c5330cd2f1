"""Starting the backend as its image does: the Dockerfile's environment and command."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.infra.conftest import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()


def dockerfile_instructions(name: str) -> list[str]:
    """Each ``name`` instruction's arguments, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", joined, re.M)]


def image_env() -> dict[str, str]:
    """The ENV the image sets."""
    return dict(re.findall(r"(\w+)=(\S+)", " ".join(dockerfile_instructions("ENV"))))


def image_command(host: str, port: int) -> list[str]:
    """The image's CMD, listening on ``host:port`` instead of the image's 0.0.0.0:8000."""
    [cmd] = dockerfile_instructions("CMD")
    argv: list[str] = json.loads(cmd)
    argv[argv.index("--backend-port") + 1] = str(port)
    argv[argv.index("--backend-host") + 1] = host
    return argv


@contextlib.contextmanager
def running(
    argv: list[str], *, cwd: Path, env: dict[str, str], log: Path, ready_url: str | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` in its own process group; wait for ``ready_url``; stop it afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 180
        while ready_url:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
