"""The API's answer to each kind of error: a domain error and a storage outage get JSON with
their status (an outage also ``Retry-After: 5``); anything else is a bare 500."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from rdrive_app.api.errors import install_error_handlers
from rdrive_app.core.errors import NotFound, StorageUnavailable


def _client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/outage")
    def outage() -> None:
        raise StorageUnavailable()

    @app.get("/missing")
    def missing() -> None:
        raise NotFound("no such item")

    @app.get("/bug")
    def bug() -> None:
        raise RuntimeError("a bug with a secret in it")

    return TestClient(app, raise_server_exceptions=False)


def test_a_storage_outage_is_a_503_to_retry() -> None:
    answer = _client().get("/outage")
    assert answer.status_code == 503
    assert answer.json() == {
        "detail": "storage is not answering right now; nothing was changed by this request, "
        "try again"
    }
    assert answer.headers["retry-after"] == "5"


def test_a_domain_error_keeps_its_status_and_has_no_retry_after() -> None:
    answer = _client().get("/missing")
    assert answer.status_code == 404 and answer.json() == {"detail": "no such item"}
    assert "retry-after" not in answer.headers


def test_anything_else_is_a_bare_500() -> None:
    answer = _client().get("/bug")
    assert answer.status_code == 500
    assert answer.text == "Internal Server Error"
