"""What each backend can do beyond the protocols, as ``build_storage`` declares it: callers ask
``storage.<capability> is not None`` and never which class they were given."""

from __future__ import annotations

import pytest

from rdrive_app.core.settings import Backend, Settings
from rdrive_app.storage import build_storage


def test_each_backend_declares_its_capabilities(storage_settings: Settings) -> None:
    storage = build_storage(storage_settings)
    if storage_settings.backend is Backend.LOCAL:
        assert storage.signed_files is storage.blobs
        assert storage.old_uploads is storage.blobs
        assert storage.temp_files is storage.blobs
        assert storage.resumable_moves is None
        assert storage.space is not None and storage.space.space() == (0, storage.space.space()[1])
        assert not storage.store_serves_urls
        storage.catalog.close()  # type: ignore[attr-defined]
    else:
        assert storage.signed_files is None  # S3 serves its own presigned URLs
        assert storage.old_uploads is None  # the bucket's lifecycle rule drops parts
        assert storage.temp_files is None
        assert storage.resumable_moves is storage.catalog
        assert storage.space is None  # no byte total is kept; S3 sets no limit
        assert storage.store_serves_urls


@pytest.mark.parametrize("storage_settings", ["local"], indirect=True)
def test_a_local_store_cleans_only_its_own_stale_temp_files(storage_settings: Settings) -> None:
    storage = build_storage(storage_settings)
    temp = storage.temp_files
    assert temp is not None
    with storage.blobs.object_writer("originals/x"):  # type: ignore[attr-defined]
        assert temp.stale_temp_files(older_than_s=3600) == []  # a write in progress
        (left,) = temp.stale_temp_files(older_than_s=-1)
        temp.remove_temp_file(left)
        assert temp.stale_temp_files(older_than_s=-1) == []
    outside = storage_settings.data_dir / ".tmp-not-the-stores"
    outside.write_bytes(b"x")
    temp.remove_temp_file(str(outside))
    assert outside.exists()
    storage.catalog.close()  # type: ignore[attr-defined]
