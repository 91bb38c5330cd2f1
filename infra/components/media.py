"""The private media bucket: originals and thumbnails, never public, never lost.

Browsers PUT and GET through presigned URLs, so the bucket needs CORS for the site's origin
only; ETag is exposed because the multipart upload client reads each part's ETag. Versioning
keeps an overwritten or deleted object recoverable for ``noncurrent_version_days``. The CORS and
lifecycle values are ``rdrive_app.storage.aws.bucket_rules``, which ``rdrive aws setup`` also
applies to local endpoints (tests/infra/test_bucket_rules.py compares the two buckets).
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.config import ORIGINALS_PREFIX, THUMBS_PREFIX, DeployConfig
from rdrive_app.storage.aws import bucket_rules as rules


def media_bucket_name(config: DeployConfig) -> str:
    """The media bucket's name: predictable, so IAM, CSP and the queue policy can name it
    without referencing the bucket (which depends on the distribution through CORS)."""
    return f"{config.prefix}-media-{Aws.ACCOUNT_ID}-{Aws.REGION}"


def media_hosts(config: DeployConfig) -> list[str]:
    """The one host presigned URLs point at, for the CSP: the bucket's virtual-hosted, regional
    name (rdrive_app/storage/aws/blobs.py signs every URL that way, us-east-1 included). Nothing
    broader: a source such as ``https://*.s3.amazonaws.com`` would let a page talk to any
    bucket, an attacker's included (tests/infra/test_csp_regions.py)."""
    return [f"https://{media_bucket_name(config)}.s3.{Aws.REGION}.amazonaws.com"]


def media_objects_arn(bucket_name: str, prefix: str) -> str:
    """ARN of every key under ``prefix`` (IAM statements are scoped to one key prefix)."""
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name}/{prefix}*"


def list_media_statement(bucket_name: str) -> iam.PolicyStatement:
    """s3:ListBucket, limited to the two prefixes when a listing names one.

    ``IfExists``: a HEAD of a missing key carries no prefix, and S3 answers it 404 (not 403)
    only to callers allowed to list; the storage layer's ``size()`` relies on that 404.
    """
    return iam.PolicyStatement(
        sid="ListMediaPrefixes",
        actions=["s3:ListBucket"],
        resources=[f"arn:{Aws.PARTITION}:s3:::{bucket_name}"],
        conditions={
            "StringLikeIfExists": {"s3:prefix": [f"{ORIGINALS_PREFIX}*", f"{THUMBS_PREFIX}*"]}
        },
    )


class MediaStorage(Construct):
    """The media bucket: Block Public Access, SSE-S3, TLS only, versioned, CORS for the site."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeployConfig,
        site_origin: str,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket_name = media_bucket_name(config)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=self.bucket_name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="media/",
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id=rules.ABORT_MULTIPART_RULE,
                    abort_incomplete_multipart_upload_after=Duration.days(
                        rules.ABORT_MULTIPART_DAYS
                    ),
                ),
                s3.LifecycleRule(
                    id=rules.NONCURRENT_RULE,
                    noncurrent_version_expiration=Duration.days(config.noncurrent_version_days),
                    expired_object_delete_marker=True,
                ),
            ],
            cors=[
                s3.CorsRule(
                    allowed_origins=[site_origin],
                    allowed_methods=[s3.HttpMethods(m) for m in rules.CORS_METHODS],
                    allowed_headers=list(rules.CORS_HEADERS),
                    exposed_headers=list(rules.CORS_EXPOSED),
                    max_age=rules.CORS_MAX_AGE_S,
                )
            ],
        )
