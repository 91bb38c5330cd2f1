"""The accounts half of the catalog's rules, written once for both backends (see catalog_base).

A backend supplies the user primitives at the end; every write of a user record is one
conditional step there (the token version is bumped by itself, never by writing back a copy).
"""

from __future__ import annotations

from abc import abstractmethod

from rdrive_app.core.domain import User, new_id
from rdrive_app.storage import catalog_errors as E
from rdrive_app.storage import records as R


class UsersCatalog:
    """add_user … remove_user of the Catalog protocol, over the user primitives."""

    def add_user(self, user: User) -> User:
        if not self._insert_user(R.user_record(user)):
            raise E.user_exists(user.name)
        return user

    def get_user(self, name: str) -> User | None:
        rec = self._user_record(name)
        return self._as_user(rec) if rec is not None else None

    def list_users(self) -> list[User]:
        users = (self._as_user(rec) for rec in self._user_records())
        return sorted((u for u in users if u is not None), key=lambda u: u.name)

    def _as_user(self, rec: R.Record) -> User | None:
        """The account of ``rec``. One stored before accounts had ids gets its id the first
        time it is read (once: the write is conditional), so its older tokens, which name no
        account, stop working; None when it was removed meanwhile."""
        if not rec.get("account_id"):
            claimed = self._claim_account_id(rec["name"], new_id())
            if claimed is None:
                return None
            rec = claimed
        return R.record_user(rec)

    def set_password(self, name: str, password_hash: str, account_id: str) -> User:
        rec = self._bump_token_version(name, account_id, password_hash)
        if rec is None:
            raise E.no_user(name)
        return R.record_user(rec)

    def bump_token_version(self, name: str, account_id: str) -> User:
        rec = self._bump_token_version(name, account_id, None)
        if rec is None:
            raise E.no_user(name)
        return R.record_user(rec)

    def remove_user(self, name: str) -> None:
        if not self._delete_user(name):
            raise E.no_user(name)

    # the primitives

    @abstractmethod
    def _insert_user(self, rec: R.Record) -> bool:
        """Store a user record; False when the name is taken."""

    @abstractmethod
    def _user_record(self, name: str) -> R.Record | None: ...

    @abstractmethod
    def _user_records(self) -> list[R.Record]: ...

    @abstractmethod
    def _bump_token_version(
        self, name: str, account_id: str, password_hash: str | None
    ) -> R.Record | None:
        """In one conditional write: add one to the token version (and set the hash, when one
        is given) of the account ``name`` whose id is ``account_id``; nothing else of the
        record is written. The new record, or None when no such account exists."""

    @abstractmethod
    def _claim_account_id(self, name: str, account_id: str) -> R.Record | None:
        """Give ``name`` this id unless it has one; the record as it then is (None: no user)."""

    @abstractmethod
    def _delete_user(self, name: str) -> bool:
        """False when there was no such user."""
