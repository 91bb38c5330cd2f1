"""The whole HTTP API over real services, on both backends (local disk + SQLite, and S3 +
DynamoDB on the session's moto server), with a seeded library and the tokens to attack it with.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rdrive_app.api import create_api
from rdrive_app.core.settings import Backend, Settings
from rdrive_app.services.wiring import Services, build_services
from rdrive_app.storage import ensure_aws_resources
from tests.security.support import NullQueue, Seeded, Sessions, make_sessions, seed


@pytest.fixture
def api_services(storage_settings: Settings) -> Iterator[Services]:
    """Services on the parametrised backend; processing only records what it is given."""
    settings = storage_settings.model_copy(update={"bcrypt_rounds": 4})
    if settings.backend is Backend.AWS:
        ensure_aws_resources(settings)
    services = build_services(settings, processing=NullQueue())
    yield services
    close = getattr(services.storage.catalog, "close", None)
    if close is not None:
        close()


@pytest.fixture
def sessions(api_services: Services) -> Sessions:
    return make_sessions(api_services)


@pytest.fixture
def seeded(api_services: Services, sessions: Sessions) -> Seeded:
    return seed(api_services)


@pytest.fixture
def api(api_services: Services) -> Iterator[TestClient]:
    with TestClient(create_api(api_services)) as client:
        yield client


@pytest.fixture
def auth(sessions: Sessions) -> dict[str, str]:
    return {"Authorization": f"Bearer {sessions.valid}"}
