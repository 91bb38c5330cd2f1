"""Accounts and sessions: the two-user rule, sign-in with throttling, who a token belongs to.

Everything here is synchronous and some of it is slow on purpose (bcrypt): callers on an
event loop run it in a thread (``anyio.to_thread`` / ``asyncio.to_thread``).
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from rdrive_app.auth.challenges import INVALID as INVALID_CHALLENGE
from rdrive_app.auth.challenges import decode_challenge, issue_challenge
from rdrive_app.auth.devices import device_of, issue_device_token, new_device_id
from rdrive_app.auth.passkey_ceremonies import Ceremony
from rdrive_app.auth.password_quality import check_password_strength
from rdrive_app.auth.passwords import dummy_hash, hash_password, verify_password
from rdrive_app.auth.throttle import Attempt, SignInGuard
from rdrive_app.auth.tokens import decode_token, issue_token
from rdrive_app.core.domain import User, validate_username
from rdrive_app.core.errors import InvalidInput, LimitReached, NotAuthenticated, NotFound
from rdrive_app.core.settings import Settings
from rdrive_app.services.app_passwords import AppPasswords
from rdrive_app.services.passkeys import Passkeys, PasskeyView
from rdrive_app.services.second_factor import WRONG_CODE, SecondFactors
from rdrive_app.services.sessions import Sessions
from rdrive_app.storage.protocols import Catalog

WRONG_CREDENTIALS = "Wrong username or password"
SESSION_NO_LONGER_VALID = "your session is no longer valid; sign in again"


class Session(NamedTuple):
    """A signed-in session: the token, how long it lives, and this device's device token
    (to present at the next sign-in: see ``auth/devices.py``)."""

    token: str
    username: str
    expires_in: int
    device_token: str = ""
    session_id: str = ""


class SecondStep(NamedTuple):
    """A right password for an account with a second factor: the short-lived challenge to
    present with a code (``finish_sign_in``), and the ways the account can finish."""

    challenge_token: str
    username: str
    methods: list[str]


class Caller(NamedTuple):
    """Who is signing in, as far as the request tells: the address (``auth/client_address``),
    the device token this browser was given at an earlier sign-in, and its User-Agent."""

    address: str = "unknown"
    device_token: object = None
    user_agent: str | None = None


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
        self.second_factors = SecondFactors(catalog)
        self.app_passwords = AppPasswords(catalog)
        self.passkeys = Passkeys(catalog, settings)

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
        password_hash = hash_password(password, self._settings.bcrypt_rounds, [name])
        return self._catalog.add_user(User(name=name, password_hash=password_hash))

    def ensure_first_user(self, name: str = "admin") -> tuple[str, str] | None:
        """When there is no account yet, create one and return (name, password) to print once."""
        if self._catalog.list_users():
            return None
        while True:  # 96 random bits; zxcvbn may, very rarely, see a word in one: draw again
            password = secrets.token_urlsafe(12)
            try:
                check_password_strength(password, [name])
            except InvalidInput:
                continue
            break
        self.add_user(name, password)
        return name, password

    def change_password(self, name: str, password: str) -> User:
        """Set a new password; every session and token from before it ends. The write is
        conditional on the account read first, so a name removed and made again meanwhile
        is not given this password."""
        user = self._require_user(name)
        password_hash = hash_password(password, self._settings.bcrypt_rounds, [user.name])
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
        self, name: object, password: object, caller: Caller = Caller()
    ) -> Session | SecondStep:
        """Check a name and password and issue a token and a device token, or, when the
        account has a second factor, a ``SecondStep`` to finish with ``finish_sign_in``.

        ``caller`` says where the attempt comes from (see ``Caller``). Unknown names are checked
        against a dummy hash so that they take as long as a wrong password; an attempt the
        throttle holds (``auth/throttle.py``) gets TooManyAttempts before any check.
        """
        if not isinstance(name, str) or not isinstance(password, str):
            raise InvalidInput("username and password must be text")
        name = name.strip()
        # The account is read before the throttle only when a device token needs checking
        # against it: a held attempt without one costs no catalog read.
        device = caller.device_token
        user = self._catalog.get_user(name) if name and device else None
        device_id = device_of(device, user.account_id, self._secret()) if user else None
        attempt = Attempt(name.casefold(), caller.address, device_id)
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
        if self.second_factors.enrolled(user):
            # The throttle's count is not cleared by the password alone: it is cleared when
            # the second factor is right too, so wrong codes add up across attempts.
            challenge = issue_challenge(
                user.name, user.account_id, user.token_version, self._secret()
            )
            return SecondStep(challenge, user.name, self._methods(user))
        self.guard.succeeded(attempt)
        return self._open_session(user, caller, device_id)

    def _methods(self, user: User) -> list[str]:
        """How ``user`` can finish a sign-in after the password."""
        passkey = ["passkey"] if self.passkeys.has_any(user) else []
        return self.second_factors.methods(user) + passkey

    def _challenged(self, challenge_token: object) -> User:
        """The account a second-step challenge names, still as it was."""
        challenge = decode_challenge(challenge_token, self._secret())
        return self._still_valid(
            challenge.username, challenge.account_id, challenge.version, INVALID_CHALLENGE
        )

    # passkeys
    def start_passkey_registration(self, user: User) -> Ceremony:
        return self.passkeys.start_registration(user, self._secret())

    def finish_passkey_registration(
        self, user: User, ceremony_token: object, credential: object, name: object
    ) -> PasskeyView:
        return self.passkeys.finish_registration(
            user, ceremony_token, credential, name, self._secret()
        )

    def start_passkey_sign_in(self, challenge_token: object = None) -> Ceremony:
        """Options for a passkey sign-in: with no challenge, any passkey of this site (the
        sign-in needs no name); with a second-step challenge, one of that account's."""
        user = self._challenged(challenge_token) if challenge_token else None
        return self.passkeys.start_sign_in(self._secret(), user)

    def finish_passkey_sign_in(
        self, ceremony_token: object, credential: object, caller: Caller = Caller()
    ) -> Session:
        """A session for the account whose passkey answered (user verification included, so
        a passkey counts as both factors)."""
        name, account_id = self.passkeys.finish_sign_in(ceremony_token, credential, self._secret())
        user = self._catalog.get_user(name)
        if user is None or user.account_id != account_id:
            raise NotAuthenticated("this passkey's account no longer exists")
        return self._open_session(user, caller, self._device_id(user, caller))

    def finish_sign_in(
        self, challenge_token: object, code: object, caller: Caller = Caller()
    ) -> Session:
        """The second step of a sign-in: a challenge from ``sign_in`` and a code (TOTP or
        recovery). Wrong codes count against the same throttle as wrong passwords."""
        user = self._challenged(challenge_token)
        device_id = self._device_id(user, caller)
        attempt = Attempt(user.name.casefold(), caller.address, device_id)
        self._check_code(user, code, attempt)
        return self._open_session(user, caller, device_id)

    def _check_code(self, user: User, code: object, attempt: Attempt) -> None:
        """A right second-factor code (used up), or NotAuthenticated; throttled."""
        self.guard.check(attempt)
        if not self.second_factors.verify(user, code):
            self.guard.failed(attempt)
            raise NotAuthenticated(WRONG_CODE)
        self.guard.succeeded(attempt)

    def _checked_code(self, user: User, code: object, client: str) -> None:
        """``_check_code`` for a signed-in person's settings change: a wrong code is bad
        input there (400), not a lost session."""
        try:
            self._check_code(user, code, Attempt(user.name.casefold(), client))
        except NotAuthenticated:
            raise InvalidInput(WRONG_CODE) from None

    def turn_off_totp(self, user: User, code: object, client: str = "unknown") -> None:
        """Turn two-factor codes off, for a current code or a recovery code."""
        self._checked_code(user, code, client)
        self.second_factors.turn_off(user)

    def renew_recovery_codes(self, user: User, code: object, client: str = "unknown") -> list[str]:
        """Ten new recovery codes, for a current code; the earlier ones stop working."""
        self._checked_code(user, code, client)
        return self.second_factors.new_recovery_codes(user)

    def reset_second_factor(self, name: str) -> int:
        """For the CLI: remove ``name``'s second factors (a lost phone); how many went."""
        return self.second_factors.turn_off(self._require_user(name))

    def _device_id(self, user: User, caller: Caller) -> str | None:
        """The device id of the caller's device token, when it is a genuine one of ``user``."""
        device = caller.device_token
        return device_of(device, user.account_id, self._secret()) if device else None

    def _open_session(self, user: User, caller: Caller, device_id: str | None) -> Session:
        lifetime = self._settings.token_lifetime_s
        device_token = issue_device_token(
            user.account_id,
            device_id or new_device_id(),
            self._secret(),
            self._settings.device_token_lifetime_s,
        )
        session_id = self.sessions.start(user, caller.address, caller.user_agent, lifetime)
        token = issue_token(user, self._secret(), lifetime, session_id)
        return Session(token, user.name, lifetime, device_token, session_id)

    def signed_in(self, token: object) -> SignedIn:
        """The account and session a token belongs to, checked against the catalog every time.

        A removed account, one removed and made again under the same name, a token from before
        a password change or a sign-out everywhere, or one whose session was ended is refused.
        """
        claims = decode_token(token, self._secret())
        user = self._still_valid(
            claims.username, claims.account_id, claims.version, SESSION_NO_LONGER_VALID
        )
        self.sessions.check(user, claims.session_id)
        return SignedIn(user, claims.session_id)

    def _still_valid(self, name: str, account_id: str, version: int, refusal: str) -> User:
        """The account a token or challenge names, unless it was removed (and maybe made
        again under that name) or its tokens revoked since; NotAuthenticated(refusal) then."""
        user = self._catalog.get_user(name)
        if user is None or user.account_id != account_id or user.token_version != version:
            raise NotAuthenticated(refusal)
        return user

    def user_for_token(self, token: object) -> User:
        """The account a token belongs to (``signed_in``'s checks)."""
        return self.signed_in(token).user

    def user_for_bearer(self, token: object, *, writes: bool) -> User:
        """The account behind a session token, or behind an app password whose scope allows
        this request (``writes``: it changes something). The library's routes take either;
        the account's own settings take a session only (``signed_in``)."""
        if self.app_passwords.looks_like(token):
            return self.app_passwords.check(token, writes=writes).user
        return self.user_for_token(token)
