"""Shared fixtures. ``storage`` runs a test once per backend: local (disk + SQLite) and aws
(S3 + DynamoDB on one moto server per test session, reset before each test).

Signed URLs are fetched over real HTTP: the local store's URLs point at a uvicorn server running
the app's signed file routes in a thread; moto serves presigned S3 URLs itself, by virtual host
(``http://<bucket>.localhost:PORT/<key>``, the deployed URL shape), which the resolver shim below
lets Python reach.
"""

from __future__ import annotations

import os

# Before boto3, pynamodb or moto is imported anywhere: fake credentials (no test can act on a
# real account) and moto's own settings. AWS_ENDPOINT_URL is set per test by the aws fixtures
# only, so tests that use moto's in-process mock_aws are not sent to the server.
for _var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
MIN_PART_SIZE = 64 * 1024  # multipart tests use small parts; moto and the local store agree
os.environ["S3_UPLOAD_PART_MIN_SIZE"] = str(MIN_PART_SIZE)

import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402

from rdrive_app.core.settings import Backend, Settings  # noqa: E402
from rdrive_app.storage import (  # noqa: E402
    Storage,
    build_storage,
    ensure_aws_resources,
    local_signing_key,
    local_storage,
)
from rdrive_app.storage.local.blobs import LocalBlobStore  # noqa: E402
from rdrive_app.storage.local.catalog import SQLiteCatalog  # noqa: E402
from rdrive_app.storage.protocols import ServesSignedFiles  # noqa: E402

TEST_JWT_SECRET = "test-secret-" + "x" * 40


def _resolve_localhost_subdomains() -> None:
    """Resolve ``*.localhost`` as ``localhost``, as browsers do (RFC 6761 §6.3); glibc does not.

    Presigned S3 URLs against ``AWS_ENDPOINT_URL=http://localhost:PORT`` are virtual-hosted,
    ``http://<bucket>.localhost:PORT/...`` (storage/aws/blobs.py); Chromium reaches them
    natively, and with this every Python client in the test process does too (httpx, urllib3 and
    asyncio all resolve through ``socket.getaddrinfo``). Only names ending in ``.localhost`` are
    changed; everything else goes to the real resolver. Subprocesses do not get it: the backend
    never fetches a presigned URL (its own S3 calls are path-style on a custom endpoint).
    """
    real = socket.getaddrinfo
    if getattr(real, "_rdrive_localhost", False):
        return

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        if isinstance(name, str) and name.lower().rstrip(".").endswith(".localhost"):
            host = "localhost"
        return real(host, *args, **kwargs)

    getaddrinfo._rdrive_localhost = True  # type: ignore[attr-defined]
    socket.getaddrinfo = getaddrinfo


_resolve_localhost_subdomains()


class SignedFilesServer:
    """uvicorn on a free loopback port, serving the signed file routes of the current store.

    One server per session; each test points it at its own store with ``serve``.
    """

    def __init__(self) -> None:
        import uvicorn

        self._app: Any = None
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        host, port = self._sock.getsockname()
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(
            self._dispatch, log_level="warning", lifespan="off", interface="asgi3"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    async def _dispatch(self, scope: Any, receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)

    def serve(self, store: ServesSignedFiles, *, max_bytes: int | None = None) -> None:
        from fastapi import FastAPI

        from rdrive_app.api.signed_files import signed_files_router

        app = FastAPI()
        app.include_router(signed_files_router(store, max_bytes=max_bytes))
        self._app = app

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the signed files server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)


@pytest.fixture(autouse=True)
def close_sqlite_catalogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close the SQLite connections a test's catalogs no longer use: a catalog keeps one per
    thread until closed, and a worker running hundreds of tests would otherwise hold thousands
    of descriptors. Threads still working (a processing queue finishing) keep theirs; a catalog
    used again just opens a new connection."""
    opened: list[SQLiteCatalog] = []
    original = SQLiteCatalog.__init__

    def tracked(self: SQLiteCatalog, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(SQLiteCatalog, "__init__", tracked)
    yield
    for catalog in opened:
        catalog.close_unused()


@pytest.fixture(scope="session")
def signed_files_server() -> Iterator[SignedFilesServer]:
    server = SignedFilesServer()
    server.start()
    yield server
    server.stop()


def _isolate_moto_dynamodb_writes() -> None:
    """Give moto's DynamoDB the isolation DynamoDB has.

    moto's server handles each request on its own thread and checks a transaction's conditions
    before writing without a lock, so two racing TransactWriteItems can both pass (measured:
    about 1 race in 60 lost an item). DynamoDB serialises them. One lock around moto's writes
    makes the concurrency tests test our conditions rather than moto's races.
    """
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_rdrive_isolated", False):
        return
    lock = threading.RLock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def locked(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    DynamoDBBackend._rdrive_isolated = True  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of one moto server for the session (xdist: one per worker).

    ``localhost``, not the address it listens on: with a host name, presigned URLs are
    virtual-hosted (``<bucket>.localhost``, routed by moto on the Host header) as on AWS; with
    an IP address botocore falls back to path-style.
    """
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    _isolate_moto_dynamodb_writes()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    yield f"http://localhost:{port}"
    server.stop()


@pytest.fixture
def min_part_size() -> int:
    """The smallest non-final multipart part both backends accept in tests."""
    return MIN_PART_SIZE


@pytest.fixture
def aws_endpoint(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto, emptied, with AWS_ENDPOINT_URL pointing at it for this test (boto3 and pynamodb
    read it when they make a client)."""
    httpx.post(f"{moto_endpoint}/moto-api/reset").raise_for_status()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    return moto_endpoint


@pytest.fixture(params=[Backend.LOCAL.value, Backend.AWS.value])
def storage_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a fresh, empty deployment on each backend (aws: resources not created)."""
    if request.param == Backend.LOCAL.value:
        server: SignedFilesServer = request.getfixturevalue("signed_files_server")
        return Settings(
            backend=Backend.LOCAL,
            data_dir=tmp_path / "data",
            api_url=server.url,
            jwt_secret=TEST_JWT_SECRET,
        )
    request.getfixturevalue("aws_endpoint")
    # Same names every test: the reset empties moto, and the storage fixture recreates them
    # (model classes and clients are cached per name and endpoint, saving ~0.5 s a test).
    return Settings(
        backend=Backend.AWS,
        bucket="rdrive-test-media",
        items_table="rdrive-test-items",
        users_table="rdrive-test-users",
        aws_region="us-east-1",
        jwt_secret=TEST_JWT_SECRET,
    )


@pytest.fixture
def storage(request: pytest.FixtureRequest, storage_settings: Settings) -> Iterator[Storage]:
    """Empty blob store + catalog on the parametrised backend."""
    settings = storage_settings
    if settings.backend is Backend.AWS:
        ensure_aws_resources(settings)
        yield build_storage(settings)
        return
    server: SignedFilesServer = request.getfixturevalue("signed_files_server")
    blobs = LocalBlobStore(
        settings.data_dir / "blobs",
        settings.api_url,
        local_signing_key(settings),
        min_part_size=MIN_PART_SIZE,
    )
    catalog = SQLiteCatalog(settings.data_dir / "catalog.sqlite3")
    server.serve(blobs)
    yield local_storage(blobs, catalog)
    catalog.close()
