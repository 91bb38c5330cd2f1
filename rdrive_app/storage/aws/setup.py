"""Make the media bucket and the two tables on an S3/DynamoDB endpoint, as the stack makes them.

On AWS the CDK stack owns these. Anywhere else (moto's server, LocalStack, MinIO with DynamoDB
Local) ``rdrive aws setup`` calls this: the bucket with the stack's rules (bucket_rules.py: CORS
for the site's origin only, the lifecycle rules, Block Public Access, versioning, SSE-S3, owner
enforced) and the tables from the models (the stack builds them from the same schemas). Every
step is idempotent. An endpoint that does not implement a bucket setting (MinIO has no Block
Public Access API; its buckets are private anyway) is reported as such, and the rest goes on;
any other error stops the setup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

from rdrive_app.core.settings import Settings
from rdrive_app.storage.aws import bucket_rules
from rdrive_app.storage.aws.blobs import s3_client
from rdrive_app.storage.aws.models import models_for

_UNSUPPORTED = {"NotImplemented", "XNotImplemented", "UnsupportedOperation"}


def _unsupported(exc: ClientError) -> bool:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 501 or exc.response.get("Error", {}).get("Code") in _UNSUPPORTED


def _step(report: list[str], what: str, done: str, call: Callable[[], Any]) -> None:
    try:
        call()
    except ClientError as exc:
        if not _unsupported(exc):
            raise
        code = exc.response.get("Error", {}).get("Code", "501")
        report.append(f"{what}: not supported by this endpoint ({code}), skipped")
        return
    report.append(f"{what}: {done}")


def _ensure_bucket(s3: Any, bucket: str, region: str) -> str:
    try:
        s3.head_bucket(Bucket=bucket)
        return "exists"
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) not in {"404", "NoSuchBucket"}:
            raise
    where = {} if region == "us-east-1" else {"LocationConstraint": region}
    try:
        s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": where} if where else {}))
    except ClientError as exc:  # made by a concurrent setup in between: fine
        if exc.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
            raise
    return "created"


def ensure_resources(settings: Settings) -> list[str]:
    """Make what is missing and (re)apply the bucket's rules; one report line per step."""
    s3 = s3_client(settings.aws_region)
    bucket = settings.bucket
    report = [f"bucket {bucket}: {_ensure_bucket(s3, bucket, settings.aws_region)}"]
    _step(
        report,
        "  Block Public Access",
        "all four settings on",
        lambda: s3.put_public_access_block(
            Bucket=bucket, PublicAccessBlockConfiguration=bucket_rules.PUBLIC_ACCESS_BLOCK
        ),
    )
    _step(
        report,
        "  object ownership",
        "bucket owner enforced (no ACLs)",
        lambda: s3.put_bucket_ownership_controls(
            Bucket=bucket,
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        ),
    )
    _step(
        report,
        "  encryption",
        "SSE-S3 (AES256)",
        lambda: s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        ),
    )
    _step(
        report,
        "  versioning",
        "enabled",
        lambda: s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
        ),
    )
    methods = ", ".join(bucket_rules.CORS_METHODS)
    _step(
        report,
        "  CORS",
        f"{methods} from {settings.site_url} only, exposing ETag",
        lambda: s3.put_bucket_cors(
            Bucket=bucket, CORSConfiguration=bucket_rules.cors_configuration(settings.site_url)
        ),
    )
    _step(
        report,
        "  lifecycle",
        f"incomplete multipart uploads aborted after {bucket_rules.ABORT_MULTIPART_DAYS} day, "
        f"noncurrent versions expire after {bucket_rules.NONCURRENT_VERSION_DAYS} days",
        lambda: s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration=bucket_rules.lifecycle_configuration()
        ),
    )
    models = models_for(settings.items_table, settings.users_table, settings.aws_region)
    for model in (models.items, models.users):
        existed = model.exists()
        if not existed:
            model.create_table(wait=True)
        report.append(f"table {model.Meta.table_name}: {'exists' if existed else 'created'}")
        if existed:
            for name in _add_missing_indexes(model, settings.aws_region):
                report.append(f"  index {name}: added")
            ttl = _ensure_ttl(model, settings.aws_region)
            if ttl:
                report.append(f"  time to live on {ttl}: enabled")
    return report


def _ensure_ttl(model: Any, region: str) -> str | None:
    """Turn on the time to live a table made by an older version lacks (the search's
    tombstones expire by it; a new table gets it from pynamodb's create_table); the attribute
    when it was turned on now."""
    ttl = model._ttl_attribute()
    if ttl is None:
        return None
    client = boto3.client("dynamodb", region_name=region)
    table = model.Meta.table_name
    status = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return None
    client.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl.attr_name},
    )
    return str(ttl.attr_name)


def _add_missing_indexes(model: Any, region: str) -> list[str]:
    """Give a table made by an older version the global indexes its model has gained (the
    timeline's, say), one at a time as DynamoDB requires, each waited for until active."""
    client = boto3.client("dynamodb", region_name=region)
    table = model.Meta.table_name
    have = client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
    have_names = {ix["IndexName"] for ix in have}
    schema = model._get_schema()
    types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    added = []
    for ix in schema["global_secondary_indexes"]:
        if ix["index_name"] in have_names:
            continue
        keys = [k["AttributeName"] for k in ix["key_schema"]]
        client.update_table(
            TableName=table,
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": types[k]} for k in keys],
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": ix["index_name"],
                        "KeySchema": ix["key_schema"],
                        "Projection": ix["projection"],
                    }
                }
            ],
        )
        client.get_waiter("table_exists").wait(TableName=table)
        _wait_active(client, table, ix["index_name"])
        added.append(ix["index_name"])
    return added


def _wait_active(client: Any, table: str, index: str, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
        if all(
            ix.get("IndexStatus", "ACTIVE") == "ACTIVE" for ix in found if ix["IndexName"] == index
        ):
            return
        time.sleep(1)
    raise TimeoutError(f"index {index} of {table} did not become active")
