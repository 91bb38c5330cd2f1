"""The media bucket's rules, in one place: the CDK stack (infra/components/media.py) builds the
deployed bucket from these values, and ``rdrive aws setup`` (aws/setup.py) puts the same ones on
any S3 endpoint, so a local run and a deploy cannot drift apart (tests/infra checks both).

Plain data and S3 API shapes only; nothing here talks to S3.
"""

from __future__ import annotations

from typing import Any

# Browsers PUT originals (single and multipart) and GET media through presigned URLs from the
# site's origin only. <img> and <video> without `crossorigin` need no CORS; XMLHttpRequest's
# PUT does, and the multipart client reads each part's ETag.
CORS_METHODS: tuple[str, ...] = ("GET", "PUT")
CORS_HEADERS: tuple[str, ...] = ("*",)
CORS_EXPOSED: tuple[str, ...] = ("ETag",)
CORS_MAX_AGE_S = 3000

ABORT_MULTIPART_RULE = "abort-incomplete-multipart"
ABORT_MULTIPART_DAYS = 1  # parts of an upload nobody finishes stop costing after a day
NONCURRENT_RULE = "expire-noncurrent-versions"
NONCURRENT_VERSION_DAYS = 30  # an overwritten or deleted object stays recoverable this long

PUBLIC_ACCESS_BLOCK: dict[str, bool] = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def cors_configuration(site_origin: str) -> dict[str, Any]:
    """PutBucketCors's CORSConfiguration: the site's origin, nothing else."""
    return {
        "CORSRules": [
            {
                "AllowedOrigins": [site_origin],
                "AllowedMethods": list(CORS_METHODS),
                "AllowedHeaders": list(CORS_HEADERS),
                "ExposeHeaders": list(CORS_EXPOSED),
                "MaxAgeSeconds": CORS_MAX_AGE_S,
            }
        ]
    }


def lifecycle_configuration(noncurrent_days: int = NONCURRENT_VERSION_DAYS) -> dict[str, Any]:
    """PutBucketLifecycleConfiguration's LifecycleConfiguration."""
    return {
        "Rules": [
            {
                "ID": ABORT_MULTIPART_RULE,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS},
            },
            {
                "ID": NONCURRENT_RULE,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "NoncurrentVersionExpiration": {"NoncurrentDays": noncurrent_days},
                "Expiration": {"ExpiredObjectDeleteMarker": True},
            },
        ]
    }
