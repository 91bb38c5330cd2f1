"""The web page's session: the token never reaches the browser, and signing out ends it.

The page's token lives in a backend-only state var; these tests sign in through the real
sign-in handler, look at everything the browser would receive (every frontend var of every
state, and the events the handler returns), then sign out and call a protected handler again.
"""

from __future__ import annotations

import json

import pytest
import reflex as rx

from rdrive_app.core.settings import get_settings
from rdrive_app.services import wiring
from tests.handler_calls import call_handler

PASSWORD = "ui password 1"


@pytest.fixture(scope="module")
def ui_env(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("RDRIVE_DATA_DIR", str(tmp_path_factory.mktemp("ui-session")))
    mp.setenv("RDRIVE_BCRYPT_ROUNDS", "4")
    mp.setenv("RDRIVE_JWT_SECRET", "u" * 48)
    get_settings.cache_clear()
    wiring.get_services.cache_clear()
    import rdrive_app.rdrive_app  # noqa: F401  (registers every page and state)

    services = wiring.get_services()
    services.accounts.add_user("alice", PASSWORD)
    services.folders.create_folder("/secret")
    yield services
    services.processing.shutdown()
    mp.undo()
    get_settings.cache_clear()
    wiring.get_services.cache_clear()


def _run(fn, state, *args) -> list[object]:
    return call_handler(fn, state, *args)


def _substate(root, cls):
    return root.get_substate(cls.get_full_name().split(".")[1:])


def test_the_token_stays_on_the_server_and_sign_out_ends_the_session(ui_env) -> None:
    from rdrive_app.ui.state.folder import FolderState
    from rdrive_app.ui.state.session import SessionState
    from rdrive_app.ui.state.signin import SignInState

    root = rx.State(_reflex_internal_init=True)
    signin = _substate(root, SignInState)
    events = _run(SignInState.event_handlers["sign_in"].fn, signin, {
        "username": "alice", "password": PASSWORD,
    })  # fmt: skip
    token = signin._token
    assert token and ui_env.accounts.user_for_token(token).name == "alice"
    library = _substate(root, FolderState)
    assert library._token == token  # one session for every page
    _run(FolderState.event_handlers["load_folder"].fn, library)
    seen_by_browser = json.dumps(root.dict(), default=str) + repr(events)
    assert token not in seen_by_browser
    assert "eyJ" not in seen_by_browser
    assert "secret" in seen_by_browser  # the page did load: the check above saw real state

    out = _run(SessionState.event_handlers["sign_out"].fn, signin)
    assert "/signin" in repr(out)
    assert library._token == "" and library.username == ""
    again = _run(FolderState.event_handlers["load_folder"].fn, library)
    assert "/signin" in repr(again)
    assert "secret" not in json.dumps(library.dict(), default=str)
