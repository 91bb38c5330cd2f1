"""Who may use WebDAV: an app password over Basic auth (never the account's own password,
which a second factor guards), with the sign-in throttle, and only for what its scope allows."""

from __future__ import annotations

from typing import Any

from wsgidav.dc.base_dc import BaseDomainController

from rdrive_app.auth.client_address import client_address
from rdrive_app.auth.throttle import Attempt
from rdrive_app.core.errors import NotAllowed, RDriveError
from rdrive_app.services.wiring import Services

REALM = "rDrive"
# WebDAV's methods that only read; anything else needs a read-write app password.
READING = frozenset({"GET", "HEAD", "OPTIONS", "PROPFIND"})


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
        accounts = self._services.accounts
        peer = environ.get("REMOTE_ADDR") or None
        address = client_address(peer, _headers(environ), self._services.settings.trusted_proxy)
        attempt = Attempt(user_name.strip().casefold(), address)
        writes = environ.get("REQUEST_METHOD", "GET") not in READING
        try:
            accounts.guard.check(attempt)
            use = accounts.app_passwords.check(password, writes=writes, username=user_name)
        except NotAllowed:
            environ["rdrive.refusal"] = "this app password is read-only"
            return False
        except RDriveError:
            accounts.guard.failed(attempt)
            return False
        environ["rdrive.user"] = use.user
        environ["wsgidav.auth.roles"] = ("editor",) if use.scope == "write" else ("reader",)
        return True
