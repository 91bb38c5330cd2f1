"""Who may use WebDAV: an app password over Basic auth (never the account's own password,
which a second factor guards), with the sign-in throttle, and only for what its scope allows.
One check, ``basic_user``, for WsgiDAV's domain controller and the body limit alike."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from wsgidav.dc.base_dc import BaseDomainController

from rdrive_app.auth.client_address import client_address
from rdrive_app.auth.throttle import Attempt
from rdrive_app.core.domain import User
from rdrive_app.core.errors import NotAuthenticated
from rdrive_app.services.wiring import Services

REALM = "rDrive"
# WebDAV's methods that only read; anything else needs a read-write app password.
READING = frozenset({"GET", "HEAD", "OPTIONS", "PROPFIND"})


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(name, password) of an ``Authorization: Basic`` header, or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, sep, password = (
            base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (name, password) if sep else None


def basic_user(
    services: Services,
    name: str,
    password: str,
    method: str,
    peer: str | None,
    headers: Iterable[tuple[str, str]],
) -> User:
    """The account of a genuine app password allowed ``method``; wrong ones count against
    the sign-in throttle (TooManyAttempts once held). NotAuthenticated or NotAllowed else."""
    accounts = services.accounts
    address = client_address(peer, headers, services.settings.trusted_proxy)
    attempt = Attempt(name.strip().casefold(), address)
    accounts.guard.check(attempt)
    try:
        use = accounts.app_passwords.check(password, writes=method not in READING, username=name)
    except NotAuthenticated:
        accounts.guard.failed(attempt)
        raise
    return use.user


def _headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key[5:].replace("_", "-").lower(), str(value))
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]


class AppPasswordController(BaseDomainController):
    """WsgiDAV's domain controller: one realm, Basic auth with app passwords."""

    def __init__(self, wsgidav_app: Any, config: dict[str, Any]) -> None:
        super().__init__(wsgidav_app, config)
        self._services: Services = config["rdrive_services"]

    def __str__(self) -> str:
        return "rDrive app passwords"

    def get_domain_realm(self, path_info: str, environ: dict[str, Any]) -> str:
        return REALM

    def require_authentication(self, realm: str, environ: dict[str, Any]) -> bool:
        return True

    def supports_http_digest_auth(self) -> bool:
        return False

    def basic_auth_user(
        self, realm: str, user_name: str, password: str, environ: dict[str, Any]
    ) -> bool:
        try:
            user = basic_user(
                self._services,
                user_name,
                password,
                environ.get("REQUEST_METHOD", "GET"),
                environ.get("REMOTE_ADDR") or None,
                _headers(environ),
            )
        except Exception:
            return False
        environ["rdrive.user"] = user
        return True
