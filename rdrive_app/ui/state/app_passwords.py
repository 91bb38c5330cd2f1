"""App passwords on the Settings page: listed with when each was last used, made (the password
shown once), revoked."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from rdrive_app.core.credentials import Scope
from rdrive_app.core.domain import utcnow
from rdrive_app.services.app_passwords import AppPasswordView
from rdrive_app.ui.state.session import SessionState, form_field, protected, services
from rdrive_app.ui.state.settings import ago

SCOPE_LABELS = {Scope.READ: "Read only", Scope.WRITE: "Read and write"}


@dataclasses.dataclass(frozen=True)
class AppPasswordRow:
    id: str = ""
    name: str = ""
    access: str = ""  # "Read only"
    detail: str = ""  # "made 3 days ago · last used 5 min ago"


def app_password_row(view: AppPasswordView) -> AppPasswordRow:
    now = utcnow()
    used = "never used" if view.last_used_at is None else f"last used {ago(view.last_used_at, now)}"
    detail = f"made {ago(view.created_at, now)} · {used}"
    return AppPasswordRow(view.id, view.name, SCOPE_LABELS[view.scope], detail)


class AppPasswordsState(SessionState):
    """The app-passwords section of Settings. A new password lives here until "Done"."""

    rows: rx.Field[list[AppPasswordRow]] = rx.field(default_factory=list)
    new_password: rx.Field[str] = rx.field("")
    new_name: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")

    @protected
    async def load_app_passwords(self) -> None:
        """on_load of /settings."""
        self.new_password, self.new_name, self.error = "", "", ""
        await self._reload()

    async def _reload(self) -> None:
        self.rows, self.error = await self._listed(
            services().accounts.app_passwords.list, app_password_row
        )

    @protected
    async def create(self, form_data: dict) -> None:
        """Make one; its password is shown until the person says they have copied it."""
        name, scope = form_field(form_data, "name"), form_field(form_data, "scope")
        made, self.error = await self._as_user(
            services().accounts.app_passwords.create, name, scope
        )
        if made is not None:
            self.new_password, self.new_name = made.password, made.name
            await self._reload()

    @protected
    async def hide_new_password(self) -> None:
        self.new_password, self.new_name = "", ""

    @protected
    async def revoke(self, app_password_id: Any) -> None:
        """Revoke one: clients using it are refused from their next request."""
        _, self.error = await self._as_user(
            services().accounts.app_passwords.revoke, app_password_id
        )
        if not self.error:
            await self._reload()
