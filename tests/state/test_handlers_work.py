"""With a valid session, the handlers do what the page needs (the browser tests click through
the same paths; these pin the state logic down without a browser)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import reflex as rx
from reflex.istate.data import RouterData

import rdrive_app.ui.state.uploads  # noqa: F401  (registers the states)
from rdrive_app.core.settings import get_settings
from rdrive_app.services import wiring
from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.signin import SignInState
from rdrive_app.ui.state.trash import TrashState
from rdrive_app.ui.state.viewer import ViewerState
from tests.handler_calls import call_handler

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"


@pytest.fixture
def services(tmp_path, monkeypatch):
    monkeypatch.setenv("RDRIVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RDRIVE_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("RDRIVE_JWT_SECRET", "t" * 48)
    get_settings.cache_clear()
    wiring.get_services.cache_clear()
    services = wiring.get_services()
    services.accounts.add_user("alice", "alice password")
    yield services
    services.processing.shutdown()
    get_settings.cache_clear()
    wiring.get_services.cache_clear()


run = call_handler


def state_at(cls, path: str = "/", query: dict | None = None):
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            "pathname": path,
            "asPath": path + ("?" + urlencode(query) if query else ""),
            "query": query or {},
            "headers": {"origin": "http://localhost:3000"},
            "ip": "127.0.0.1",
        }
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def signed_in(cls, services, path="/", query=None):
    state = state_at(cls, path, query)
    state._token = services.accounts.sign_in("alice", "alice password").token
    return state


def add_photo(services, folder: str, name: str, source: str = "Canon_40D.jpg"):
    path = MEDIA / "photos" / source
    with path.open("rb") as f:
        item = services.uploads.upload_stream(
            "alice", folder, name, f, path.stat().st_size, "image/jpeg"
        )
    deadline = time.time() + 60
    while services.storage.catalog.get_item(item.id).status.value == "processing":
        assert time.time() < deadline
        time.sleep(0.05)
    return services.storage.catalog.get_item(item.id)


def test_sign_in_keeps_the_token_server_side(services):
    state = state_at(SignInState, "/signin")
    out = run(
        SignInState.sign_in.fn,
        state,
        {"username": "alice", "password": "wrong password"},
    )
    assert state.error == "Wrong username or password" and state._token == ""
    out = run(
        SignInState.sign_in.fn,
        state,
        {"username": "alice", "password": "alice password"},
    )
    assert state._token and state.username == "alice"
    assert any("_redirect" in repr(o) for o in out)
    assert "_token" not in state.get_delta().get(state.get_full_name(), {})


def sibling(state, cls):
    """Another feature state of the same page (the same session), as get_state finds it."""
    return state._get_root_state().get_substate(cls.get_full_name().split(".")[1:])


def test_folder_page_lists_creates_selects_and_pages(services, monkeypatch):
    services.folders.create_folder("/trip")
    for n in range(5):
        add_photo(services, "/trip", f"p{n}.jpg")
    monkeypatch.setattr("rdrive_app.ui.state.folder.PAGE_SIZE", 2)
    state = signed_in(FolderState, services, "/folder/trip")
    run(FolderState.load_folder.fn, state)
    assert state.folder == "/trip" and [r.name for r in state.items] == ["p0.jpg", "p1.jpg"]
    assert state.has_more
    run(FolderState.load_more.fn, state)
    run(FolderState.load_more.fn, state)
    assert [r.name for r in state.items] == [f"p{n}.jpg" for n in range(5)]
    assert not state.has_more
    run(FolderState.create_folder.fn, state, {"name": "day1"})
    assert [f.name for f in state.subfolders] == ["day1"]
    run(FolderState.create_folder.fn, state, {"name": "a/b"})
    assert "/" in state.new_folder_error
    ids = [r.id for r in state.items]
    run(FolderState.toggle_select.fn, state, ids[0], False)
    run(FolderState.toggle_select.fn, state, ids[3], True)
    assert state.selected == ids[:4]
    run(FolderState.select_all.fn, state)
    assert state.selected == ids
    run(FolderState.clear_selection.fn, state)
    assert state.selected == []
    run(FolderState.set_sort.fn, state, "uploaded")
    assert state.sort == "uploaded"
    run(FolderState.set_kind.fn, state, "video")
    assert state.items == []


def test_viewer_rename_move_delete_undo_and_trash(services):
    services.folders.create_folder("/trip")
    services.folders.create_folder("/other")
    a = add_photo(services, "/trip", "a.jpg")
    b = add_photo(services, "/trip", "b.jpg", "Nikon_D70.jpg")
    page = signed_in(FolderState, services, "/folder/trip", {"item": a.id})
    viewer, organize = sibling(page, ViewerState), sibling(page, OrganizeState)
    run(FolderState.load_folder.fn, page)
    run(ViewerState.open_from_url.fn, viewer)
    assert viewer.open_id == a.id and viewer.image_src
    assert any(row.label == "Camera" for row in viewer.info)
    run(ViewerState.show_next.fn, viewer)
    assert viewer.open_id == b.id
    out = run(ViewerState.download_open.fn, viewer)
    assert "Content" not in repr(out) and "op=get" in repr(out)
    run(OrganizeState.start_rename_selected.fn, organize)
    run(OrganizeState.submit_rename.fn, organize, {"name": "a.jpg"})
    assert "already exists" in organize.rename_error
    run(OrganizeState.submit_rename.fn, organize, {"name": "beach.jpg"})
    assert services.items.get(b.id).name == "beach.jpg"
    assert viewer.open_name == "beach.jpg"
    assert [r.name for r in page.items] == ["a.jpg", "beach.jpg"]
    run(ViewerState.close.fn, viewer)
    run(FolderState.toggle_select.fn, page, a.id, False)
    run(OrganizeState.start_move_selected.fn, organize)
    run(OrganizeState.picker_up.fn, organize)
    run(OrganizeState.picker_enter.fn, organize, "/other")
    run(OrganizeState.move_here.fn, organize)
    assert services.items.get(a.id).folder == "/other"
    assert [r.id for r in page.items] == [b.id] and page.selected == []
    run(FolderState.toggle_select.fn, page, b.id, False)
    run(OrganizeState.delete_selected.fn, organize)
    assert page.items == [] and organize.undo_message
    run(OrganizeState.undo.fn, organize)
    assert [r.id for r in page.items] == [b.id]
    services.items.trash(b.id)
    trash = signed_in(TrashState, services, "/trash")
    run(TrashState.load_trash.fn, trash)
    assert [r.id for r in trash.trashed] == [b.id]
    run(TrashState.restore.fn, trash, b.id)
    assert trash.trashed == [] and services.items.get(b.id).folder == "/trip"
    services.items.trash(b.id)
    run(TrashState.load_trash.fn, trash)
    run(TrashState.delete_forever.fn, trash, b.id)
    assert services.storage.blobs.size(b.original_key) is None
