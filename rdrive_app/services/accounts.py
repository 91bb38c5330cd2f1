"""Accounts and sessions: the two-user rule, sign-in with throttling, who a token belongs to.

Everything here is synchronous and some of it is slow on purpose (bcrypt): callers on an
event loop run it in a thread (``anyio.to_thread`` / ``asyncio.to_thread``).
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from rdrive_app.auth.devices import device_of, issue_device_token, new_device_id
from rdrive_app.auth.passwords import dummy_hash, hash_password, verify_password
from rdrive_app.auth.throttle import Attempt, SignInGuard
from rdrive_app.auth.tokens import decode_token, issue_token
from rdrive_app.core.domain import User, validate_username
from rdrive_app.core.errors import InvalidInput, LimitReached, NotAuthenticated, NotFound
from rdrive_app.core.settings import Settings
from rdrive_app.services.sessions import Sessions
from rdrive_app.storage.protocols import Catalog

WRONG_CREDENTIALS = "Wrong username or password"


class Session(NamedTuple):
    """A signed-in session: the token, how long it lives, and this device's device token
    (to present at the next sign-in: see ``auth/devices.py``)."""

    token: str
    username: str
    expires_in: int
    device_token: str = ""
    session_id: str = ""


class SignedIn(NamedTuple):
    """Who a valid token belongs to, and which of their sessions it is."""

    user: User
    session_id: str


class AccountService:
    """Creates accounts, signs people in and turns tokens back into users."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self._catalog = catalog
        self._settings = settings
        self._key: str | None = None
        self.guard = SignInGuard(settings)
        self.sessions = Sessions(catalog)

    def _secret(self) -> str:
        """The JWT key, resolved when a token is first made or read: a process that never
        handles one (the processing Lambda) never generates or reads a key."""
        if self._key is None:
            self._key = self._settings.resolved_jwt_secret()
        return self._key

    # accounts
    def add_user(self, name: str, password: str) -> User:
        """Create an account; refused past ``max_users`` or for a taken name."""
        name = validate_username(name)
        if len(self._catalog.list_users()) >= self._settings.max_users:
            raise LimitReached(
                f"rDrive allows at most {self._settings.max_users} accounts; remove one first"
            )
        password_hash = hash_password(password, self._settings.bcrypt_rounds)
        return self._catalog.add_user(User(name=name, password_hash=password_hash))

    def ensure_first_user(self, name: str = "admin") -> tuple[str, str] | None:
        """When there is no account yet, create one and return (name, password) to print once."""
        if self._catalog.list_users():
            return None
        password = secrets.token_urlsafe(12)
        self.add_user(name, password)
        return name, password

    def change_password(self, name: str, password: str) -> User:
        """Set a new password; every session and token from before it ends. The write is
        conditional on the account read first, so a name removed and made again meanwhile
        is not given this password."""
        user = self._require_user(name)
        password_hash = hash_password(password, self._settings.bcrypt_rounds)
        changed = self._catalog.set_password(name, password_hash, user.account_id)
        self.sessions.end_all(changed)
        return changed

    def sign_out_everywhere(self, name: str) -> None:
        """End every session of ``name`` and revoke every token issued so far (its token
        version goes up, so a token whose session is being written as this runs is refused
        too). Only the version is written (a racing password change stays)."""
        user = self._require_user(name)
        self._catalog.bump_token_version(name, user.account_id)
        self.sessions.end_all(user)

    def sign_out(self, token: object) -> None:
        """End the session ``token`` names (one already ended is not an error)."""
        signed_in = self.signed_in(token)
        self.sessions.end(signed_in.user, signed_in.session_id)

    def remove_user(self, name: str) -> None:
        self._require_user(name)
        self._catalog.remove_user(name)

    def list_users(self) -> list[User]:
        return self._catalog.list_users()

    def _require_user(self, name: str) -> User:
        user = self._catalog.get_user(name) if isinstance(name, str) else None
        if user is None:
            raise NotFound(f"no account named {name!r}")
        return user

    # sessions
    def sign_in(
        self,
        name: object,
        password: object,
        client: str = "unknown",
        device: object = None,
        user_agent: str | None = None,
    ) -> Session:
        """Check a name and password and issue a token and a device token.

        ``client`` is the caller's address (``auth/client_address.py``), ``device`` the device
        token this browser was given at an earlier sign-in, if any. Unknown names are checked
        against a dummy hash so that they take as long as a wrong password; an attempt the
        throttle holds (``auth/throttle.py``) gets TooManyAttempts before any check.
        """
        if not isinstance(name, str) or not isinstance(password, str):
            raise InvalidInput("username and password must be text")
        name = name.strip()
        # The account is read before the throttle only when a device token needs checking
        # against it: a held attempt without one costs no catalog read.
        user = self._catalog.get_user(name) if name and device else None
        device_id = device_of(device, user.account_id, self._secret()) if user else None
        attempt = Attempt(name.casefold(), client, device_id)
        self.guard.check(attempt)
        if name and not device:
            user = self._catalog.get_user(name)
        if user is None:
            verify_password(password, dummy_hash(self._settings.bcrypt_rounds))
            ok = False
        else:
            ok = verify_password(password, user.password_hash)
        if not ok or user is None:
            self.guard.failed(attempt)
            raise NotAuthenticated(WRONG_CREDENTIALS)
        self.guard.succeeded(attempt)
        lifetime = self._settings.token_lifetime_s
        device_token = issue_device_token(
            user.account_id,
            device_id or new_device_id(),
            self._secret(),
            self._settings.device_token_lifetime_s,
        )
        session_id = self.sessions.start(user, client, user_agent, lifetime)
        token = issue_token(user, self._secret(), lifetime, session_id)
        return Session(token, user.name, lifetime, device_token, session_id)

    def signed_in(self, token: object) -> SignedIn:
        """The account and session a token belongs to, checked against the catalog every time.

        A removed account, one removed and made again under the same name, a token from before
        a password change or a sign-out everywhere, or one whose session was ended is refused.
        """
        claims = decode_token(token, self._secret())
        user = self._catalog.get_user(claims.username)
        if (
            user is None
            or user.account_id != claims.account_id
            or user.token_version != claims.version
        ):
            raise NotAuthenticated("your session is no longer valid; sign in again")
        self.sessions.check(user, claims.session_id)
        return SignedIn(user, claims.session_id)

    def user_for_token(self, token: object) -> User:
        """The account a token belongs to (``signed_in``'s checks)."""
        return self.signed_in(token).user
