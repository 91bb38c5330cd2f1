"""Storage: where bytes (BlobStore) and metadata (Catalog) live, chosen by settings.backend.

``build_storage`` is the one place that knows the concrete classes; everything else sees the
protocols, and the capabilities (storage/protocols.py) that ``Storage`` says the backend has.
Nothing here imports reflex.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage.protocols import (
    BlobStore,
    Catalog,
    CleansTempFiles,
    DropsOldUploads,
    MeasuresSpace,
    ResumableMoves,
    ServesSignedFiles,
)

if TYPE_CHECKING:
    from rdrive_app.storage.aws.blobs import S3BlobStore
    from rdrive_app.storage.aws.catalog import DynamoCatalog
    from rdrive_app.storage.local.blobs import LocalBlobStore
    from rdrive_app.storage.local.catalog import SQLiteCatalog

LOCAL_URL_KEY_LABEL = b"rdrive/local-signed-urls/v1"


@dataclass
class Storage:
    """The two stores a deployment uses, and what its backend can do beyond the protocols.

    A capability is None when the backend does not have it; ``local_storage`` and
    ``aws_storage`` say which ones each backend has, so callers never ask about classes.
    """

    blobs: BlobStore
    catalog: Catalog
    signed_files: ServesSignedFiles | None = None  # the app serves the blob URLs itself
    old_uploads: DropsOldUploads | None = None  # multipart parts the sweeper must drop
    temp_files: CleansTempFiles | None = None  # a killed write can leave files behind
    resumable_moves: ResumableMoves | None = None  # a folder move can stop half-way
    space: MeasuresSpace | None = None  # how much the library holds and how much more fits

    @property
    def store_serves_urls(self) -> bool:
        """Signed URLs are answered by the store itself (S3), not by this process: handing
        one out takes a download off the backend."""
        return self.signed_files is None


def local_storage(blobs: LocalBlobStore, catalog: SQLiteCatalog) -> Storage:
    """The local backend's stores and capabilities (tests pass a store with small parts)."""
    from rdrive_app.storage.local.space import LocalSpace

    return Storage(
        blobs=blobs,
        catalog=catalog,
        signed_files=blobs,
        old_uploads=blobs,
        temp_files=blobs,
        space=LocalSpace(catalog, blobs.root),
    )


def aws_storage(blobs: S3BlobStore, catalog: DynamoCatalog) -> Storage:
    """The aws backend's stores and capabilities."""
    return Storage(blobs=blobs, catalog=catalog, resumable_moves=catalog)


def local_signing_key(settings: Settings) -> bytes:
    """The local store's URL key: derived from the JWT secret with its own label, so a
    signed-URL signature can never stand in for a token signature or the other way round."""
    return hmac.new(
        settings.resolved_jwt_secret().encode(), LOCAL_URL_KEY_LABEL, hashlib.sha256
    ).digest()


def build_storage(settings: Settings) -> Storage:
    """The stores for ``settings.backend`` (AWS resources must already exist)."""
    if settings.backend is Backend.LOCAL:
        from rdrive_app.storage.local.blobs import LocalBlobStore
        from rdrive_app.storage.local.catalog import SQLiteCatalog

        blobs = LocalBlobStore(
            settings.data_dir / "blobs", settings.api_url, local_signing_key(settings)
        )
        return local_storage(blobs, SQLiteCatalog(settings.data_dir / "catalog.sqlite3"))

    from rdrive_app.storage.aws.blobs import S3BlobStore
    from rdrive_app.storage.aws.catalog import DynamoCatalog
    from rdrive_app.storage.aws.models import models_for
    from rdrive_app.storage.aws.outages import outage_guarded

    # S3 and DynamoDB outages leave these stores as StorageUnavailable (aws/outages.py).
    models = models_for(settings.items_table, settings.users_table, settings.aws_region)
    return aws_storage(
        outage_guarded(S3BlobStore)(settings.bucket, settings.aws_region),
        outage_guarded(DynamoCatalog)(models),
    )


def ensure_aws_resources(settings: Settings) -> list[str]:
    """Make the bucket and tables where they are missing, with the stack's bucket rules, on an
    S3/DynamoDB endpoint (``rdrive aws setup``, tests against moto); idempotent. On real AWS the
    CDK stack owns them. Returns what it did, one line per step (storage/aws/setup.py)."""
    from rdrive_app.storage.aws.setup import ensure_resources

    return ensure_resources(settings)
