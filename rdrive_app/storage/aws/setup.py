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

from collections.abc import Callable
from typing import Any

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
    return report
