"""A blob sent to S3 as its bytes arrive: parts of a multipart upload, so a 5 GB WebDAV PUT
never waits on the backend's disk and holds one part in memory at a time.

A body smaller than one part is a single PutObject on ``commit``; a larger one starts the
multipart upload with its first full part and completes it on ``commit``. ``abort`` (or leaving
the ``with`` block without ``commit``) drops the parts, so nothing half-written is visible.
"""

from __future__ import annotations

import math
from typing import Any, Self

from rdrive_app.storage.aws.outages import outage_guarded

MIN_PART = 8 * 1024 * 1024  # S3's floor is 5 MiB; 8 MiB as boto3's own transfers use
MAX_PARTS = 10_000


def part_size_for(size: int) -> int:
    """Parts big enough that ``size`` bytes fit in S3's 10 000 (with room for a longer body)."""
    return max(MIN_PART, math.ceil(size / (MAX_PARTS - 1000)))


class _S3StreamWriter:
    def __init__(self, client: Any, bucket: str, key: str, content_type: str, size: int) -> None:
        self._client, self._bucket, self._key = client, bucket, key
        self._type = content_type
        self._part_size = part_size_for(size)
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._done = False

    def write(self, chunk: bytes) -> None:
        self._buffer += chunk
        while len(self._buffer) >= self._part_size:
            part = bytes(self._buffer[: self._part_size])
            del self._buffer[: self._part_size]
            self._send(part)

    def commit(self) -> None:
        if self._upload_id is None:
            self._client.put_object(
                Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer), ContentType=self._type
            )
        else:
            if self._buffer:
                self._send(bytes(self._buffer))
            self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer.clear()
        self._done = True

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        self._buffer.clear()
        if self._upload_id is not None:
            self._client.abort_multipart_upload(
                Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def _send(self, part: bytes) -> None:
        if self._upload_id is None:
            made = self._client.create_multipart_upload(
                Bucket=self._bucket, Key=self._key, ContentType=self._type
            )
            self._upload_id = str(made["UploadId"])
        number = len(self._parts) + 1
        sent = self._client.upload_part(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number,
            Body=part,
        )  # fmt: skip
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})


S3StreamWriter = outage_guarded(_S3StreamWriter)
