"""S3 and DynamoDB errors become StorageUnavailable at the edge of the aws stores, and only
outages do: conditions, NotFound and bugs pass through as they were (storage/aws/outages.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import GetError, PutError, TransactWriteError

from rdrive_app.core.errors import NotFound, RDriveError, StorageUnavailable
from rdrive_app.storage.aws.outages import is_storage_outage, outage_guarded


def client_error(code: str, status: int) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "GetObject")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "outage"),
    [
        (client_error("SlowDown", 503), True),
        (client_error("InternalError", 500), True),
        (client_error("ThrottlingException", 400), True),
        (client_error("NoSuchKey", 404), False),
        (client_error("ConditionalCheckFailedException", 400), False),
        (EndpointConnectionError(endpoint_url="http://s3"), True),
        (ReadTimeoutError(endpoint_url="http://s3"), True),
        (GetError(cause=client_error("ProvisionedThroughputExceededException", 400)), True),
        (PutError(cause=client_error("ConditionalCheckFailedException", 400)), False),
        # a transaction whose cause has no response (pynamodb's own code reading it fails)
        (TransactWriteError("Failed", ReadTimeoutError(endpoint_url="http://ddb")), True),
        (ConnectionError("power cut"), False),
        (ValueError("a bug"), False),
    ],
)
def test_what_counts_as_an_outage(exc: Exception, outage: bool) -> None:
    assert is_storage_outage(exc) is outage


class Store:
    """Stands in for an aws store: each method fails the way it is told."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def read(self) -> bytes:
        raise self.error

    def keys(self) -> Iterator[str]:
        yield "originals/a"
        raise self.error

    def listed(self) -> list[str]:
        return ["originals/a"]

    def _private(self) -> None:
        raise self.error


def test_an_outage_leaves_a_guarded_store_as_storage_unavailable() -> None:
    error = client_error("SlowDown", 503)
    store = outage_guarded(Store)(error)
    assert isinstance(store, Store) and type(store).__name__ == "Store"
    with pytest.raises(StorageUnavailable) as raised:
        store.read()
    assert raised.value.__cause__ is error
    assert raised.value.status_code == 503 and raised.value.retry_after == 5
    assert "storage is not answering" in raised.value.detail
    keys = store.keys()
    assert next(keys) == "originals/a"  # lazy listings are translated while iterated
    with pytest.raises(StorageUnavailable):
        next(keys)
    assert store.listed() == ["originals/a"]
    with pytest.raises(ClientError):
        store._private()  # only the public surface is the edge


@pytest.mark.parametrize(
    "error", [NotFound("no blob"), client_error("NoSuchKey", 404), ConnectionError("power cut")]
)
def test_other_errors_pass_through_unchanged(error: Exception) -> None:
    store = outage_guarded(Store)(error)
    with pytest.raises(type(error)) as raised:
        store.read()
    assert raised.value is error


def test_an_outage_is_not_a_domain_error() -> None:
    """Code above storage gives up on one thing for an RDriveError (discards the upload, skips
    the file); an outage must fail the request as a whole instead."""
    assert not issubclass(StorageUnavailable, RDriveError)


def test_one_guarded_class_per_class() -> None:
    assert outage_guarded(Store) is outage_guarded(Store)
