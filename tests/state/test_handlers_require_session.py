"""Every event handler of every state checks the session on the server.

The browser can call any handler with any arguments, so each one is called here directly, with
arguments that would change or reveal something, under every kind of bad token: nothing is
returned but a redirect to sign-in, no library data reaches the state, and the catalog and blob
store are exactly as before, in the handler's own state and in every other feature state it
could reach with ``get_state``. The list of handlers comes from the app itself, so a new handler
is covered without anyone remembering to add it.
"""

from __future__ import annotations

import inspect
import json
import time
from pathlib import Path

import jwt
import pytest
import reflex as rx

import rdrive_app.ui.state.albums
import rdrive_app.ui.state.folder
import rdrive_app.ui.state.organize
import rdrive_app.ui.state.search
import rdrive_app.ui.state.signin
import rdrive_app.ui.state.tags
import rdrive_app.ui.state.trash
import rdrive_app.ui.state.uploads
import rdrive_app.ui.state.viewer  # noqa: F401  (every state class, for the list of handlers)
from rdrive_app.auth.challenges import issue_challenge
from rdrive_app.core.settings import get_settings
from rdrive_app.services import wiring
from rdrive_app.ui.state.session import SessionState
from tests.handler_calls import call_handler

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
# Signing in (both steps, and going back to the first) and forgetting a session.
PUBLIC_HANDLERS = {
    "sign_in",
    "sign_in_with_code",
    "use_passkey",
    "passkey_signed",
    "start_over",
    "enter",
    "sign_out",
}
REFLEX_BUILTINS = {"hydrate", "hydrate_and_load", "set_is_hydrated", "setvar"}


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    data = tmp_path_factory.mktemp("state-data")
    mp = pytest.MonkeyPatch()
    mp.setenv("RDRIVE_DATA_DIR", str(data))
    mp.setenv("RDRIVE_BCRYPT_ROUNDS", "4")
    mp.setenv("RDRIVE_JWT_SECRET", "s" * 48)
    get_settings.cache_clear()
    wiring.get_services.cache_clear()
    import rdrive_app.rdrive_app  # noqa: F401  (registers every page and state)

    services = wiring.get_services()
    services.accounts.add_user("alice", "alice password")
    services.accounts.add_user("bob", "bob password 1")
    services.folders.create_folder("/trip")
    photo = MEDIA / "photos" / "Canon_40D.jpg"
    with photo.open("rb") as f:
        item = services.uploads.upload_stream(
            "alice", "/trip", "a.jpg", f, photo.stat().st_size, "image/jpeg"
        )
    deadline = time.time() + 60
    while services.storage.catalog.get_item(item.id).status.value == "processing":
        assert time.time() < deadline, "processing never finished"
        time.sleep(0.1)
    yield services, item
    services.processing.shutdown()
    mp.undo()
    get_settings.cache_clear()
    wiring.get_services.cache_clear()


def _states() -> list[type[rx.State]]:
    found, todo = [], [SessionState]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


_APP_PASSWORDS: dict[int, str] = {}


def _app_password(services) -> str:
    """A read-write app password of alice's (one per module: an account has at most 20)."""
    if id(services) not in _APP_PASSWORDS:
        alice = services.storage.catalog.get_user("alice")
        made = services.accounts.app_passwords.create(alice, "a script", "write")
        _APP_PASSWORDS[id(services)] = made.password
    return _APP_PASSWORDS[id(services)]


def _bad_tokens(services) -> dict[str, str]:
    secret = services.settings.resolved_jwt_secret()
    now = int(time.time())
    alice = services.storage.catalog.get_user("alice")
    ended = services.accounts.sign_in("alice", "alice password")
    services.accounts.sessions.end(alice, ended.session_id)
    claims = {
        "sub": "alice",
        "aid": alice.account_id,
        "ver": alice.token_version,
        "sid": ended.session_id,
        "iat": now,
        "exp": now + 600,
    }
    return {
        "none": "",
        "garbage": "not.a.token",
        "expired": jwt.encode({**claims, "iat": now - 700, "exp": now - 100}, secret),
        "other key": jwt.encode(claims, "k" * 48),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "removed user": jwt.encode({**claims, "sub": "ghost"}, secret),
        "before password change": jwt.encode({**claims, "ver": alice.token_version - 1}, secret),
        "ended session": ended.token,
        "app password": _app_password(services),  # for scripts and WebDAV, never the UI
        "second-step challenge": issue_challenge(
            "alice", alice.account_id, alice.token_version, secret
        ),
    }


