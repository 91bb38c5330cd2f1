"""build_storage, ensure_aws_resources and the table description the CDK stack reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import build_storage, ensure_aws_resources, local_signing_key
from rdrive_app.storage.aws.blobs import s3_client
from rdrive_app.storage.aws.models import make_models, table_schemas
from rdrive_app.storage.local.blobs import LocalBlobStore
from rdrive_app.storage.local.catalog import SQLiteCatalog
from rdrive_app.storage.protocols import BlobStore, Catalog


def test_build_local(tmp_path: Path) -> None:
    settings = Settings(backend=Backend.LOCAL, data_dir=tmp_path, jwt_secret="s" * 40)
    storage = build_storage(settings)
    assert isinstance(storage.blobs, LocalBlobStore)
    assert isinstance(storage.catalog, SQLiteCatalog)
    assert isinstance(storage.blobs, BlobStore)
    assert isinstance(storage.catalog, Catalog)
    assert (tmp_path / "catalog.sqlite3").exists()
    assert storage.blobs.signed_get_url("originals/x", expires_in=60).startswith(
        "http://localhost:8000/api/files/originals/x?"
    )
    key = local_signing_key(settings)
    assert len(key) == 32 and key != settings.resolved_jwt_secret().encode()
    storage.catalog.close()  # type: ignore[attr-defined]


def test_build_and_ensure_aws(storage_settings: Settings) -> None:
    if storage_settings.backend is not Backend.AWS:
        pytest.skip("aws only")
    ensure_aws_resources(storage_settings)
    ensure_aws_resources(storage_settings)  # idempotent
    storage = build_storage(storage_settings)
    assert isinstance(storage.blobs, BlobStore)
    assert isinstance(storage.catalog, Catalog)
    s3 = s3_client(storage_settings.aws_region)
    rules = s3.get_bucket_cors(Bucket=storage_settings.bucket)["CORSRules"]
    assert rules[0]["AllowedOrigins"] == [storage_settings.site_url]
    assert rules[0]["ExposeHeaders"] == ["ETag"]
    assert "PUT" in rules[0]["AllowedMethods"]


def test_table_schemas_describe_the_models() -> None:
    schemas = table_schemas(make_models("items-t", "users-t", "eu-west-1"))
    items, users = schemas["items"], schemas["users"]
    assert items["table_name"] == "items-t"
    assert items["partition_key"] == {"name": "folder", "type": "S"}
    assert items["sort_key"] == {"name": "name", "type": "S"}
    lsis = {ix["name"]: ix for ix in items["local_secondary_indexes"]}
    assert set(lsis) == {"by_kind", "by_taken", "by_uploaded", "by_kind_taken", "by_kind_uploaded"}
    assert all(ix["projection"] == "ALL" for ix in lsis.values())
    assert lsis["by_kind"]["sort_key"] == {"name": "kind_name", "type": "S"}
    gsis = {ix["name"]: ix for ix in items["global_secondary_indexes"]}
    assert gsis["by_id"]["partition_key"] == {"name": "id", "type": "S"}
    assert gsis["by_sha256"]["projection"] == "KEYS_ONLY"
    assert gsis["by_status"]["sort_key"] == {"name": "uploaded_at", "type": "S"}
    assert gsis["by_deleted"]["partition_key"] == {"name": "folder", "type": "S"}
    assert users["partition_key"] == {"name": "name", "type": "S"}
    assert "sort_key" not in users
