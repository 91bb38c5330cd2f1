"""An API client over real services on the local backend (bcrypt rounds lowered for speed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rdrive_app.api import create_api
from rdrive_app.services.container import Services, build_services
from rdrive_app.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def services(tmp_path) -> Services:
    settings = Settings(data_dir=tmp_path / "data", bcrypt_rounds=4, jwt_secret="k" * 48)
    services = build_services(settings)
    services.accounts.add_user("alice", PASSWORD)
    return services


@pytest.fixture
def client(services) -> Iterator[TestClient]:
    with TestClient(create_api(services)) as client:
        yield client


@pytest.fixture
def token(client) -> str:
    response = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
