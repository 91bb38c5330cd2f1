"""AWS Lambda entry point: S3 "object created" events, directly or through SQS.

The same ``process_item`` as the local worker pool runs here. Events are at-least-once and
sometimes doubled (a completed multipart upload can notify twice), keys arrive
``quote_plus``-encoded, and S3 sends an ``s3:TestEvent`` when notifications are set up: all
of that is absorbed here. Only ``originals/<id>`` keys start processing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from rdrive_app.core.domain import Status
from rdrive_app.core.errors import NotFound, RDriveError
from rdrive_app.core.keys import item_of_original
from rdrive_app.core.settings import ProcessingMode, load_settings
from rdrive_app.services.processing import mark_failed, process_item
from rdrive_app.services.wiring import Services, build_services

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # SQS deliveries before the item is marked failed (then the message is dropped)
COMPLETE_GRACE_S = 20.0  # how long an event for an unfinished upload waits for the browser
COMPLETE_POLL_S = 0.5


@lru_cache(maxsize=1)
def runtime() -> Services:
    """The services, built once per Lambda container and reused while it is warm.

    Wired as the app wires them, with one difference whatever the environment says: here
    processing comes from S3's events (``RDRIVE_PROCESSING=events``), so a completion queues
    nothing and no worker pool is started; the handler processes the item itself.
    """
    settings = load_settings().model_copy(update={"processing": ProcessingMode.EVENTS})
    return build_services(settings)


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Process every original named in ``event``.

    SQS batches answer with ``batchItemFailures`` (enable ReportBatchItemFailures), so only
    the messages whose item hit a storage error are redelivered; after MAX_ATTEMPTS the item
    is marked failed instead. A direct S3 invocation never raises: a bad item ends failed.
    """
    services = runtime()
    deadline = _deadline(context)
    failures: list[dict[str, str]] = []
    seen: set[str] = set()
    for record in event.get("Records") or []:
        if record.get("eventSource") == "aws:sqs":
            attempts = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
            ok = _process_all(services, _s3_records(_body(record)), seen, attempts, deadline)
            if not ok:
                failures.append({"itemIdentifier": record.get("messageId", "")})
        else:
            _process_all(services, [record], seen, MAX_ATTEMPTS, deadline)
    return {"batchItemFailures": failures}


def item_ids(records: Any) -> Iterator[str]:
    """Item ids of the ``originals/<id>`` objects created in S3 event records."""
    for record in records or []:
        if not str(record.get("eventName", "ObjectCreated")).startswith("ObjectCreated"):
            continue
        key = unquote_plus(str(record.get("s3", {}).get("object", {}).get("key", "")))
        item_id = item_of_original(key)
        if item_id:
            yield item_id
        else:
            log.debug("ignoring S3 key %r", key)


def _deadline(context: Any) -> float | None:
    """When this invocation must be done (``time.monotonic()``), from the Lambda context: a
    playback rendition that would run past it stops and says so instead of being killed."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return time.monotonic() + remaining() / 1000 if callable(remaining) else None


def _process_all(
    services: Services, records: Any, seen: set[str], attempts: int, deadline: float | None
) -> bool:
    """Process the items of ``records``; False when one should be retried later."""
    storage = services.storage
    ok = True
    for item_id in item_ids(records):
        if item_id in seen:
            continue  # the same object twice in one batch
        seen.add(item_id)
        try:
            settle_upload(services, item_id)
            item = process_item(storage, services.settings, item_id, deadline=deadline)
            log.info("item %s: %s", item_id, item.status)
        except NotFound:
            log.info("item %s no longer exists; skipped", item_id)
        except Exception as exc:
            log.exception("processing %s failed (attempt %d)", item_id, attempts)
            if attempts >= MAX_ATTEMPTS:
                mark_failed(storage, item_id, f"processing failed: {exc}"[:300])
            else:
                ok = False
    return ok


def settle_upload(services: Services, item_id: str) -> None:
    """Make sure an item's upload was completed, and so checked, before it is processed.

    S3 announces an object as soon as its PUT ends, often before the browser has asked the
    app to complete the upload; processing it then would skip completion's checks (declared
    size, real type, screening), letting a file of any size in. So wait up to
    ``COMPLETE_GRACE_S`` for the browser's completion, then run the same completion here (a
    browser that closed after its PUT leaves it to this). A refused upload is discarded as
    completion always does.
    """
    deadline = time.monotonic() + COMPLETE_GRACE_S
    while services.storage.catalog.get_item(item_id).status == Status.UPLOADING:
        if time.monotonic() >= deadline:
            try:
                services.uploads.complete(item_id)
            except RDriveError as exc:
                log.info("upload %s refused at its S3 event: %s", item_id, exc.detail)
            return
        time.sleep(COMPLETE_POLL_S)


def _body(record: dict[str, Any]) -> Any:
    """The S3 event inside an SQS message (raw, or wrapped by SNS); [] for test events."""
    try:
        body = json.loads(record.get("body") or "{}")
    except json.JSONDecodeError:
        log.warning("ignoring an SQS message that is not JSON")
        return {}
    if isinstance(body, dict) and body.get("Type") == "Notification" and "Message" in body:
        body = json.loads(body["Message"])  # S3 → SNS → SQS
    return body if isinstance(body, dict) else {}


def _s3_records(body: dict[str, Any]) -> list[dict[str, Any]]:
    if body.get("Event") == "s3:TestEvent":
        return []
    return [r for r in body.get("Records") or [] if isinstance(r, dict)]
