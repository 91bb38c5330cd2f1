"""Blobs in a private S3 bucket; browsers read and write them through presigned URLs.

Two clients per region. The one that makes the backend's own calls keeps botocore's default
addressing (virtual-hosted on AWS, path-style on a custom endpoint, so the backend reaches
``AWS_ENDPOINT_URL=http://localhost:5000`` without any DNS for bucket names). The one that
presigns always uses the virtual-hosted, regional name, ``https://<bucket>.s3.<region>.amazonaws.com``
(us-east-1 included), the only host the site's CSP allows (infra/components/media.py). Against
``http://localhost:PORT`` it gives ``http://<bucket>.localhost:PORT/<key>``: browsers resolve
``*.localhost`` to loopback and moto's server routes by Host, so local URLs have the deployed
shape (an IP address as endpoint falls back to path-style). Errors S3 gives for a key or an
upload become NotFound/InvalidInput here; an outage becomes StorageUnavailable for every method
at once (aws/outages.py, applied by ``build_storage``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from rdrive_app.core.errors import InvalidInput, NotFound
from rdrive_app.storage.aws.stream_writer import S3StreamWriter
from rdrive_app.storage.content_headers import serving_headers
from rdrive_app.storage.protocols import UploadedPart
from rdrive_app.storage.writer_protocol import BlobWriter

# The regional endpoint in us-east-1 too (botocore's default there is the global s3.amazonaws.com).
_REGIONAL = {"us_east_1_regional_endpoint": "regional"}
API_CONFIG = Config(
    signature_version="s3v4", s3=_REGIONAL, retries={"max_attempts": 5, "mode": "standard"}
)
PRESIGN_CONFIG = Config(signature_version="s3v4", s3={**_REGIONAL, "addressing_style": "virtual"})
_NOT_FOUND = {"NoSuchKey", "NoSuchUpload", "404", "NotFound"}
_BAD_PARTS = {
    "InvalidPart": "a part is missing or does not match its etag",
    "InvalidPartOrder": "parts must be listed in ascending order without repeats",
    "EntityTooSmall": "every part but the last must be at least 5 MiB",
    "MalformedXML": "a multipart upload needs at least one part",
}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _quoted(etag: str) -> str:
    return f'"{etag.strip().strip(chr(34))}"'


_clients: dict[tuple[str, str | None, str | None, bool], Any] = {}
_sessions: dict[tuple[str, str | None, str | None], Any] = {}
_clients_lock = threading.Lock()


def _shared_client(region: str, *, presigning: bool) -> Any:
    # Clients are thread-safe and slow to create (~0.1 s): one of each kind per region and
    # endpoint per process. Both kinds come from one session, so they share its credentials.
    endpoint = (os.environ.get("AWS_ENDPOINT_URL"), os.environ.get("AWS_ENDPOINT_URL_S3"))
    key = (region, *endpoint, presigning)
    with _clients_lock:
        if key not in _clients:
            session = _sessions.setdefault((region, *endpoint), boto3.session.Session())
            config = PRESIGN_CONFIG if presigning else API_CONFIG
            _clients[key] = session.client("s3", region_name=region, config=config)
        return _clients[key]


def s3_client(region: str) -> Any:
    """The shared boto3 S3 client for the backend's own calls (default addressing)."""
    return _shared_client(region, presigning=False)


def s3_presigner(region: str) -> Any:
    """The shared boto3 S3 client that signs URLs for browsers (virtual-hosted, regional)."""
    return _shared_client(region, presigning=True)


