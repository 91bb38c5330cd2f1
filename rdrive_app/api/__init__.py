"""The HTTP API: ``create_api()`` builds it; Reflex mounts it, uvicorn can run it alone.

uvicorn --factory rdrive_app.api:create_api
"""

from __future__ import annotations

from fastapi import FastAPI

from rdrive_app.api.body_limit import BodyLimitMiddleware
from rdrive_app.api.dav import MOUNT, dav_app
from rdrive_app.api.errors import install_error_handlers
from rdrive_app.api.openapi import install_openapi
from rdrive_app.api.routes import (
    albums,
    app_passwords,
    auth,
    folders,
    items,
    passkeys,
    places,
    search,
    sessions,
    timeline,
    trash,
    two_factor,
    uploads,
)
from rdrive_app.api.security_headers import SecurityHeadersMiddleware
from rdrive_app.services.wiring import Services, get_services

# Every module of routes, in the order the API's documentation lists them.
ROUTE_MODULES = (
    auth,
    folders,
    items,
    uploads,
    trash,
    timeline,
    albums,
    search,
    places,
    sessions,
    two_factor,
    app_passwords,
    passkeys,
)


def create_api(services: Services | None = None) -> FastAPI:
    """The FastAPI app over ``services`` (default: built from the environment)."""
    services = services or get_services()
    app = FastAPI(
        title="rDrive",
        version="0.1.0",
        description="A private photo and video drive for two people.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)
    install_openapi(app)
    # Reflex mounts its own routes inside this app, so these cover the whole backend.
    signed_files = services.storage.signed_files
    app.add_middleware(
        BodyLimitMiddleware, services=services, signed_files=signed_files is not None
    )
    app.add_middleware(
        SecurityHeadersMiddleware, https_only=services.settings.api_url.startswith("https://")
    )
    for routes in ROUTE_MODULES:
        app.include_router(routes.router)
    app.mount(MOUNT, dav_app(services))
    if signed_files is not None:  # the store's URLs point here (the local one)
        from rdrive_app.api.signed_files import signed_files_router

        app.include_router(
            signed_files_router(
                signed_files,
                max_bytes=services.settings.max_upload_bytes,
                put_rule=services.uploads.put_rule,
            )
        )
    return app
