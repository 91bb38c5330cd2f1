"""Records every AWS API call our code makes, and what IAM authorizes each one as.

botocore is the one road to AWS here: boto3's clients, their presigning and pynamodb all go
through ``BaseClient``. Two class-level hooks see every client, whenever it was made (the
storage layer caches clients, and may keep a second one for presigning):

* ``_make_api_call``: a call, with the error code it got back (a 404 needs more than a 200);
* ``_emit_api_params`` when botocore marks the context ``is_presign_request``: a presigned
  URL. Nothing is sent then, but whoever uses the URL acts with the signer's credentials, so
  the signer's role must allow the action the URL performs.

``iam_requests`` then says what IAM checks for a call (the service authorization reference:
HeadObject is s3:GetObject, a multipart step is s3:PutObject, a transaction is one check per
item and table...). An operation with no entry raises: a new kind of call must be mapped here
before the coverage can say anything about it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.client
from botocore.exceptions import ClientError

from tests.infra import cfn
from tests.infra.iam_policy import Request

MOTO_ACCOUNT = cfn.ACCOUNT  # moto's default account: what the ARNs are built with


@dataclass(frozen=True)
class Call:
    """One API call (or presigned URL) made while ``component`` was acting."""

    component: str
    service: str  # botocore's service name: "s3", "dynamodb", "sqs"
    operation: str  # "GetObject"
    region: str
    params: dict[str, Any]
    presigned: bool = False
    error: str | None = None  # the error code AWS answered with, if any


@dataclass
class Recorder:
    """Calls made while a component is named with ``acting_as``; others are the harness's."""

    calls: list[Call] = field(default_factory=list)
    _component: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def acting_as(self, component: str | None) -> Iterator[None]:
        """Name who acts (a process-wide label: the app's worker threads act for it too)."""
        before, self._component = self._component, component
        try:
            yield
        finally:
            self._component = before

    def note(self, client: Any, operation: str, params: Any, **extra: Any) -> None:
        if self._component is None:
            return
        call = Call(
            component=self._component,
            service=client.meta.service_model.service_name,
            operation=operation,
            region=client.meta.region_name,
            params=dict(params or {}),
            **extra,
        )
        with self._lock:
            self.calls.append(call)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Hook botocore's client class for the duration (whatever client the code makes)."""
    recorder = Recorder()
    make_call = botocore.client.BaseClient._make_api_call
    emit_params = botocore.client.BaseClient._emit_api_params

    def _make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
        try:
            result = make_call(self, operation_name, api_params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "?"))
            recorder.note(self, operation_name, api_params, error=code)
            raise
        recorder.note(self, operation_name, api_params)
        return result

    def _emit_api_params(self: Any, api_params: Any, operation_model: Any, context: Any) -> Any:
        if context.get("is_presign_request"):
            recorder.note(self, operation_model.name, api_params, presigned=True)
        return emit_params(self, api_params, operation_model, context)

    botocore.client.BaseClient._make_api_call = _make_api_call
    botocore.client.BaseClient._emit_api_params = _emit_api_params
    try:
        yield recorder
    finally:
        botocore.client.BaseClient._make_api_call = make_call
        botocore.client.BaseClient._emit_api_params = emit_params


# ---- what IAM checks for a call ---------------------------------------------------------------

_S3_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
}
_S3_BUCKET_ACTIONS = {
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
}
# ListBucket's condition keys, from the request's parameters.
_S3_LIST_KEYS = {"Prefix": "s3:prefix", "Delimiter": "s3:delimiter", "MaxKeys": "s3:max-keys"}
_S3_MISSING = {"NoSuchKey", "404", "NotFound"}
_DYNAMO_TABLE_ACTIONS = {
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "DescribeTable",
}
_DYNAMO_TX_STEPS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
_SQS_ACTIONS = {
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "GetQueueUrl",
}


class UnmappedOperation(LookupError):
    """A call whose IAM actions this module does not know yet."""


def iam_requests(call: Call) -> list[Request]:
    """The authorization checks AWS makes for ``call`` (one call can need several)."""
    p = call.params
    if call.service == "s3":
        return _s3(call.operation, p, call.error)
    if call.service == "dynamodb":
        return _dynamodb(call, p)
    if call.service == "sqs" and call.operation in _SQS_ACTIONS:
        name = str(p["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
        arn = f"arn:aws:sqs:{call.region}:{MOTO_ACCOUNT}:{name}"
        action = call.operation.removesuffix("Batch")  # a batch checks the single action
        return [Request(f"sqs:{action}", arn)]
    raise UnmappedOperation(f"{call.service}:{call.operation}")


def _s3(operation: str, p: dict[str, Any], error: str | None) -> list[Request]:
    bucket_arn = f"arn:aws:s3:::{p['Bucket']}"
    if operation in _S3_OBJECT_ACTIONS:
        found = [Request(_S3_OBJECT_ACTIONS[operation], f"{bucket_arn}/{p['Key']}")]
        if operation in ("GetObject", "HeadObject") and error in _S3_MISSING:
            # S3 answers a missing key 404 only to callers that may list the bucket (403
            # otherwise): the storage layer's size() relies on that 404.
            found.append(Request("s3:ListBucket", bucket_arn))
        return found
    if operation == "DeleteObjects":
        objects = p["Delete"]["Objects"]
        return [Request("s3:DeleteObject", f"{bucket_arn}/{o['Key']}") for o in objects]
    if operation == "CopyObject":
        source = p["CopySource"]
        src = source if isinstance(source, str) else f"{source['Bucket']}/{source['Key']}"
        return [
            Request("s3:GetObject", f"arn:aws:s3:::{src.lstrip('/')}"),
            Request("s3:PutObject", f"{bucket_arn}/{p['Key']}"),
        ]
    if operation in _S3_BUCKET_ACTIONS:
        context = {key: str(p[param]) for param, key in _S3_LIST_KEYS.items() if param in p}
        return [Request(_S3_BUCKET_ACTIONS[operation], bucket_arn, context)]
    raise UnmappedOperation(f"s3:{operation}")


def _table_arn(call: Call, table: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{call.region}:{MOTO_ACCOUNT}:table/{table}"
    return f"{arn}/index/{index}" if index else arn


def _dynamodb(call: Call, p: dict[str, Any]) -> list[Request]:
    op = call.operation
    if op in _DYNAMO_TABLE_ACTIONS:
        return [Request(f"dynamodb:{op}", _table_arn(call, p["TableName"], p.get("IndexName")))]
    if op in ("BatchGetItem", "BatchWriteItem"):
        return [Request(f"dynamodb:{op}", _table_arn(call, t)) for t in p["RequestItems"]]
    if op in ("TransactWriteItems", "TransactGetItems"):
        found = []
        for step in p["TransactItems"]:
            [(kind, body)] = step.items()
            found.append(
                Request(f"dynamodb:{_DYNAMO_TX_STEPS[kind]}", _table_arn(call, body["TableName"]))
            )
        return found
    raise UnmappedOperation(f"dynamodb:{op}")
