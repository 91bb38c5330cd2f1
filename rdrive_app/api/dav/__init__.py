"""WebDAV at ``/dav/``: WsgiDAV (the well-kept WebDAV server for Python: RFC 4918 methods, locks,
properties, litmus-tested) over a provider of rDrive's tree (``provider.py``), with app
passwords over Basic auth (``auth.py``), mounted in the ASGI app through a2wsgi.
"""

from __future__ import annotations

from typing import Any

from a2wsgi import WSGIMiddleware
from wsgidav.error_printer import ErrorPrinter
from wsgidav.http_authenticator import HTTPAuthenticator
from wsgidav.request_resolver import RequestResolver
from wsgidav.wsgidav_app import WsgiDAVApp

from rdrive_app.api.dav.auth import AppPasswordController
from rdrive_app.api.dav.provider import RDriveProvider
from rdrive_app.services.wiring import Services

MOUNT = "/dav"
BLOCK_SIZE = 1024 * 1024


def dav_app(services: Services) -> Any:
    """The ASGI app that answers WebDAV under ``MOUNT``."""
    config = {
        "provider_mapping": {"/": RDriveProvider(services)},
        "http_authenticator": {
            "domain_controller": AppPasswordController,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
            "trusted_auth_header": None,
        },
        "rdrive_services": services,
        "mount_path": MOUNT,
        # No directory browser (the web app is the browser) and no CORS (no page calls it).
        "middleware_stack": [ErrorPrinter, HTTPAuthenticator, RequestResolver],
        "lock_storage": True,
        "property_manager": True,
        "logging": {"enable": False},
        "verbose": 1,
        # What a GET writes and a PUT reads at a time (WsgiDAV's default, 8 KiB, holds a
        # gigabyte to a fraction of what the connection carries).
        "block_size": BLOCK_SIZE,
        "hotfixes": {"unquote_path_info": False},
    }
    return WSGIMiddleware(WsgiDAVApp(config))
