"""The Lambda handler fed with the events moto's S3 really sends (to SQS), and hand-made ones."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.keys import original_key
from rdrive_app.core.settings import ProcessingMode, Settings
from rdrive_app.entrypoints import lambda_handler
from rdrive_app.entrypoints.lambda_handler import handler, item_ids
from rdrive_app.services.processing import EventQueue
from rdrive_app.storage import Storage

aws_only = pytest.mark.parametrize("storage_settings", ["aws"], indirect=True)


@pytest.fixture
def lambda_env(
    storage_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The environment a deployed function gets; the handler builds its services from it."""
    for field in ("bucket", "items_table", "users_table", "aws_region", "jwt_secret"):
        monkeypatch.setenv(f"RDRIVE_{field.upper()}", str(getattr(storage_settings, field)))
    monkeypatch.setenv("RDRIVE_BACKEND", "aws")
    monkeypatch.setenv("RDRIVE_DATA_DIR", str(tmp_path / "lambda"))  # /tmp/rdrive when deployed
    lambda_handler.runtime.cache_clear()
    yield
    lambda_handler.runtime.cache_clear()


@pytest.fixture
def queue_url(storage: Storage, storage_settings: Settings) -> str:
    """An SQS queue that the bucket notifies of new originals, as the CDK stack sets up."""
    sqs = boto3.client("sqs", region_name=storage_settings.aws_region)
    url = sqs.create_queue(QueueName="rdrive-test-processing")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    boto3.client(
        "s3", region_name=storage_settings.aws_region
    ).put_bucket_notification_configuration(
        Bucket=storage_settings.bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "originals/"}]}},
                }
            ]
        },
    )
    return url


def sqs_event(queue_url: str, region: str) -> dict[str, Any]:
    """Receive everything on the queue and shape it as Lambda's SQS event source does."""
    sqs = boto3.client("sqs", region_name=region)
    records = []
    while True:
        got = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["ApproximateReceiveCount"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not got:
            return {"Records": records}
        for m in got:
            records.append(
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "eventSource": "aws:sqs",
                    "awsRegion": region,
                }
            )


def pending_item(storage: Storage, name: str) -> MediaItem:
    item = MediaItem(
        id=new_id(),
        folder="/",
        name=name,
        kind=Kind.IMAGE,
        content_type="image/jpeg",
        size=1,
        uploaded_by="ann",
        status=Status.PROCESSING,
    )
    return storage.catalog.add_item(item)


@aws_only
def test_s3_events_through_sqs(
    storage: Storage,
    storage_settings: Settings,
    media_dir: Path,
    queue_url: str,
    lambda_env: None,
) -> None:
    photo = pending_item(storage, "photo.jpg")
    text = pending_item(storage, "notes.jpg")
    storage.blobs.put(
        original_key(photo.id), (media_dir / "photos/Canon_40D.jpg").read_bytes(), "image/jpeg"
    )
    storage.blobs.put(original_key(text.id), b"not a photo", "image/jpeg")
    storage.blobs.put(f"thumbs/{photo.id}/thumb.webp", b"x", "image/webp")  # filtered out
    event = sqs_event(queue_url, storage_settings.aws_region)
    bodies = [json.loads(r["body"]) for r in event["Records"]]
    assert any(b.get("Event") == "s3:TestEvent" for b in bodies)  # moto sends one, as S3 does
    assert len(event["Records"]) >= 3

    event["Records"].append(dict(event["Records"][-1]))  # a duplicate delivery
    assert handler(event, None) == {"batchItemFailures": []}

    done = storage.catalog.get_item(photo.id)
    assert done.status == Status.READY, done.status_reason
    assert done.camera == "Canon EOS 40D"
    assert storage.blobs.size(done.thumbnails["thumb"])
    refused = storage.catalog.get_item(text.id)
    assert (refused.status, refused.status_reason) == (Status.FAILED, "not a photo or video")
    assert handler(event, None) == {"batchItemFailures": []}  # redelivered: nothing changes
    assert storage.catalog.get_item(photo.id) == done


@aws_only
def test_direct_s3_event_with_an_encoded_key(
    storage: Storage, media_dir: Path, lambda_env: None
) -> None:
    item = pending_item(storage, "n.jpg")
    storage.blobs.put(
        original_key(item.id), (media_dir / "photos/Nikon_D70.jpg").read_bytes(), "image/jpeg"
    )
    record = {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:CompleteMultipartUpload",
        "s3": {"bucket": {"name": os.environ["RDRIVE_BUCKET"]}, "object": {"key": ""}},
    }
    record["s3"]["object"]["key"] = f"originals%2F{item.id}"  # type: ignore[index]
    gone = json.loads(json.dumps(record))
    gone["s3"]["object"]["key"] = "originals/0123456789abcdef0123456789abcdef"  # no such item
    assert handler({"Records": [record, gone]}, None) == {"batchItemFailures": []}
    assert storage.catalog.get_item(item.id).status == Status.READY


@aws_only
def test_storage_errors_are_retried_then_recorded(
    storage: Storage, lambda_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = pending_item(storage, "x.jpg")

    def broken(*args: object, **kwargs: object) -> MediaItem:
        raise ConnectionError("S3 is having a day")

    monkeypatch.setattr(lambda_handler, "process_item", broken)
    body = json.dumps({"Records": [{"s3": {"object": {"key": original_key(item.id)}}}]})

    def message(attempt: int) -> dict[str, Any]:
        return {
            "messageId": f"m{attempt}",
            "body": body,
            "eventSource": "aws:sqs",
            "attributes": {"ApproximateReceiveCount": str(attempt)},
        }

    assert handler({"Records": [message(1)]}, None) == {
        "batchItemFailures": [{"itemIdentifier": "m1"}]
    }
    assert storage.catalog.get_item(item.id).status == Status.PROCESSING  # SQS will retry
    assert handler({"Records": [message(3)]}, None) == {"batchItemFailures": []}
    failed = storage.catalog.get_item(item.id)
    assert (failed.status, failed.status_reason) == (
        Status.FAILED,
        "processing failed: S3 is having a day",
    )


def test_item_ids_filters_keys_and_event_types() -> None:
    def rec(key: str, name: str = "ObjectCreated:Put") -> dict[str, Any]:
        return {"eventName": name, "s3": {"object": {"key": key}}}

    records = [
        rec("originals/abc123"),
        rec("originals%2Fdef456"),
        rec("thumbs/abc123/thumb.webp"),
        rec("originals/abc/../etc"),
        rec("originals/ghi789", "ObjectRemoved:Delete"),
        rec("somewhere/else"),
    ]
    assert list(item_ids(records)) == ["abc123", "def456"]


@aws_only
def test_the_function_is_wired_for_events_whatever_the_environment_says(
    lambda_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDRIVE_PROCESSING", "app")  # would start a worker pool in the app
    services = lambda_handler.runtime()
    assert services.settings.processing is ProcessingMode.EVENTS
    assert isinstance(services.processing, EventQueue)
    assert services.settings.bucket == os.environ["RDRIVE_BUCKET"]
