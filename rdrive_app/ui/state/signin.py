"""Sign-in (``ui/pages/signin.py``): checks the password off the event loop and keeps the
token server-side only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from rdrive_app.auth import challenges
from rdrive_app.core.errors import RDriveError, TooManyAttempts
from rdrive_app.services.accounts import Caller, SecondStep
from rdrive_app.ui.state.passkeys import browser_answer
from rdrive_app.ui.state.session import SessionState, attempt, form_field, services
from rdrive_app.ui.state.upload_protocol import page_command


def _safe_next(target: object) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and "://" not in target
    ):
        return target
    return "/"


class SignInState(SessionState):
    """The sign-in form: a name and password, then a code when the account has two-factor
    codes on. The step between them is a challenge kept server-side, never a session."""

    error: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)
    second_step: rx.Field[bool] = rx.field(False)
    passkey_allowed: rx.Field[bool] = rx.field(False)  # the second step may use a passkey
    _challenge: rx.Field[str] = rx.field("")
    _ceremony: rx.Field[str] = rx.field("")

    @rx.event
    async def sign_in(self, form_data: dict) -> AsyncIterator[Any]:
        """Check the name and password; on success go where the visitor was heading, or
        ask for the second factor."""
        name = form_field(form_data, "username")
        password = form_field(form_data, "password")
        async for update in self._attempt(services().accounts.sign_in, name, password):
            yield update

    @rx.event
    async def sign_in_with_code(self, form_data: dict) -> AsyncIterator[Any]:
        """The second step: a code from the authenticator app, or a recovery code."""
        code = form_field(form_data, "code")
        async for update in self._attempt(
            services().accounts.finish_sign_in, self._challenge, code
        ):
            yield update

    @rx.event
    async def use_passkey(self) -> EventSpec | None:
        """Ask the browser for a passkey: any of this site's, or after a password, one of
        that account's."""
        challenge = self._challenge if self.second_step else None
        ceremony, self.error = await attempt(services().accounts.start_passkey_sign_in, challenge)
        if ceremony is None:
            return None
        self._ceremony, self.busy = ceremony.token, True
        return page_command("passkeyGet", ceremony.options)

    @rx.event
    async def passkey_signed(self, value: Any) -> AsyncIterator[Any]:
        """The browser's answer (the passkey bridge): sign in with it."""
        credential, why = browser_answer(value)
        token, self._ceremony = self._ceremony, ""
        if credential is None:
            self.busy = False
            self.error = f"No passkey was used: it was cancelled, or the device said no. ({why})"
            return
        async for update in self._attempt(
            services().accounts.finish_passkey_sign_in, token, credential
        ):
            yield update

    @rx.event
    def start_over(self) -> None:
        """Back to the name and password (another account, or the step took too long)."""
        self.second_step, self._challenge, self.error = False, "", ""

    async def _attempt(self, step: Any, first: Any, second: Any) -> AsyncIterator[Any]:
        """Run one step of signing in off the event loop, and show where it led."""
        caller = Caller(self._client_address(), self.device_token, self.router.headers.user_agent)
        self.busy = True
        self.error = ""
        yield
        try:
            result = await asyncio.to_thread(step, first, second, caller)
        except TooManyAttempts as exc:
            minutes = max(1, round(exc.retry_after / 60))
            self.error = f"Too many failed sign-ins. Try again in about {minutes} min."
        except RDriveError as exc:
            self.error = exc.detail
            if exc.detail in (challenges.EXPIRED, challenges.INVALID):
                self.second_step, self._challenge = False, ""
        else:
            if isinstance(result, SecondStep):
                self.second_step, self._challenge = True, result.challenge_token
                self.passkey_allowed = "passkey" in result.methods
                self.notice = ""
                return
            self._token = result.token
            self.device_token = result.device_token
            self.username = result.username
            self.notice = ""
            self.second_step, self._challenge = False, ""
            target = _safe_next(self.router.url.query_parameters.get("next"))
            yield rx.redirect(target, replace=True)
        finally:
            self.busy = False

    @rx.event
    async def enter(self) -> Any:
        """on_load of the sign-in page: someone already signed in goes to the library."""
        if self._token and await self._require_user() is not None:
            return rx.redirect("/", replace=True)
        self.error = ""
        self.second_step, self._challenge = False, ""
        return None
