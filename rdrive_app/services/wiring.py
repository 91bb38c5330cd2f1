"""Builds the services from settings: the one wiring the app, the API, the CLI and the Lambda
handler all use (once per process; the API and the UI state share theirs)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdrive_app.core.settings import ProcessingMode, Settings, get_settings
from rdrive_app.media.sniff import sniff_type
from rdrive_app.services.accounts import AccountService
from rdrive_app.services.albums import AlbumService
from rdrive_app.services.downloads import DownloadService
from rdrive_app.services.drive import Drive
from rdrive_app.services.folders import FolderService
from rdrive_app.services.items import ItemService
from rdrive_app.services.places import PlaceService
from rdrive_app.services.private_files import keep_files_private, private_dir
from rdrive_app.services.search import SearchService
from rdrive_app.services.timeline import TimelineService
from rdrive_app.services.turns import TurnService
from rdrive_app.services.uploads import ProcessingQueue, UploadService
from rdrive_app.services.zip_tickets import ZipTickets
from rdrive_app.storage import Storage, build_storage


@dataclass
class Services:
    """Every use-case the app offers, wired to one storage backend."""

    settings: Settings
    storage: Storage
    accounts: AccountService
    folders: FolderService
    items: ItemService
    timeline: TimelineService
    places: PlaceService
    uploads: UploadService
    downloads: DownloadService
    zip_tickets: ZipTickets
    processing: ProcessingQueue
    turns: TurnService
    albums: AlbumService
    search: SearchService

    @property
    def drive(self) -> Drive:
        """The library as a tree of files (WebDAV), over the services as they are now."""
        return Drive(
            self.storage,
            self.uploads,
            self.items,
            self.folders,
            url_lifetime_s=self.settings.signed_url_lifetime_s,
        )


def build_services(settings: Settings, processing: ProcessingQueue | None = None) -> Services:
    """Wire the services for ``settings`` (tests call this with their own settings); from here
    on this process's files are private (services/private_files.py)."""
    keep_files_private()
    private_dir(settings.data_dir)
    storage = build_storage(settings)
    queue = processing or _processing_for(storage, settings)
    items = ItemService(storage, settings.trash_retention_days)
    return Services(
        settings=settings,
        storage=storage,
        accounts=AccountService(storage.catalog, settings),
        folders=FolderService(storage.catalog),
        items=items,
        timeline=TimelineService(storage.catalog),
        places=PlaceService(storage.catalog),
        uploads=UploadService(storage, settings, sniff_type, queue),
        downloads=DownloadService(storage),
        zip_tickets=ZipTickets(settings.api_url),
        processing=queue,
        turns=TurnService(storage, settings, items),
        albums=AlbumService(storage),
        search=SearchService(storage.catalog),
    )


def _processing_for(storage: Storage, settings: Settings) -> ProcessingQueue:
    from rdrive_app.services.processing import EventQueue, ProcessingPool

    if settings.processing is ProcessingMode.EVENTS:
        return EventQueue(storage, settings)
    return ProcessingPool(storage, settings)


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services, built from the environment on first use."""
    return build_services(get_settings())
