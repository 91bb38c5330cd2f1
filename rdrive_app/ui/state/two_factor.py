"""Two-factor codes on the Settings page: set up with the QR code or the secret, confirm with
a first code, show the recovery codes once, turn off with a current code."""

from __future__ import annotations

import asyncio

import reflex as rx

from rdrive_app.core.errors import RDriveError, TooManyAttempts
from rdrive_app.ui.state.session import SessionState, form_field, protected, services


def refusal(exc: RDriveError) -> str:
    """What a refused code says on the page."""
    if isinstance(exc, TooManyAttempts):
        minutes = max(1, round(exc.retry_after / 60))
        return f"Too many wrong codes. Try again in about {minutes} min."
    return exc.detail


class TwoFactorState(SessionState):
    """The two-factor section of Settings. The secret is shown only while setting up."""

    enabled: rx.Field[bool] = rx.field(False)
    recovery_left: rx.Field[int] = rx.field(0)
    setting_up: rx.Field[bool] = rx.field(False)
    secret: rx.Field[str] = rx.field("")
    qr_code: rx.Field[str] = rx.field("")
    recovery_codes: rx.Field[list[str]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")

    @protected
    async def load_two_factor(self) -> None:
        """on_load of /settings: whether codes are on; nothing half set up is kept."""
        self.setting_up, self.secret, self.qr_code, self.recovery_codes = False, "", "", []
        await self._refresh()

    async def _refresh(self) -> None:
        status, self.error = await self._as_user(services().accounts.second_factors.status)
        if status is not None:
            self.enabled, self.recovery_left = status.totp, status.recovery_codes_left

    @protected
    async def start_setup(self) -> None:
        """A new secret, shown as a QR code and as text."""
        enrolment, self.error = await self._as_user(services().accounts.second_factors.start_totp)
        if enrolment is not None:
            self.secret, self.qr_code = enrolment.secret, enrolment.qr_code
            self.setting_up = True

    @protected
    async def cancel_setup(self) -> None:
        self.setting_up, self.secret, self.qr_code, self.error = False, "", "", ""

    @protected
    async def confirm_setup(self, form_data: dict) -> None:
        """Turn codes on with the app's first code; the recovery codes are shown once."""
        codes, self.error = await self._as_user(
            services().accounts.second_factors.confirm_totp, form_field(form_data, "code")
        )
        if codes is not None:
            self.setting_up, self.secret, self.qr_code = False, "", ""
            self.recovery_codes = codes
            await self._refresh()

    @protected
    async def hide_recovery_codes(self) -> None:
        self.recovery_codes = []

    @protected
    async def renew_recovery_codes(self, form_data: dict) -> None:
        """Ten new recovery codes for a current code; the old ones stop working."""
        await self._with_code(form_data, renew=True)

    @protected
    async def turn_off(self, form_data: dict) -> None:
        """Turn codes off; a current code or a recovery code is needed."""
        await self._with_code(form_data, renew=False)

    async def _with_code(self, form_data: dict, *, renew: bool) -> None:
        user = await self._require_user()
        if user is None:
            return
        accounts, code = services().accounts, form_field(form_data, "code")
        action = accounts.renew_recovery_codes if renew else accounts.turn_off_totp
        try:
            codes = await asyncio.to_thread(action, user, code, self._client_address())
        except RDriveError as exc:
            self.error = refusal(exc)
            return
        self.recovery_codes, self.error = (codes or []), ""
        await self._refresh()
