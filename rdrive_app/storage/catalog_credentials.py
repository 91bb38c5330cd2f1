"""The credentials' rules over a few primitives, written once for both backends (see
catalog_base): expiry is applied on every read, and data changes are compare-and-set."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from rdrive_app.core.credentials import Credential, CredentialKind
from rdrive_app.core.domain import utcnow
from rdrive_app.core.errors import Conflict
from rdrive_app.storage import records as R


def credential_record(c: Credential) -> R.Record:
    return {
        "id": c.id,
        "account_id": c.account_id,
        "kind": str(c.kind),
        "data": _data_text(c.data),
        "created_at": R.iso(c.created_at),
        "last_used_at": R.iso(c.last_used_at),
        "expires_at": R.iso(c.expires_at) if c.expires_at is not None else None,
    }


def record_credential(rec: Mapping[str, Any]) -> Credential:
    return Credential(
        id=rec["id"],
        account_id=rec["account_id"],
        kind=CredentialKind(rec["kind"]),
        data=MappingProxyType(json.loads(rec["data"] or "{}")),
        created_at=R.parse_iso(rec["created_at"]),
        last_used_at=R.parse_iso(rec["last_used_at"]),
        expires_at=R.parse_iso(rec["expires_at"]) if rec.get("expires_at") else None,
    )


def _data_text(data: Mapping[str, str]) -> str:
    """The stored form of a credential's data: the same text for the same data, so a
    compare-and-set compares what it means."""
    return json.dumps(dict(data), sort_keys=True, separators=(",", ":"))


class CredentialsCatalog:
    """add_credential … remove_credential of the CredentialCatalog protocol."""

    def add_credential(self, credential: Credential) -> Credential:
        if not self._insert_credential(credential_record(credential)):
            raise Conflict("that credential exists already")
        return credential

    def get_credential(self, credential_id: str) -> Credential | None:
        rec = self._credential_record(credential_id) if isinstance(credential_id, str) else None
        if rec is None:
            return None
        found = record_credential(rec)
        return None if found.expired(utcnow()) else found

    def list_credentials(
        self, account_id: str, kind: CredentialKind | None = None
    ) -> list[Credential]:
        now, found = utcnow(), []
        for rec in self._credential_records(account_id):
            c = record_credential(rec)
            if c.expired(now):
                self._delete_credential(c.id)
            elif kind is None or c.kind is kind:
                found.append(c)
        return sorted(found, key=lambda c: (c.created_at, c.id), reverse=True)

    def touch_credential(self, credential_id: str, when: datetime) -> bool:
        return self._update_credential(credential_id, {"last_used_at": R.iso(when)}, None)

    def replace_credential_data(
        self, credential_id: str, data: Mapping[str, str], expected: Mapping[str, str]
    ) -> bool:
        return self._update_credential(
            credential_id, {"data": _data_text(data)}, _data_text(expected)
        )

    def remove_credential(self, credential_id: str) -> bool:
        return self._delete_credential(credential_id)

    # the primitives (each backend's: local/credentials.py, aws/credentials.py)

    @abstractmethod
    def _credential_record(self, credential_id: str) -> R.Record | None:
        """The record of that id, expired or not; None when there is none."""

    @abstractmethod
    def _credential_records(self, account_id: str) -> list[R.Record]:
        """Every credential record of the account, expired ones too."""

    @abstractmethod
    def _insert_credential(self, rec: R.Record) -> bool:
        """Store a credential record; False when its id is taken."""

    @abstractmethod
    def _update_credential(
        self, credential_id: str, changes: R.Record, expected_data: str | None
    ) -> bool:
        """Write ``changes`` (last_used_at or data) in one write conditional on the record
        existing and, when given, its data being ``expected_data``; False when not written."""

    @abstractmethod
    def _delete_credential(self, credential_id: str) -> bool:
        """False when there was no such record."""
