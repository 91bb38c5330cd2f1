"""Schema fuzzing: schemathesis generates requests from /api/openapi.json, valid and invalid,
and sends them with a valid token. No answer may be a 5xx, use an undocumented status, or break
the schema it documents.

Examples are bounded (``MAX_EXAMPLES`` per operation, positive and negative) so the whole run
stays well under a minute; the library is the seeded one on the local backend (on S3 through
moto every request would cost ten times as much and find nothing the local one does not, as the
code above the storage protocol is the same).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rdrive_app.api import create_api
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.settings import Settings
from rdrive_app.services.wiring import Services, build_services
from tests.security.support import PASSWORD, NullQueue, make_sessions, seed

MAX_EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
RUN = {"examples": 0}


@pytest.fixture(scope="module")
def fuzz_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    data: Path = tmp_path_factory.mktemp("fuzz")
    settings = Settings(data_dir=data, bcrypt_rounds=4, jwt_secret="fuzz-" + "z" * 40)
    services = build_services(settings, processing=NullQueue())
    make_sessions(services)
    seed(services)
    yield services
    print(f"\nschemathesis examples run: {RUN['examples']}")
    services.storage.catalog.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def api_schema(fuzz_services: Services):
    return schemathesis.openapi.from_asgi("/api/openapi.json", create_api(fuzz_services))


schema = schemathesis.pytest.from_fixture("api_schema")


TOKEN: dict[str, str] = {}


def _token(services: Services) -> str:
    """A valid token: the last one while it still is, else a fresh one (a fuzzed logout or
    session end ends it). One sign-in per example made thousands of sessions, and the
    session routes read them all."""
    token = TOKEN.get("alice")
    if token is not None:
        try:
            services.accounts.user_for_token(token)
            return token
        except RDriveError:
            pass
    TOKEN["alice"] = token = services.accounts.sign_in("alice", PASSWORD).token
    return token


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_server_errors_and_every_answer_keeps_its_schema(case, fuzz_services) -> None:
    RUN["examples"] += 1
    case.call_and_validate(
        headers={"Authorization": f"Bearer {_token(fuzz_services)}"}, checks=CHECKS
    )
