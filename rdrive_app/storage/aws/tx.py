"""A DynamoDB transaction whose refusal names what went wrong.

DynamoDB cancels a whole transaction when one condition fails and says which one; each step
here carries the error to raise in that case (Conflict for a taken name, NotFound for a missing
folder...), so callers never have to decode cancellation reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from rdrive_app.core.errors import Conflict, RDriveError

CHECK_FAILED = "ConditionalCheckFailedException"  # a single conditional write's refusal
_ORDER = ("check", "delete", "put", "update")  # the order pynamodb sends the steps in


def written(write: Callable[[], object]) -> bool:
    """Run one conditional put, update or delete: False when its condition refused it (nothing
    was written); any other failure is raised."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as exc:
        if exc.cause_response_code == CHECK_FAILED:
            return False
        raise
    return True


@dataclass
class Transaction:
    """Collects conditional steps, then commits them all or none (at most 100 steps)."""

    connection: Connection  # pynamodb 6 needs one passed explicitly
    steps: list[tuple[str, RDriveError, tuple[Any, ...]]] = field(default_factory=list)

    def check(
        self,
        error: RDriveError,
        model_cls: type[Model],
        hash_key: str,
        range_key: str,
        cond: Condition,
    ) -> None:
        """Require ``cond`` of the record at (hash_key, range_key) without changing it."""
        self.steps.append(("check", error, (model_cls, hash_key, range_key, cond)))

    def delete(self, error: RDriveError, model: Model, cond: Condition) -> None:
        self.steps.append(("delete", error, (model, cond)))

    def put(self, error: RDriveError, model: Model, cond: Condition | None) -> None:
        self.steps.append(("put", error, (model, cond)))

    def update(
        self, error: RDriveError, model: Model, actions: list[Action], cond: Condition | None
    ) -> None:
        self.steps.append(("update", error, (model, actions, cond)))

    def commit(self) -> None:
        """Run the steps; a failed condition raises that step's error, a clash with another
        transaction raises Conflict."""
        steps = sorted(self.steps, key=lambda s: _ORDER.index(s[0]))
        try:
            with TransactWrite(connection=self.connection) as tw:
                for kind, _, args in steps:
                    if kind == "check":
                        tw.condition_check(args[0], args[1], args[2], condition=args[3])
                    elif kind == "delete":
                        tw.delete(args[0], condition=args[1])
                    elif kind == "put":
                        tw.save(args[0], condition=args[1])
                    else:
                        tw.update(args[0], actions=args[1], condition=args[2])
        except TransactWriteError as exc:
            # the cancellation reasons come back in the order the steps were sent
            codes = [r.code if r else None for r in exc.cancellation_reasons]
            for (_, error, _), code in zip(steps, codes, strict=False):
                if code == "ConditionalCheckFailed":
                    raise error from None
            if "TransactionConflict" in codes:
                raise Conflict("someone else changed this at the same time; try again") from None
            raise
