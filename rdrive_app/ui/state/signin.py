"""Sign-in (``ui/pages/signin.py``): checks the password off the event loop and keeps the
token server-side only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from rdrive_app.auth.client_address import client_address
from rdrive_app.core.errors import RDriveError, TooManyAttempts
from rdrive_app.ui.state.session import SessionState, form_field, services


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
    """The sign-in form."""

    error: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)

    @rx.event
    async def sign_in(self, form_data: dict) -> AsyncIterator[Any]:
        """Check the name and password; on success go where the visitor was heading."""
        name = form_field(form_data, "username")
        password = form_field(form_data, "password")
        accounts = services().accounts
        client = self._client_address()
        self.busy = True
        self.error = ""
        yield
        try:
            session = await asyncio.to_thread(
                accounts.sign_in,
                name,
                password,
                client,
                self.device_token,
                self.router.headers.user_agent,
            )
        except TooManyAttempts as exc:
            minutes = max(1, round(exc.retry_after / 60))
            self.error = f"Too many failed sign-ins. Try again in about {minutes} min."
        except RDriveError as exc:
            self.error = exc.detail
        else:
            self._token = session.token
            self.device_token = session.device_token
            self.username = session.username
            self.notice = ""
            target = _safe_next(self.router.url.query_parameters.get("next"))
            yield rx.redirect(target, replace=True)
        finally:
            self.busy = False

    def _client_address(self) -> str:
        """The browser's address, by the API's rule: the WebSocket's peer, or behind the
        trusted proxy the address it put in the WebSocket request's headers."""
        router = self.router
        headers = router.headers.raw_headers.items()
        return client_address(
            router.session.client_ip or None, headers, services().settings.trusted_proxy
        )

    @rx.event
    async def enter(self) -> Any:
        """on_load of the sign-in page: someone already signed in goes to the library."""
        if self._token and await self._require_user() is not None:
            return rx.redirect("/", replace=True)
        self.error = ""
        return None
