"""The backend image: its Dockerfile, and its exact command started against moto's server."""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import httpx
import pytest

from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import ensure_aws_resources
from tests.infra.rehearsal.processes import (
    dockerfile_instructions as _instructions,
)
from tests.infra.rehearsal.processes import image_command, image_env, running


def test_dockerfile_is_multi_stage_non_root_healthchecked_and_secret_free() -> None:
    assert len(_instructions("FROM")) >= 2
    [user] = _instructions("USER")
    assert user not in ("root", "0")
    [health] = _instructions("HEALTHCHECK")
    assert "/ping" in health
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(_instructions("ENV"))))
    assert env["RDRIVE_BACKEND"] == "aws"
    assert env["RDRIVE_PROCESSING"] == "events"
    baked = [*env, *_instructions("ARG")]
    assert not [k for k in baked if re.search(r"SECRET|PASSWORD|TOKEN|ACCESS_KEY", k)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_backend_starts_from_the_dockerfile_command_against_moto(
    app_copy: Path, tmp_path: Path, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)  # the bucket and tables go to moto
    settings = Settings(
        backend=Backend.AWS,
        bucket="rdrive-container-test",
        items_table="rdrive-container-items",
        users_table="rdrive-container-users",
        aws_region="us-east-1",
        site_url="https://d1example.cloudfront.net",
    )
    ensure_aws_resources(settings)
    port = _free_port()
    env = {
        **image_env(),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",  # no bun: backend only
        "HOME": str(tmp_path),
        "RDRIVE_DATA_DIR": str(tmp_path / "data"),
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "RDRIVE_BUCKET": settings.bucket,
        "RDRIVE_ITEMS_TABLE": settings.items_table,
        "RDRIVE_USERS_TABLE": settings.users_table,
        "RDRIVE_JWT_SECRET": "container-test-" + "k" * 40,
        "RDRIVE_SITE_URL": settings.site_url,
        "RDRIVE_API_URL": settings.site_url,
    }
    base = f"http://127.0.0.1:{port}"
    with running(
        image_command("127.0.0.1", port),
        cwd=app_copy,
        env=env,
        log=tmp_path / "backend.log",
        ready_url=f"{base}/ping",
    ):
        openapi = httpx.get(f"{base}/api/openapi.json", timeout=10)
        assert openapi.status_code == 200
        assert "/api/auth/login" in openapi.json()["paths"]
        assert httpx.get(f"{base}/_health", timeout=10).status_code == 200
