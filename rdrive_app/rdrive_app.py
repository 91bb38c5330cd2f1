"""The Reflex app: registers the pages and mounts the HTTP API on the same backend."""

from __future__ import annotations

import reflex as rx
from reflex.components.sonner.toast import Toaster  # not rx.toast: its calls eval
from reflex.utils import prerequisites

from rdrive_app.api import create_api
from rdrive_app.services.private_files import private_dir
from rdrive_app.services.upkeep.housekeeping import housekeeping
from rdrive_app.services.wiring import get_services
from rdrive_app.ui.components.install import install_head
from rdrive_app.ui.components.page_commands import page_commands
from rdrive_app.ui.components.uploads import bridge
from rdrive_app.ui.pages.albums import album_page, albums_page
from rdrive_app.ui.pages.library import library_page
from rdrive_app.ui.pages.photos import photos_page
from rdrive_app.ui.pages.places import places_page
from rdrive_app.ui.pages.search import search_page, tags_page
from rdrive_app.ui.pages.settings import settings_page
from rdrive_app.ui.pages.share import share_page
from rdrive_app.ui.pages.signin import signin_page
from rdrive_app.ui.pages.trash import trash_page
from rdrive_app.ui.routes import (
    ALBUMS_ROUTE,
    FAVORITES_ROUTE,
    FOLDER_ROUTE_PREFIX,
    PHOTOS_ROUTE,
    PLACES_ROUTE,
    SEARCH_ROUTE,
    SETTINGS_ROUTE,
    SHARE_ROUTE,
    TAGS_ROUTE,
    TRASH_ROUTE,
)
from rdrive_app.ui.state.albums import AlbumState
from rdrive_app.ui.state.app_passwords import AppPasswordsState
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.passkeys import PasskeysState
from rdrive_app.ui.state.places import PlacesState
from rdrive_app.ui.state.search import SearchState
from rdrive_app.ui.state.session import SIGN_IN_ROUTE, backend_error
from rdrive_app.ui.state.settings import SettingsState
from rdrive_app.ui.state.share import ShareState
from rdrive_app.ui.state.signin import SignInState
from rdrive_app.ui.state.tags import TagsState
from rdrive_app.ui.state.timeline import TimelineState
from rdrive_app.ui.state.trash import TrashState
from rdrive_app.ui.state.two_factor import TwoFactorState
from rdrive_app.ui.state.viewer import ViewerState

# The browser's side, one script per job (each event-driven, none polls the page); the one that
# runs the state's page commands, rdrive_page.js, is imported by the bundle (page_commands):
BROWSER_SCRIPTS = (
    "/rdrive_upload.js",  # uploads straight to storage; talks to UploadState (upload_protocol)
    "/rdrive_pick.js",  # files dropped on the folder page or picked with "Upload" → uploads
    "/rdrive_scroll.js",  # infinite scroll: presses "Load more" when it comes into view
    "/rdrive_keys.js",  # the viewer's keys: ← → Esc I F Del ? + −
    "/rdrive_gestures.js",  # the viewer's zoom, pan and swipes, its bars fading
    "/rdrive_preload.js",  # the viewer's neighbours decoded ahead, shown at once on a step
    "/rdrive_live.js",  # a Live Photo's motion on hover and press-and-hold
    "/rdrive_passkeys.js",  # passkey ceremonies; answers through #rdrive-passkey-bridge
    "/rdrive_install.js",  # registers the service worker (rdrive_sw.js: app shell, shares)
    "/rdrive_share.js",  # the share page: shared files listed, uploaded, discarded
    "/rdrive_awake.js",  # a phone's screen kept on while files upload (Screen Wake Lock)
)

# Each session's state, its token included, is written under Reflex's state directory: the
# owner's only (services set the umask; this tightens what an older version left 0755/0644).
private_dir(prerequisites.get_states_dir())

app = rx.App(
    head_components=[*install_head(), *(rx.script(src=src) for src in BROWSER_SCRIPTS)],
    stylesheets=[
        "/rdrive_tiles.css",  # the tiles' hearts: shown on hover, focus or when on
        "/rdrive_nav.css",  # the rail on a wide screen, the bottom bar on a phone
    ],
    api_transformer=create_api(),
    # The upload script's bridge and the receiver of the state's page commands sit in the
    # app's root, not in a page, so they are never remounted while uploads run and the user
    # moves between folders.
    extra_app_wraps={
        (3, "UploadBridge"): lambda stateful: (
            rx.fragment(bridge(), page_commands()) if stateful else None
        )
    },
    backend_exception_handler=backend_error,
    # Notices at the foot of the page, above a phone's bottom bar, each with its own "x";
    # sonner's list is the page's polite live region, so each is announced once.
    toaster=Toaster.create(
        position="bottom-center",
        close_button=True,
        rich_colors=False,  # sonner's tinted ones fall short of WCAG contrast (axe-core)
        offset="84px",
        custom_attrs={"mobileOffset": "84px"},
    ),
)


async def _housekeeping() -> None:
    """Resume processing a crash interrupted, then sweep stale uploads and old trash hourly."""
    await housekeeping(get_services())


app.register_lifespan_task(_housekeeping)
app.add_page(signin_page, route=SIGN_IN_ROUTE, title="Sign in · rDrive", on_load=SignInState.enter)
app.add_page(
    library_page,
    route=f"{FOLDER_ROUTE_PREFIX}/[[...splat]]",
    title="Folders · rDrive",
    on_load=[FolderState.load_folder, ViewerState.open_from_url],
)
for route, title in (("/", "Photos"), (PHOTOS_ROUTE, "Photos"), (FAVORITES_ROUTE, "Favourites")):
    app.add_page(
        photos_page,
        route=route,
        title=f"{title} · rDrive",
        on_load=[TimelineState.load_timeline, ViewerState.open_from_url],
    )
app.add_page(
    albums_page, route=ALBUMS_ROUTE, title="Albums · rDrive", on_load=AlbumState.load_albums
)
# The route's argument has a name no state uses: Reflex adds it as a var of every state.
app.add_page(
    album_page,
    route=f"{ALBUMS_ROUTE}/[album]",
    title="Album · rDrive",
    on_load=[TimelineState.load_timeline, AlbumState.load_album, ViewerState.open_from_url],
)
app.add_page(
    places_page, route=PLACES_ROUTE, title="Places · rDrive", on_load=PlacesState.load_places
)
app.add_page(trash_page, route=TRASH_ROUTE, title="Trash · rDrive", on_load=TrashState.load_trash)
app.add_page(
    settings_page,
    route=SETTINGS_ROUTE,
    title="Settings · rDrive",
    on_load=[
        SettingsState.load_settings,
        TwoFactorState.load_two_factor,
        PasskeysState.load_passkeys,
        AppPasswordsState.load_app_passwords,
    ],
)
app.add_page(
    search_page,
    route=SEARCH_ROUTE,
    title="Search · rDrive",
    on_load=[SearchState.load_search, ViewerState.open_from_url],
)
app.add_page(tags_page, route=TAGS_ROUTE, title="Tags · rDrive", on_load=TagsState.load_tags)
app.add_page(
    share_page, route=SHARE_ROUTE, title="Share to rDrive · rDrive", on_load=ShareState.load_share
)
