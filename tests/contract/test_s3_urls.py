"""The shape of the S3 URLs: presigned ones virtual-hosted and regional (what the site's CSP
allows), the backend's own calls path-style on a custom endpoint (no DNS needed for buckets).

Against moto the presigned URLs are ``http://<bucket>.localhost:PORT/<key>``; they are fetched
here over real HTTP (tests/conftest.py resolves ``*.localhost`` the way Chromium does), which
proves moto's server routes them by Host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import Storage, build_storage, ensure_aws_resources
from rdrive_app.storage.aws.blobs import S3BlobStore, s3_client
from tests.conftest import TEST_JWT_SECRET

KEY = "originals/01shape"
DATA = b"virtual-hosted " * 100


@pytest.fixture(params=["us-east-1", "eu-west-1"])
def aws(request: pytest.FixtureRequest, aws_endpoint: str) -> Iterator[tuple[Storage, Settings]]:
    settings = Settings(
        backend=Backend.AWS,
        bucket=f"rdrive-shape-{request.param}",
        items_table="rdrive-shape-items",
        users_table="rdrive-shape-users",
        aws_region=request.param,
        jwt_secret=TEST_JWT_SECRET,
    )
    ensure_aws_resources(settings)
    yield build_storage(settings), settings


def _presigned(storage: Storage, key: str = KEY) -> dict[str, str]:
    blobs = storage.blobs
    upload_id = blobs.create_multipart(f"{key}-parts", "video/mp4")
    return {
        "inline": blobs.signed_get_url(key, expires_in=600, content_type="image/jpeg"),
        "download": blobs.signed_get_url(
            key, expires_in=600, content_type="image/jpeg", download_name="a b.jpg"
        ),
        "put": blobs.signed_put_url(key, expires_in=600, content_type="image/jpeg"),
        "part": blobs.signed_part_url(f"{key}-parts", upload_id, 1, expires_in=600),
    }


def test_presigned_urls_are_virtual_hosted_on_the_endpoint(
    aws: tuple[Storage, Settings], aws_endpoint: str
) -> None:
    storage, settings = aws
    port = urlsplit(aws_endpoint).port
    for kind, url in _presigned(storage).items():
        parts = urlsplit(url)
        assert parts.netloc == f"{settings.bucket}.localhost:{port}", (kind, url)
        assert parts.path.startswith(f"/{KEY}"), (kind, url)
        scope = parse_qs(parts.query)["X-Amz-Credential"][0].split("/")
        assert scope[2:4] == [settings.aws_region, "s3"], (kind, url)


def test_moto_serves_every_kind_by_virtual_host(
    aws: tuple[Storage, Settings], min_part_size: int
) -> None:
    storage, _ = aws
    blobs = storage.blobs
    put = blobs.signed_put_url(KEY, expires_in=600, content_type="image/jpeg")
    headers = blobs.signed_put_headers("image/jpeg")
    assert httpx.put(put, content=DATA, headers=headers, timeout=10).status_code == 200
    assert blobs.read_range(KEY, 0, len(DATA)) == DATA  # the backend's own (path-style) read

    got = httpx.get(blobs.signed_get_url(KEY, expires_in=600, content_type="image/jpeg"))
    assert (got.status_code, got.content) == (200, DATA)
    download = httpx.get(
        blobs.signed_get_url(KEY, expires_in=600, content_type="image/jpeg", download_name="x.jpg")
    )
    assert download.headers["content-disposition"].startswith("attachment;")

    big = f"{KEY}-big"
    upload_id = blobs.create_multipart(big, "video/mp4")
    chunks = [b"a" * min_part_size, b"b" * 10]
    etags = []
    for number, chunk in enumerate(chunks, start=1):
        url = blobs.signed_part_url(big, upload_id, number, expires_in=600)
        answer = httpx.put(url, content=chunk, timeout=10)
        assert answer.status_code == 200, answer.text
        etags.append((number, answer.headers["etag"]))
    blobs.complete_multipart(big, upload_id, etags)
    assert blobs.size(big) == sum(map(len, chunks))


def test_backend_calls_stay_path_style_on_the_endpoint(
    aws: tuple[Storage, Settings], aws_endpoint: str
) -> None:
    storage, settings = aws
    seen: list[str] = []

    def record(request: Any, **_: Any) -> None:
        seen.append(request.url)

    client = s3_client(settings.aws_region)
    client.meta.events.register("before-send.s3", record)
    try:
        storage.blobs.put(KEY, DATA, "image/jpeg")
        assert storage.blobs.size(KEY) == len(DATA)
        assert list(storage.blobs.list_keys("originals/")) == [KEY]
    finally:
        client.meta.events.unregister("before-send.s3", record)
    assert len(seen) == 3
    for url in seen:
        assert url.startswith(f"{aws_endpoint}/{settings.bucket}"), url


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-central-1", "sa-east-1"])
def test_presigned_urls_on_aws_are_regional_virtual_hosted(
    region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    bucket = f"rdrive-media-123456789012-{region}"
    blobs = S3BlobStore(bucket, region)
    host = f"https://{bucket}.s3.{region}.amazonaws.com"
    urls = {
        "inline": blobs.signed_get_url(KEY, expires_in=60, content_type="image/webp"),
        "download": blobs.signed_get_url(KEY, expires_in=60, download_name="x.jpg"),
        "put": blobs.signed_put_url(KEY, expires_in=60, content_type="image/jpeg"),
        "part": blobs.signed_part_url(KEY, "upload-1", 2, expires_in=60),
    }
    for kind, url in urls.items():
        assert url.startswith(f"{host}/{KEY}?"), (kind, url)
