"""The media bucket and the catalog tables, asserted on the synthesized template's properties."""

from __future__ import annotations

from typing import Any

from infra.components.catalog import storage_schemas
from tests.infra.conftest import Synthesized


def _media_bucket(synth: Synthesized) -> dict[str, Any]:
    [bucket] = [
        r["Properties"]
        for r in synth.resources("AWS::S3::Bucket").values()
        if "CorsConfiguration" in r["Properties"]
    ]
    return bucket


def test_every_bucket_is_private_encrypted_and_tls_only(synth: Synthesized) -> None:
    buckets = synth.resources("AWS::S3::Bucket")
    assert len(buckets) == 3  # media, site, access logs
    for props in (b["Properties"] for b in buckets.values()):
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        [rule] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    tls_denied = set()
    for policy in synth.resources("AWS::S3::BucketPolicy").values():
        for st in policy["Properties"]["PolicyDocument"]["Statement"]:
            if st["Effect"] == "Deny" and st.get("Condition") == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                tls_denied.add(policy["Properties"]["Bucket"]["Ref"])
    assert tls_denied == set(buckets)


def test_media_bucket_lifecycle_versioning_and_cors(synth: Synthesized) -> None:
    bucket = _media_bucket(synth)
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert {"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}.items() <= next(
        r for r in rules if "AbortIncompleteMultipartUpload" in r
    ).items()
    assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") for r in rules)
    [cors] = bucket["CorsConfiguration"]["CorsRules"]
    assert sorted(cors["AllowedMethods"]) == ["GET", "PUT"]
    assert cors["ExposedHeaders"] == ["ETag"]
    [origin] = cors["AllowedOrigins"]
    # Exactly the site's own origin: https:// + the distribution's domain name.
    dist = next(iter(synth.resources("AWS::CloudFront::Distribution")))
    assert origin == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [dist, "DomainName"]}]]}


def test_media_events_go_to_the_queue_for_originals_only(synth: Synthesized) -> None:
    bucket = _media_bucket(synth)
    [config] = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert config["Event"] == "s3:ObjectCreated:*"
    assert config["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "originals/"}]
    queue = next(
        k
        for k, v in synth.resources("AWS::SQS::Queue").items()
        if "RedrivePolicy" in v["Properties"]
    )
    assert config["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}


def _key_schema(keys: dict[str, Any]) -> list[dict[str, str]]:
    schema = [{"AttributeName": keys["partition_key"]["name"], "KeyType": "HASH"}]
    if keys.get("sort_key"):
        schema.append({"AttributeName": keys["sort_key"]["name"], "KeyType": "RANGE"})
    return schema


def _indexes(described: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        ix["name"]: (
            _key_schema(ix),
            ix["projection"],
            sorted(ix["non_key_attributes"]),
        )
        for ix in described
    }


def _template_indexes(indexes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        ix["IndexName"]: (
            ix["KeySchema"],
            ix["Projection"]["ProjectionType"],
            sorted(ix["Projection"].get("NonKeyAttributes", [])),
        )
        for ix in indexes
    }


def test_tables_match_the_storage_layer_exactly(synth: Synthesized) -> None:
    tables = [t["Properties"] for t in synth.resources("AWS::DynamoDB::Table").values()]
    by_key = {t["KeySchema"][0]["AttributeName"] + str(len(t["KeySchema"])): t for t in tables}
    schemas = storage_schemas()
    assert len(tables) == len(schemas)
    for schema in schemas.values():
        table = by_key[schema["partition_key"]["name"] + str(len(_key_schema(schema)))]
        assert table["KeySchema"] == _key_schema(schema)
        assert _template_indexes(table.get("LocalSecondaryIndexes", [])) == _indexes(
            schema["local_secondary_indexes"]
        )
        assert _template_indexes(table.get("GlobalSecondaryIndexes", [])) == _indexes(
            schema["global_secondary_indexes"]
        )
        types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
        for ix in [schema, *schema["local_secondary_indexes"], *schema["global_secondary_indexes"]]:
            for role in ("partition_key", "sort_key"):
                if ix.get(role):
                    assert types[ix[role]["name"]] == ix[role]["type"]


def test_tables_are_on_demand_recoverable_and_protected(synth: Synthesized) -> None:
    for table in synth.resources("AWS::DynamoDB::Table").values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
