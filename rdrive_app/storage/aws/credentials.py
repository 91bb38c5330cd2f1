"""The credentials' primitives on DynamoDB (the rules are catalog_credentials'): records in the
users table beside the accounts, keyed ``#cred#<id>`` (no account name starts with ``#``), so
the deployment needs no new table. An account's credentials are found by a filtered scan: the
table holds two accounts and their few dozen credentials, one page, one request."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from rdrive_app.storage import records as R
from rdrive_app.storage.aws.models import BILLING_MODE, UserModel, record
from rdrive_app.storage.aws.tx import written

PREFIX = "#cred#"


class CredentialModel(Model):
    """A credential record in the users table (its hash key is the accounts' ``name``)."""

    name = UnicodeAttribute(hash_key=True)  # PREFIX + id
    id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    data = UnicodeAttribute()
    created_at = UnicodeAttribute()
    last_used_at = UnicodeAttribute()
    expires_at = UnicodeAttribute(null=True)


def credential_model(users: type[UserModel]) -> type[CredentialModel]:
    """The credential model bound to ``users``' table (made once per table and endpoint: a
    model class holds its own botocore client)."""
    meta = users.Meta
    return _bound(meta.table_name, meta.region, os.environ.get("AWS_ENDPOINT_URL"))


@lru_cache(maxsize=32)
def _bound(table: str, region_name: str, _endpoint: str | None) -> type[CredentialModel]:
    class Bound(CredentialModel):
        class Meta:
            table_name = table
            billing_mode = BILLING_MODE
            region = region_name

    return Bound


class DynamoCredentials:
    """Mixed into DynamoCatalog, which sets ``Credential``."""

    Credential: type[CredentialModel]

    def _insert_credential(self, rec: R.Record) -> bool:
        C = self.Credential
        return written(lambda: C(PREFIX + rec["id"], **rec).save(condition=C.name.does_not_exist()))

    def _credential_record(self, credential_id: str) -> R.Record | None:
        try:
            found = self.Credential.get(PREFIX + credential_id, consistent_read=True)
        except DoesNotExist:
            return None
        return _plain(found)

    def _credential_records(self, account_id: str) -> list[R.Record]:
        C = self.Credential
        return [_plain(m) for m in C.scan(C.name.startswith(PREFIX) & (C.account_id == account_id))]

    def _update_credential(
        self, credential_id: str, changes: R.Record, expected_data: str | None
    ) -> bool:
        C = self.Credential
        condition: Any = C.name.exists()
        if expected_data is not None:
            condition &= C.data == expected_data
        actions = [getattr(C, column).set(value) for column, value in changes.items()]
        return written(lambda: C(PREFIX + credential_id).update(actions, condition=condition))

    def _delete_credential(self, credential_id: str) -> bool:
        C = self.Credential
        return written(lambda: C(PREFIX + credential_id).delete(condition=C.name.exists()))


def _plain(model: CredentialModel) -> R.Record:
    rec = record(model)
    rec.pop("name", None)
    return rec
