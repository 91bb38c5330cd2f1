"""The one base state that owns the session; every feature state is a direct substate of it.

The feature states (``FolderState``, ``ViewerState``, ``OrganizeState``, ``UploadState``,
``TrashState``, ``SignInState``) are siblings under ``SessionState``; one reaches another with
``await self.get_state(OtherState)``, never by inheriting its vars. Every public method of a
state is an event handler the browser can call, so the helpers one state offers the others
(``FolderState._upsert_tile``, ``ViewerState._show``...) are underscored, and every handler is
declared with ``@protected`` unless it is part of signing in or out.

The token lives in a backend-only var (``_token``), never in a var the page can read or send
back, and every event handler re-checks it on the server: the browser can call any handler with
any arguments, so ``@protected`` (``@rx.event`` plus ``authenticated``) checks the session before
the handler sees them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.event import EventSpec

from rdrive_app.auth.client_address import client_address
from rdrive_app.core.domain import User
from rdrive_app.core.errors import NotAuthenticated, RDriveError, StorageUnavailable
from rdrive_app.services.wiring import Services, get_services
from rdrive_app.ui.state.upload_protocol import TOAST_LEVELS, page_command

_T = TypeVar("_T")

SIGN_IN_ROUTE = "/signin"
DEVICE_STORAGE_KEY = "rdrive_device"
logger = logging.getLogger(__name__)


def services() -> Services:
    """The process-wide services (a function so tests can swap the environment first)."""
    return get_services()


def browser_download(url: str) -> EventSpec:
    """Make the browser fetch ``url`` as a download (the response says ``attachment``).

    ``rx.download`` only takes same-origin paths; signed URLs point at storage or the API.
    """
    return page_command("download", url)


def toast(level: str, message: str, duration: int) -> EventSpec:
    """A notice at the foot of the page that goes after ``duration`` ms; an error stays until
    it is dismissed (it may say what to do). Not ``rx.toast``: sent from a handler, that one
    runs through ``eval``, which the deployed Content-Security-Policy refuses (upload_protocol)."""
    if level not in TOAST_LEVELS:
        raise ValueError(f"no toast level {level!r}")
    return page_command("toast", level, message, None if level == "error" else duration)


def backend_error(exception: Exception) -> EventSpec:
    """The app's ``backend_exception_handler``: log the failure, tell the page in a toast
    (Reflex's own handler sends an ``rx.toast``, which the deployed CSP refuses)."""
    logger.error("a Reflex event handler failed", exc_info=exception)
    return toast("error", "Something went wrong. Try again, or reload the page.", 6000)


def form_field(form_data: Any, key: str) -> Any:
    """One field of a submitted form, or None: the browser may send anything as the form."""
    return form_data.get(key) if isinstance(form_data, dict) else None


async def attempt(call: Callable[..., _T], *args: Any) -> tuple[_T | None, str]:
    """A service call off the event loop: (its answer, "") or (None, the refusal's message)."""
    try:
        return await asyncio.to_thread(call, *args), ""
    except RDriveError as exc:
        return None, exc.detail


def authenticated(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``handler`` only for a valid session; otherwise clear the page and go to sign-in.

    The check happens before the handler sees its arguments, so an unauthenticated caller can
    neither read nor change anything, whatever it sends.
    """
    if inspect.isasyncgenfunction(handler):

        @functools.wraps(handler)
        async def agen_wrapper(self: SessionState, *args: Any, **kwargs: Any) -> Any:
            if await self._require_user() is None:
                yield self._to_sign_in()
                return
            async for update in handler(self, *args, **kwargs):
                yield update

        return agen_wrapper

    @functools.wraps(handler)
    async def wrapper(self: SessionState, *args: Any, **kwargs: Any) -> Any:
        if await self._require_user() is None:
            return self._to_sign_in()
        result = handler(self, *args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    return wrapper


def protected(handler: Callable[..., Any]) -> Any:
    """``@rx.event`` for a handler that needs a valid session (see ``authenticated``).

    Typed ``Any``: ``rx.event`` is typed through ``__new__``, which mypy reads as the namespace
    class itself, so ``State.handler(arg)`` in a component would not type-check otherwise.
    """
    return rx.event(authenticated(handler))


def in_background(handler: Callable[..., Any]) -> Any:
    """``@rx.event(background=True)`` for a handler that takes arguments, typed ``Any`` as
    ``protected`` is (and for the same reason); it checks the session itself, under
    ``async with self``."""
    return rx.event(handler, background=True)


class SessionState(rx.State):
    """Who is signed in, re-checked on the server at every event."""

    _token: rx.Field[str] = rx.field("")
    username: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    # This browser's device token (auth/devices.py), kept in its local storage and sent along
    # at sign-in: it spares the real user the per-name ceiling strangers can fill. It is not a
    # session (it signs no one in), so signing out keeps it.
    device_token: str = rx.LocalStorage("", name=DEVICE_STORAGE_KEY)

    async def _require_user(self) -> User | None:
        """The signed-in account, or None (and the visible name cleared) when the token is
        missing, forged, expired, revoked, or its account removed."""
        token = self._token
        if not token:
            self.username = ""
            return None
        try:
            user = await asyncio.to_thread(services().accounts.user_for_token, token)
        except NotAuthenticated as exc:
            self._token = ""
            self.username = ""
            self.notice = exc.detail
            return None
        self.username = user.name
        return user

    async def _as_user(self, call: Callable[..., _T], *args: Any) -> tuple[_T | None, str]:
        """``call(user, *args)`` off the event loop for the signed-in account: (its answer,
        "") or (None, why not)."""
        user = await self._require_user()
        if user is None:
            return None, "sign in again"
        return await attempt(call, user, *args)

    async def _listed(
        self, call: Callable[[User], list[Any]], to_row: Callable[[Any], _T]
    ) -> tuple[list[_T], str]:
        """The rows of a Settings list (``call(user)``, each through ``to_row``) and "", or
        no rows and why not."""
        found, why = await self._as_user(call)
        return [to_row(v) for v in found or []], why

    def _client_address(self) -> str:
        """The browser's address, by the API's rule: the WebSocket's peer, or behind the
        trusted proxy the address it put in the WebSocket request's headers."""
        router = self.router
        headers = router.headers.raw_headers.items()
        return client_address(
            router.session.client_ip or None, headers, services().settings.trusted_proxy
        )

    def _to_sign_in(self) -> EventSpec:
        path = self.router.url.path if self.router.url else "/"
        target = SIGN_IN_ROUTE
        if path and path not in ("/", SIGN_IN_ROUTE) and path.startswith("/"):
            target = f"{SIGN_IN_ROUTE}?next={path}"
        return rx.redirect(target, replace=True)

    @protected
    async def require_session(self) -> None:
        """on_load of every protected page: visitors without a valid session go to sign-in."""

    @rx.event
    async def sign_out(self) -> EventSpec:
        """Forget the session and everything the pages loaded with it, then go to sign-in.

        Resetting the session state resets every feature state below it, so no folder or item
        stays in the browser's state for the next person at this tab. The session record ends
        too, so the token is worthless even if it had been copied.
        """
        session = await self.get_state(SessionState)
        if session._token:
            with contextlib.suppress(RDriveError, StorageUnavailable):  # ended already, or down
                await asyncio.to_thread(services().accounts.sign_out, session._token)
        device_token = session.device_token
        session.reset()
        session._token = ""
        session.device_token = device_token
        session.notice = "You are signed out."
        return rx.redirect(SIGN_IN_ROUTE, replace=True)

    def _show_error(self, exc: RDriveError) -> EventSpec:
        return toast("error", exc.detail, 6000)
