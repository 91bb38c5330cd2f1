"""The DynamoDB tables, built from the storage layer's own description of them.

``rdrive_app.storage.aws.models.table_schemas`` is the one source of truth for key schema and
indexes: the pynamodb models the app queries produce it, and this construct only translates it,
so a new index in the models appears in the stack without anyone copying it here.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from rdrive_app.storage.aws.models import make_models, table_schemas

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}


def storage_schemas() -> dict[str, dict[str, Any]]:
    """The storage layer's table descriptions (the names are CloudFormation's to choose)."""
    return table_schemas(make_models("items", "users", "us-east-1"))


def _attribute(key: dict[str, str]) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=key["name"], type=_TYPES[key["type"]])


def _index_kwargs(index: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "index_name": index["name"],
        "projection_type": _PROJECTIONS[index["projection"]],
    }
    if index.get("sort_key"):
        kwargs["sort_key"] = _attribute(index["sort_key"])
    if index["non_key_attributes"]:
        kwargs["non_key_attributes"] = index["non_key_attributes"]
    return kwargs


class CatalogTable(Construct):
    """One table: on demand, point-in-time recovery, deletion protection, retained on delete."""

    def __init__(self, scope: Construct, construct_id: str, *, schema: dict[str, Any]) -> None:
        super().__init__(scope, construct_id)
        if schema["billing_mode"] != "PAY_PER_REQUEST":
            raise ValueError(f"unexpected billing mode {schema['billing_mode']}")
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_attribute(schema["partition_key"]),
            sort_key=_attribute(schema["sort_key"]) if schema.get("sort_key") else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            time_to_live_attribute=schema.get("ttl_attribute"),
        )
        for lsi in schema["local_secondary_indexes"]:
            self.table.add_local_secondary_index(**_index_kwargs(lsi))
        for gsi in schema["global_secondary_indexes"]:
            self.table.add_global_secondary_index(
                partition_key=_attribute(gsi["partition_key"]), **_index_kwargs(gsi)
            )


class Catalog(Construct):
    """The items and users tables exactly as ``table_schemas`` describes them."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        schemas = storage_schemas()
        self.items = CatalogTable(self, "Items", schema=schemas["items"]).table
        self.users = CatalogTable(self, "Users", schema=schemas["users"]).table

    @property
    def tables(self) -> list[dynamodb.Table]:
        """Both tables (for IAM grants)."""
        return [self.items, self.users]
