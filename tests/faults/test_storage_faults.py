"""S3 and DynamoDB faults injected by a proxy in front of moto: throttling, 500s and dropped
connections are retried by the clients (every call the app makes is safe to repeat: puts of
immutable keys, conditional writes); when storage stays down the API says so with a 503."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from rdrive_app.api import create_api
from rdrive_app.core.settings import Settings
from rdrive_app.services.wiring import build_services
from rdrive_app.storage import ensure_aws_resources
from tests.security.support import PASSWORD, PHOTO, NullQueue

pytestmark = pytest.mark.parametrize("storage_settings", ["aws"], indirect=True)
FAULTS = {
    "s3 throttling": (503, b"<Error><Code>SlowDown</Code><Message>slow</Message></Error>"),
    "s3 500": (500, b"<Error><Code>InternalError</Code><Message>oops</Message></Error>"),
    "dynamodb throttling": (
        400,
        b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow"}',
    ),
    "dynamodb 500": (500, b'{"__type":"InternalServerError","message":"oops"}'),
    "dropped connection": (0, b""),
}


class FaultProxy:
    """Forwards to moto, failing the next ``remaining`` requests of one service."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.fault: tuple[int, bytes] | None = None
        self.service = "s3"
        self.remaining = 0
        self.injected = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                target = self.headers.get("x-amz-target", "")
                service = "dynamodb" if target.startswith("DynamoDB") else "s3"
                if proxy.remaining and service == proxy.service and proxy.fault:
                    proxy.remaining -= 1
                    proxy.injected += 1
                    status, payload = proxy.fault
                    if status == 0:
                        self.connection.close()  # no answer at all
                        return
                    self.send_response(status)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                got = httpx.request(
                    self.command, proxy.upstream + self.path, headers=headers, content=body
                )
                self.send_response(got.status_code)
                for key, value in got.headers.items():
                    if key.lower() not in ("transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.end_headers()
                self.wfile.write(got.content)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail(self, label: str, times: int) -> None:
        self.fault, self.remaining, self.injected = FAULTS[label], times, 0
        self.service = "dynamodb" if label.startswith("dynamodb") else "s3"


@pytest.fixture
def proxied(
    storage_settings: Settings, aws_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FaultProxy, TestClient, dict[str, str]]]:
    ensure_aws_resources(storage_settings)
    proxy = FaultProxy(aws_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    services = build_services(
        storage_settings.model_copy(update={"bcrypt_rounds": 4}), processing=NullQueue()
    )
    services.accounts.add_user("alice", PASSWORD)
    services.folders.create_folder("/trip")
    with TestClient(create_api(services), raise_server_exceptions=False) as api:
        token = api.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
        yield proxy, api, {"Authorization": f"Bearer {token.json()['access_token']}"}
    proxy.server.shutdown()


@pytest.mark.parametrize("label", list(FAULTS))
def test_transient_faults_are_retried(label: str, proxied) -> None:
    proxy, api, auth = proxied
    proxy.fail(label, times=2)
    files = {"files": ("p.jpg", PHOTO.read_bytes(), "image/jpeg")}
    uploaded = api.post("/api/media", params={"folder": "/trip"}, files=files, headers=auth)
    assert uploaded.status_code == 201, uploaded.text
    assert proxy.injected == 2
    item_id = uploaded.json()["items"][0]["id"]
    assert api.get(f"/api/media/{item_id}", headers=auth).status_code == 200


@pytest.mark.parametrize("label", ["s3 500", "dynamodb 500"])
def test_storage_that_stays_down_is_a_clear_503(label: str, proxied) -> None:
    proxy, api, auth = proxied
    proxy.fail(label, times=10_000)
    files = {"files": ("p.jpg", PHOTO.read_bytes(), "image/jpeg")}
    answer = api.post("/api/media", params={"folder": "/trip"}, files=files, headers=auth)
    assert answer.status_code == 503, answer.text
    assert "storage is not answering" in answer.json()["detail"]
    assert answer.headers["retry-after"]
    proxy.fail(label, times=0)
    listing = api.get("/api/media", params={"folder": "/trip"}, headers=auth).json()
    # At most the reserved name stays, as an unfinished upload the sweeper removes.
    assert all(i["status"] == "uploading" for i in listing["items"])
