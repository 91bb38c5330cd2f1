"""The catalog's credentials (core/credentials.py): stored, read, listed, touched, removed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from rdrive_app.core.credentials import Credential, CredentialKind


class CredentialCatalog(Protocol):
    """Credentials of accounts; ids are random and never reused, so they are the key."""

    def add_credential(self, credential: Credential) -> Credential:
        """Store a new credential. Conflict if its id exists."""

    def get_credential(self, credential_id: str) -> Credential | None:
        """The credential, or None (also once it has expired)."""

    def list_credentials(
        self, account_id: str, kind: CredentialKind | None = None
    ) -> list[Credential]:
        """An account's unexpired credentials (of one kind), newest first; expired ones it
        finds are removed."""

    def touch_credential(self, credential_id: str, when: datetime) -> bool:
        """Set its last use; False (and nothing written) when it is gone."""

    def replace_credential_data(
        self, credential_id: str, data: Mapping[str, str], expected: Mapping[str, str]
    ) -> bool:
        """Set its data, in one write conditional on its data still being ``expected``:
        False (nothing written) when it is gone or changed meanwhile."""

    def remove_credential(self, credential_id: str) -> bool:
        """False when there was no such credential."""
