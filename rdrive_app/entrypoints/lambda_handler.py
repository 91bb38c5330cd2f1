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
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from rdrive_app.core.domain import Status
from rdrive_app.core.errors import NotFound, RDriveError
from rdrive_app.core.keys import item_of_original
from rdrive_app.core.settings import Settings, load_settings
from rdrive_app.media.sniff import sniff_type
from rdrive_app.services.processing import mark_failed, process_item
from rdrive_app.services.uploads import UploadService
from rdrive_app.storage import Storage, build_storage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # SQS deliveries before the item is marked failed (then the message is dropped)
COMPLETE_GRACE_S = 20.0  # how long an event for an unfinished upload waits for the browser
COMPLETE_POLL_S = 0.5


@lru_cache(maxsize=1)
def runtime() -> tuple[Settings, Storage]:
    """Settings and storage, built once per Lambda container and reused while it is warm."""
    settings = load_settings()
    return settings, build_storage(settings)


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Process every original named in ``event``.

    SQS batches answer with ``batchItemFailures`` (enable ReportBatchItemFailures), so only
    the messages whose item hit a storage error are redelivered; after MAX_ATTEMPTS the item
    is marked failed instead. A direct S3 invocation never raises: a bad item ends failed.
    """
    settings, storage = runtime()
    failures: list[dict[str, str]] = []
    seen: set[str] = set()
    for record in event.get("Records") or []:
        if record.get("eventSource") == "aws:sqs":
            attempts = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
            ok = _process_all(storage, settings, _s3_records(_body(record)), seen, attempts)
            if not ok:
                failures.append({"itemIdentifier": record.get("messageId", "")})
        else:
            _process_all(storage, settings, [record], seen, MAX_ATTEMPTS)
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


def _process_all(
    storage: Storage, settings: Settings, records: Any, seen: set[str], attempts: int
) -> bool:
    """Process the items of ``records``; False when one should be retried later."""
    ok = True
    for item_id in item_ids(records):
        if item_id in seen:
            continue  # the same object twice in one batch
        seen.add(item_id)
        try:
            settle_upload(storage, settings, item_id)
            item = process_item(storage, settings, item_id)
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


class _Inline:
    """Completion's queue inside the Lambda: the caller processes the item right after."""

    def submit(self, item_id: str) -> None:
        log.debug("item %s completed by its S3 event", item_id)


def settle_upload(
    storage: Storage,
    settings: Settings,
    item_id: str,
    *,
    grace_s: float = COMPLETE_GRACE_S,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Make sure an item's upload was completed, and so checked, before it is processed.

    S3 announces an object as soon as its PUT ends, often before the browser has asked the
    app to complete the upload; processing it then would skip completion's checks (declared
    size, real type, screening), letting a file of any size in. So wait up to ``grace_s``
    for the browser's completion, then run the same completion here (a browser that closed
    after its PUT leaves it to this). A refused upload is discarded as completion always does.
    """
    deadline = time.monotonic() + grace_s
    while storage.catalog.get_item(item_id).status == Status.UPLOADING:
        if time.monotonic() >= deadline:
            uploads = UploadService(storage, settings, sniff_type, _Inline())
            try:
                uploads.complete(item_id)
            except RDriveError as exc:
                log.info("upload %s refused at its S3 event: %s", item_id, exc.detail)
            return
        sleep(COMPLETE_POLL_S)


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
