"""``rdrive aws setup`` through the real entry point (``python -m rdrive_app``, i.e.
``entrypoints.cli:main``) against moto's server: the bucket and tables it makes, read back, and
a second run that changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from rdrive_app.storage.aws.models import make_models, table_schemas

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = "https://photos.example"
BUCKET = "rdrive-setup-media"
ITEMS, USERS = "rdrive-setup-items", "rdrive-setup-users"
REGION = "eu-west-1"  # a LocationConstraint, unlike us-east-1


def _env(endpoint: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RDRIVE_", "AWS_ENDPOINT"))}
    env.update(
        RDRIVE_BACKEND="aws",
        RDRIVE_BUCKET=BUCKET,
        RDRIVE_ITEMS_TABLE=ITEMS,
        RDRIVE_USERS_TABLE=USERS,
        RDRIVE_AWS_REGION=REGION,
        RDRIVE_SITE_URL=SITE,
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


@pytest.fixture
def run_setup(aws_endpoint: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(endpoint: str | None = aws_endpoint) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rdrive_app", "aws", "setup"],
            cwd=REPO_ROOT,
            env=_env(endpoint),
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _bucket_state(s3: Any) -> dict[str, Any]:
    return {
        "cors": s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"],
        "lifecycle": s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"],
        "public": s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"],
        "versioning": s3.get_bucket_versioning(Bucket=BUCKET).get("Status"),
        "encryption": s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"][
            "Rules"
        ][0]["ApplyServerSideEncryptionByDefault"],
        "ownership": s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"],
        "region": s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"],
    }


def test_setup_makes_the_bucket_and_tables_and_runs_again(
    run_setup: Callable[..., subprocess.CompletedProcess[str]], aws_endpoint: str
) -> None:
    first = run_setup()
    assert first.returncode == 0, first.stderr
    assert f"bucket {BUCKET}: created" in first.stdout
    assert f"table {ITEMS}: created" in first.stdout and f"table {USERS}: created" in first.stdout
    assert f"CORS: GET, PUT from {SITE} only" in first.stdout

    s3 = boto3.client("s3", region_name=REGION, endpoint_url=aws_endpoint)
    state = _bucket_state(s3)
    [cors] = state["cors"]
    assert cors["AllowedOrigins"] == [SITE]
    assert sorted(cors["AllowedMethods"]) == ["GET", "PUT"]
    assert cors["ExposeHeaders"] == ["ETag"]
    abort = [r for r in state["lifecycle"] if "AbortIncompleteMultipartUpload" in r]
    assert [r["AbortIncompleteMultipartUpload"] for r in abort] == [{"DaysAfterInitiation": 1}]
    assert abort[0]["Status"] == "Enabled" and abort[0]["Filter"] == {"Prefix": ""}
    assert state["public"] == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    assert state["versioning"] == "Enabled"
    assert state["encryption"]["SSEAlgorithm"] == "AES256"
    assert state["ownership"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert state["region"] == REGION

    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws_endpoint)
    expected = table_schemas(make_models(ITEMS, USERS, REGION))
    for schema in expected.values():
        table = dynamodb.describe_table(TableName=schema["table_name"])["Table"]
        keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
        assert keys["HASH"] == schema["partition_key"]["name"]
        assert keys.get("RANGE") == schema.get("sort_key", {}).get("name")
        gsis = {ix["IndexName"] for ix in table.get("GlobalSecondaryIndexes", [])}
        lsis = {ix["IndexName"] for ix in table.get("LocalSecondaryIndexes", [])}
        assert gsis == {ix["name"] for ix in schema.get("global_secondary_indexes", [])}
        assert lsis == {ix["name"] for ix in schema.get("local_secondary_indexes", [])}

    second = run_setup()
    assert second.returncode == 0, second.stderr
    assert f"bucket {BUCKET}: exists" in second.stdout
    assert f"table {ITEMS}: exists" in second.stdout and f"table {USERS}: exists" in second.stdout
    assert _bucket_state(s3) == state


def test_cors_lets_the_site_origin_only_preflight_a_put(
    run_setup: Callable[..., subprocess.CompletedProcess[str]], aws_endpoint: str
) -> None:
    assert run_setup().returncode == 0
    scheme, rest = aws_endpoint.split("://", 1)
    url = f"{scheme}://{BUCKET}.{rest}/originals/x"  # the presigned URLs' (virtual) host
    asked = {
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "if-none-match",
    }
    site = httpx.options(url, headers={"Origin": SITE, **asked})
    assert site.status_code == 200
    assert site.headers["access-control-allow-origin"] == SITE
    assert "PUT" in site.headers["access-control-allow-methods"]
    other = httpx.options(url, headers={"Origin": "https://evil.example", **asked})
    assert other.status_code == 403


def test_setup_refuses_without_an_endpoint(
    run_setup: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    refused = run_setup(endpoint=None)
    assert refused.returncode == 1
    assert "AWS_ENDPOINT_URL is not set" in refused.stderr
    assert "created" not in refused.stdout


def test_setup_adds_the_indexes_an_older_table_lacks(
    run_setup: Callable[..., subprocess.CompletedProcess[str]], aws_endpoint: str
) -> None:
    """A table made before the timeline existed gains its indexes (one at a time, as DynamoDB
    requires); the records already in it stay."""
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=aws_endpoint)
    schema = make_models(ITEMS, USERS, REGION).items._get_schema()
    new = {"by_timeline", "by_favorite"}

    def index(ix: dict[str, Any]) -> dict[str, Any]:
        return {
            "IndexName": ix["index_name"],
            "KeySchema": ix["key_schema"],
            "Projection": ix["projection"],
        }

    old_gsis = [
        index(ix) for ix in schema["global_secondary_indexes"] if ix["index_name"] not in new
    ]
    used = {
        k["AttributeName"]
        for ix in old_gsis + [index(i) for i in schema["local_secondary_indexes"]]
        for k in ix["KeySchema"]
    }
    used |= {k["AttributeName"] for k in schema["key_schema"]}
    dynamodb.create_table(
        TableName=ITEMS,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=schema["key_schema"],
        AttributeDefinitions=[
            a for a in schema["attribute_definitions"] if a["AttributeName"] in used
        ],
        LocalSecondaryIndexes=[index(i) for i in schema["local_secondary_indexes"]],
        GlobalSecondaryIndexes=old_gsis,
    )
    dynamodb.put_item(
        TableName=ITEMS, Item={"folder": {"S": "/"}, "name": {"S": "kept"}, "kind": {"S": "folder"}}
    )

    first = run_setup()
    assert first.returncode == 0, first.stderr
    assert f"table {ITEMS}: exists" in first.stdout
    assert "index by_timeline: added" in first.stdout and "index by_favorite: added" in first.stdout
    table = dynamodb.describe_table(TableName=ITEMS)["Table"]
    assert new <= {ix["IndexName"] for ix in table["GlobalSecondaryIndexes"]}
    assert dynamodb.get_item(TableName=ITEMS, Key={"folder": {"S": "/"}, "name": {"S": "kept"}})[
        "Item"
    ]
    second = run_setup()
    assert "index" not in second.stdout.replace("indexes", "")
