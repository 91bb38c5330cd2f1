"""The deployed media bucket and the one ``rdrive aws setup`` makes follow the same rules: the
synthesized template's CORS, lifecycle, Block Public Access, versioning, encryption and
ownership, compared with what the setup left on moto's bucket (both come from
rdrive_app/storage/aws/bucket_rules.py; this catches either side drifting)."""

from __future__ import annotations

from typing import Any

import boto3

from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import ensure_aws_resources
from tests.infra.conftest import Synthesized

SITE = "https://d111111abcdef8.cloudfront.net"


def _media_bucket(synth: Synthesized) -> dict[str, Any]:
    [bucket] = [
        r["Properties"]
        for r in synth.resources("AWS::S3::Bucket").values()
        if "CorsConfiguration" in r["Properties"]
    ]
    return bucket


def _from_template(props: dict[str, Any]) -> dict[str, Any]:
    """The template's bucket in the S3 API's words (CloudFormation renames a few fields)."""
    [cors] = props["CorsConfiguration"]["CorsRules"]
    lifecycle = []
    for rule in props["LifecycleConfiguration"]["Rules"]:
        api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"]}
        if "AbortIncompleteMultipartUpload" in rule:
            api["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
        if "NoncurrentVersionExpiration" in rule:
            api["NoncurrentVersionExpiration"] = rule["NoncurrentVersionExpiration"]
        if rule.get("ExpiredObjectDeleteMarker"):
            api["Expiration"] = {"ExpiredObjectDeleteMarker": True}
        lifecycle.append(api)
    [sse] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    return {
        "cors": {
            "AllowedHeaders": cors["AllowedHeaders"],
            "AllowedMethods": sorted(cors["AllowedMethods"]),
            "ExposeHeaders": cors["ExposedHeaders"],
            "MaxAgeSeconds": cors["MaxAge"],
            "origins": len(cors["AllowedOrigins"]),
        },
        "lifecycle": sorted(lifecycle, key=lambda r: r["ID"]),
        "public": props["PublicAccessBlockConfiguration"],
        "versioning": props["VersioningConfiguration"]["Status"],
        "encryption": sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "ownership": props["OwnershipControls"]["Rules"],
    }


def _from_bucket(s3: Any, bucket: str) -> dict[str, Any]:
    [cors] = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    lifecycle = []
    for rule in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]:
        assert rule.pop("Filter") == {"Prefix": ""}  # every key, like the template's rules
        lifecycle.append(rule)
    sse = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    return {
        "cors": {
            "AllowedHeaders": cors["AllowedHeaders"],
            "AllowedMethods": sorted(cors["AllowedMethods"]),
            "ExposeHeaders": cors["ExposeHeaders"],
            "MaxAgeSeconds": cors["MaxAgeSeconds"],
            "origins": len(cors["AllowedOrigins"]),
        },
        "lifecycle": sorted(lifecycle, key=lambda r: r["ID"]),
        "public": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
        "versioning": s3.get_bucket_versioning(Bucket=bucket)["Status"],
        "encryption": sse[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "ownership": s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"],
    }


def test_setup_bucket_follows_the_stacks_rules(synth: Synthesized, aws_endpoint: str) -> None:
    settings = Settings(
        backend=Backend.AWS,
        bucket="rdrive-rules-media",
        items_table="rdrive-rules-items",
        users_table="rdrive-rules-users",
        site_url=SITE,
    )
    ensure_aws_resources(settings)
    s3 = boto3.client("s3", region_name=settings.aws_region, endpoint_url=aws_endpoint)
    made = _from_bucket(s3, settings.bucket)
    deployed = _from_template(_media_bucket(synth))
    assert made == deployed
    assert s3.get_bucket_cors(Bucket=settings.bucket)["CORSRules"][0]["AllowedOrigins"] == [SITE]