class S3BlobStore:
    """BlobStore on S3."""

    def __init__(
        self, bucket: str, region: str, client: Any | None = None, presigner: Any | None = None
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.client = client or s3_client(region)
        self._presigner = presigner

    @property
    def presigner(self) -> Any:
        """The signing client, made on first use (the Lambda never signs a URL)."""
        if self._presigner is None:
            self._presigner = s3_presigner(self.region)
        return self._presigner

    def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        if isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=bytes(data), ContentType=content_type
            )
        else:
            self.client.upload_fileobj(
                data, self.bucket, key, ExtraArgs={"ContentType": content_type}
            )

    def read_range(self, key: str, start: int, length: int) -> bytes:
        if start < 0 or length < 0:
            raise InvalidInput("start and length must not be negative")
        if length == 0:
            if self.size(key) is None:
                raise NotFound(f"no blob {key}")
            return b""
        try:
            resp = self.client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes={start}-{start + length - 1}"
            )
        except ClientError as exc:
            if _code(exc) == "InvalidRange":  # starts past the end: like reading at EOF
                return b""
            raise self._mapped(exc, key) from exc
        with resp["Body"] as body:
            return body.read()

    def iter_chunks(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """Starts the GET now (so NotFound is raised here), then yields the body's chunks."""
        try:
            resp = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            raise self._mapped(exc, key) from exc
        body = resp["Body"]

        def chunks() -> Iterator[bytes]:
            with body:
                yield from body.iter_chunks(chunk_size)

        return chunks()

    def size(self, key: str) -> int | None:
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                return None
            raise

    def writer(self, key: str, content_type: str, size: int) -> BlobWriter:
        return S3StreamWriter(self.client, self.bucket, key, content_type, size)

    def copy(self, source: str, target: str) -> None:
        if self.size(source) is None:
            raise NotFound(f"no blob {source}")
        # boto3's managed copy: CopyObject, or UploadPartCopy in parts for a large object
        self.client.copy({"Bucket": self.bucket, "Key": source}, self.bucket, target)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def delete_prefix(self, prefix: str) -> None:
        batch: list[dict[str, str]] = []
        for key in self.list_keys(prefix):
            batch.append({"Key": key})
            if len(batch) == 1000:  # the DeleteObjects limit
                self._delete_batch(batch)
                batch = []
        if batch:
            self._delete_batch(batch)

    def list_keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]

    def signed_get_url(
        self,
        key: str,
        *,
        expires_in: int,
        content_type: str | None = None,
        download_name: str | None = None,
    ) -> str:
        served_type, disposition = serving_headers(
            content_type, download_name, key.rsplit("/", 1)[-1]
        )
        return self._presign(
            "get_object",
            key,
            expires_in,
            ResponseContentType=served_type,
            ResponseContentDisposition=disposition,
        )

    def signed_put_url(self, key: str, *, expires_in: int, content_type: str) -> str:
        # If-None-Match: * is signed (S3 conditional write): the URL creates the object once and
        # answers 412 after that, so it cannot replace bytes that completion has checked.
        return self._presign(
            "put_object", key, expires_in, ContentType=content_type, IfNoneMatch="*"
        )

    def signed_put_headers(self, content_type: str) -> dict[str, str]:
        return {"Content-Type": content_type, "If-None-Match": "*"}

    def create_multipart(self, key: str, content_type: str) -> str:
        resp = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=content_type
        )
        return str(resp["UploadId"])

    def signed_part_url(
        self, key: str, upload_id: str, part_number: int, *, expires_in: int
    ) -> str:
        if not 1 <= part_number <= 10_000:
            raise InvalidInput("part numbers go from 1 to 10000")
        return self._presign(
            "upload_part", key, expires_in, UploadId=upload_id, PartNumber=part_number
        )

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        paginator = self.client.get_paginator("list_parts")
        parts: list[UploadedPart] = []
        try:
            for page in paginator.paginate(Bucket=self.bucket, Key=key, UploadId=upload_id):
                parts.extend(
                    UploadedPart(
                        number=int(p["PartNumber"]), etag=_quoted(p["ETag"]), size=int(p["Size"])
                    )
                    for p in page.get("Parts", [])
                )
        except ClientError as exc:
            raise self._mapped(exc, key) from exc
        return parts

    def complete_multipart(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        if not parts:
            raise InvalidInput("a multipart upload needs at least one part")
        numbers = [n for n, _ in parts]
        if numbers != sorted(set(numbers)):
            raise InvalidInput(_BAD_PARTS["InvalidPartOrder"])
        upload = {"Parts": [{"PartNumber": n, "ETag": _quoted(etag)} for n, etag in parts]}
        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload=upload
            )
        except ClientError as exc:
            raise self._mapped(exc, key) from exc

    def abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError as exc:
            if _code(exc) not in _NOT_FOUND:
                raise

    # helpers

    def _presign(self, operation: str, key: str, expires_in: int, **params: Any) -> str:
        """Every URL a browser gets: signed by the virtual-hosted, regional client."""
        return str(
            self.presigner.generate_presigned_url(
                operation,
                Params={"Bucket": self.bucket, "Key": key, **params},
                ExpiresIn=expires_in,
            )
        )

    def _delete_batch(self, batch: list[dict[str, str]]) -> None:
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    @staticmethod
    def _mapped(exc: ClientError, key: str) -> Exception:
        code = _code(exc)
        if code == "NoSuchUpload":
            return NotFound("no such upload")
        if code in _NOT_FOUND:
            return NotFound(f"no blob {key}")
        if code in _BAD_PARTS:
            return InvalidInput(_BAD_PARTS[code])
        return exc
