"""S3 and DynamoDB failing (after their clients' own retries) become ``StorageUnavailable``.

Nothing above storage may know botocore or pynamodb, so their outage errors are translated
here, at the edge of the aws stores. ``outage_guarded`` does it for a whole class in one place:
``build_storage`` applies it to both aws stores, so no method is forgotten and the catalog
modules need no change. It makes a subclass rather than a proxy object, so the stores keep
their type (isinstance, mypy, monkeypatching in tests). Errors that are not an outage (a failed
condition, NotFound, a bug) pass through unchanged, and the original error stays the cause.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any, TypeVar, cast

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from rdrive_app.core.errors import StorageUnavailable

T = TypeVar("T")

OUTAGE_CODES = frozenset(
    {
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "SlowDown",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
    }
)


def is_storage_outage(exc: BaseException) -> bool:
    """Whether ``exc`` is S3 or DynamoDB failing after its client's own retries (throttling,
    5xx, timeouts, dropped connections), as opposed to a bug."""
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or str(exc.response.get("Error", {}).get("Code")) in OUTAGE_CODES
    if isinstance(exc, BotoCoreError):  # timeouts, refused or dropped connections
        return True
    if isinstance(exc, PynamoDBException):
        cause = getattr(exc, "cause", None)
        if isinstance(cause, BaseException) and is_storage_outage(cause):
            return True
        try:
            return exc.cause_response_code in OUTAGE_CODES
        except AttributeError:  # pynamodb reads a response a timeout's cause has as None
            return False
    return False


def _translated(iterator: Iterator[Any]) -> Iterator[Any]:
    try:
        yield from iterator
    except Exception as exc:
        if is_storage_outage(exc):
            raise StorageUnavailable() from exc
        raise


def _guard(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            result = method(*args, **kwargs)
        except Exception as exc:
            if is_storage_outage(exc):
                raise StorageUnavailable() from exc
            raise
        # Listings and streams are lazy: their errors arrive while they are iterated.
        return _translated(result) if isinstance(result, Iterator) else result

    return guarded


_guarded: dict[type, type] = {}


def outage_guarded(cls: type[T]) -> type[T]:
    """A subclass of ``cls`` (one per class) whose public methods raise StorageUnavailable for
    an outage."""
    if cls not in _guarded:
        namespace: dict[str, Any] = {
            name: _guard(raw)
            for name in dir(cls)
            if not name.startswith("_")
            and isinstance(raw := inspect.getattr_static(cls, name), FunctionType)
        }
        namespace.update(
            __doc__=cls.__doc__, __module__=cls.__module__, __qualname__=cls.__qualname__
        )
        _guarded[cls] = type(cls.__name__, (cls,), namespace)
    return cast(type[T], _guarded[cls])
