"""An API client over real services (bcrypt rounds lowered for speed).

``services`` is the local backend; a test module can override it with ``services_on_both`` to
run against S3 + DynamoDB on the moto server too. The client sends requests for the app to the
app in-process and requests for storage (presigned S3 URLs, after a redirect too) over real HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from rdrive_app.api import create_api
from rdrive_app.core.settings import Settings
from rdrive_app.services.wiring import Services, build_services

PASSWORD = "correct horse battery"


@pytest.fixture
def services(tmp_path) -> Services:
    settings = Settings(data_dir=tmp_path / "data", bcrypt_rounds=4, jwt_secret="k" * 48)
    services = build_services(settings)
    services.accounts.add_user("alice", PASSWORD)
    return services


_HTTPX_ARGS = {"content", "data", "files", "json", "params", "headers"}


class StorageAwareClient(TestClient):
    """A TestClient that fetches URLs on another origin (moto's S3) over the network."""

    external: tuple[str, ...] = ()

    def request(self, method: str, url: str, **kwargs):  # type: ignore[override]
        follow = kwargs.pop("follow_redirects", None)
        if str(url).startswith(self.external):
            passed = {k: v for k, v in kwargs.items() if k in _HTTPX_ARGS and v is not None}
            return httpx.request(method, url, **passed)
        response = super().request(method, url, follow_redirects=False, **kwargs)
        if follow and response.is_redirect:
            return self.request("GET", response.headers["location"], follow_redirects=True)
        return response


def settings_for(base: Settings) -> Settings:
    """The test deployment's settings, with quick bcrypt."""
    return base.model_copy(update={"bcrypt_rounds": 4, "jwt_secret": "k" * 48})


@pytest.fixture
def services_on_both(storage_settings, storage) -> Services:
    """Services on the parametrised backend (local, aws on moto), with alice signed up."""
    services = build_services(settings_for(storage_settings))
    services.accounts.add_user("alice", PASSWORD)
    yield services
    services.processing.shutdown(wait=False)


@pytest.fixture
def client(services) -> Iterator[TestClient]:
    with StorageAwareClient(create_api(services)) as client:
        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        if services.settings.backend.value == "aws" and endpoint:
            # Presigned URLs are virtual-hosted: http://<bucket>.localhost:PORT/... on moto.
            scheme, rest = endpoint.split("://", 1)
            client.external = (endpoint, f"{scheme}://{services.settings.bucket}.{rest}")
        yield client


@pytest.fixture
def token(client) -> str:
    response = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