def _args_for(fn, item_id: str) -> list[object]:
    args = []
    for name, param in list(inspect.signature(fn).parameters.items())[1:]:
        annotation = str(param.annotation)
        if "dict" in annotation:
            args.append({"name": "hacked", "username": "alice", "password": "x"})
        elif "bool" in annotation:
            args.append(True)
        elif name == "raw":
            args.append(
                json.dumps(
                    {
                        "type": "chosen",
                        "files": [
                            {"cid": "c1", "name": "evil.jpg", "size": 10, "type": "image/jpeg"}
                        ],
                    }
                )
            )
        elif "path" in name:
            args.append("/trip")
        elif "kind" in name or "sort" in name:
            args.append("video" if "kind" in name else "taken")
        else:
            args.append(item_id)
    return args


def _snapshot(services) -> tuple:
    catalog, blobs = services.storage.catalog, services.storage.blobs
    items = catalog.list_items("/trip").items
    trash = catalog.list_trash().items
    return (
        [(i.id, i.folder, i.name, i.status) for i in items],
        [(i.id, i.name) for i in trash],
        [f.path for f in catalog.list_folders("/")]
        + [f.path for f in catalog.list_folders("/trip")],
        sorted(blobs.list_keys("")),
        [(u.name, u.token_version) for u in catalog.list_users()],
    )


LIBRARY_VARS = (
    "items",
    "albums",
    "sections",
    "album_name",
    "subfolders",
    "trashed",
    "info",
    "uploads",
    "picker_folders",
    "image_src",
    "sources",
    "open_name",
    "selected",
    "username",
    "tags",
    "description",
)


def _cases():
    for cls in _states():
        for name in sorted(cls.event_handlers):
            if name in PUBLIC_HANDLERS | REFLEX_BUILTINS:
                continue
            if name in cls.__mro__[1].event_handlers and cls.__mro__[1] in _states():
                continue  # inherited: tested on the class that defines it
            yield pytest.param(cls, name, id=f"{cls.__name__}.{name}")


def test_the_app_has_protected_handlers():
    assert len(list(_cases())) >= 30


@pytest.mark.parametrize(("state_cls", "handler_name"), list(_cases()))
def test_handler_refuses_every_bad_session(app_env, state_cls, handler_name):
    services, item = app_env
    handler = state_cls.event_handlers[handler_name]
    before = _snapshot(services)
    for label, token in _bad_tokens(services).items():
        root = rx.State(_reflex_internal_init=True)
        state = root.get_substate(state_cls.get_full_name().split(".")[1:])
        state._token = token
        result = _call(handler.fn, state, _args_for(handler.fn, item.id))
        for value in result:
            assert value is None or _is_sign_in_redirect(value), (label, value)
        for feature in _feature_states(root):
            for var in LIBRARY_VARS:
                if hasattr(feature, var):
                    value = getattr(feature, var)
                    assert not value, (label, type(feature).__name__, var, value)
        assert state._token == "", label
        assert _snapshot(services) == before, label


def _feature_states(root) -> list[rx.State]:
    """The session state and every feature state below it, in this page's state tree."""
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    return [session, *session.substates.values()]


def test_the_feature_states_are_flat_substates_of_the_session():
    """Each feature state reaches the others with get_state, never by inheriting their vars."""
    features = [cls for cls in _states() if cls is not SessionState]
    assert {cls.__name__ for cls in features} >= {
        "FolderState", "ViewerState", "OrganizeState", "UploadState", "TrashState", "SignInState",
    }  # fmt: skip
    for cls in features:
        assert cls.__bases__ == (SessionState,), cls


def _call(fn, state, args) -> list[object]:
    return call_handler(fn, state, *args)


def _is_sign_in_redirect(value) -> bool:
    text = repr(value)
    return "_redirect" in text and "/signin" in text
