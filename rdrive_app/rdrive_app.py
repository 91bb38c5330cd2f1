"""The Reflex app: registers the pages and mounts the HTTP API on the same backend."""

from __future__ import annotations

import reflex as rx

from rdrive_app.api import create_api
from rdrive_app.pages.library import library_page
from rdrive_app.pages.signin import signin_page
from rdrive_app.state.library import LibraryState
from rdrive_app.state.session import SIGN_IN_ROUTE, SessionState
from rdrive_app.state.signin import SignInState

app = rx.App(
    theme=rx.theme(accent_color="indigo", radius="medium"),
    api_transformer=create_api(),
)
app.add_page(signin_page, route=SIGN_IN_ROUTE, title="Sign in · rDrive", on_load=SignInState.enter)
app.add_page(
    library_page,
    route="/",
    title="Library · rDrive",
    on_load=[SessionState.require_session, LibraryState.load_folder],
)
app.add_page(
    library_page,
    route="/folder/[...splat]",
    title="Library · rDrive",
    on_load=[SessionState.require_session, LibraryState.load_folder],
)
