"""Builds the services once per process from settings; the API and the UI state share them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdrive_app.services.accounts import AccountService
from rdrive_app.services.library import LibraryService
from rdrive_app.settings import Settings, get_settings
from rdrive_app.storage import Storage, build_storage


@dataclass
class Services:
    """Every use-case the app offers, wired to one storage backend."""

    settings: Settings
    storage: Storage
    accounts: AccountService
    library: LibraryService


def build_services(settings: Settings) -> Services:
    """Wire the services for ``settings`` (tests call this with their own settings)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    storage = build_storage(settings)
    return Services(
        settings=settings,
        storage=storage,
        accounts=AccountService(storage.catalog, settings),
        library=LibraryService(storage.catalog),
    )


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services, built from the environment on first use."""
    return build_services(get_settings())
