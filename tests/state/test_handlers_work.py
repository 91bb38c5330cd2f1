"""With a valid session, the handlers do what the page needs (the browser tests click through
the same paths; these pin the state logic down without a browser)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import reflex as rx
from reflex.istate.data import RouterData

import rdrive_app.ui.state.organize
import rdrive_app.ui.state.trash
import rdrive_app.ui.state.uploads  # noqa: F401  (registers the states)
from rdrive_app.core.settings import get_settings
from rdrive_app.services import wiring
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.signin import SignInState
from rdrive_app.ui.state.trash import TrashState
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


def test_folder_page_lists_creates_selects_and_pages(services, monkeypatch):
    services.folders.create_folder("/trip")
    for n in range(5):
        add_photo(services, "/trip", f"p{n}.jpg")
    monkeypatch.setattr("rdrive_app.ui.state.library.PAGE_SIZE", 2)
    state = signed_in(OrganizeState, services, "/folder/trip")
    run(OrganizeState.load_folder.fn, state)
    assert state.folder == "/trip" and [r["name"] for r in state.items] == ["p0.jpg", "p1.jpg"]
    assert state.has_more
    run(OrganizeState.load_more.fn, state)
    run(OrganizeState.load_more.fn, state)
    assert [r["name"] for r in state.items] == [f"p{n}.jpg" for n in range(5)]
    assert not state.has_more
    run(OrganizeState.create_folder.fn, state, {"name": "day1"})
    assert [f["name"] for f in state.subfolders] == ["day1"]
    run(OrganizeState.create_folder.fn, state, {"name": "a/b"})
    assert "/" in state.new_folder_error
    ids = [r["id"] for r in state.items]
    run(OrganizeState.toggle_select.fn, state, ids[0], False)
    run(OrganizeState.toggle_select.fn, state, ids[3], True)
    assert state.selected == ids[:4]
    run(OrganizeState.select_all.fn, state)
    assert state.selected == ids
    run(OrganizeState.clear_selection.fn, state)
    assert state.selected == []
    run(OrganizeState.set_sort.fn, state, "uploaded")
    assert state.sort == "uploaded"
    run(OrganizeState.set_kind.fn, state, "video")
    assert state.items == []


def test_viewer_rename_move_delete_undo_and_trash(services):
    services.folders.create_folder("/trip")
    services.folders.create_folder("/other")
    a = add_photo(services, "/trip", "a.jpg")
    b = add_photo(services, "/trip", "b.jpg", "Nikon_D70.jpg")
    state = signed_in(OrganizeState, services, "/folder/trip", {"item": a.id})
    run(OrganizeState.load_folder.fn, state)
    run(OrganizeState.open_from_url.fn, state)
    assert state.open_id == a.id and state.image_src
    assert any(row["label"] == "Camera" for row in state.info)
    run(OrganizeState.show_next.fn, state)
    assert state.open_id == b.id
    out = run(OrganizeState.download_open.fn, state)
    assert "Content" not in repr(out) and "op=get" in repr(out)
    run(OrganizeState.start_rename_selected.fn, state)
    run(OrganizeState.submit_rename.fn, state, {"name": "a.jpg"})
    assert "already exists" in state.rename_error
    run(OrganizeState.submit_rename.fn, state, {"name": "beach.jpg"})
    assert services.items.get(b.id).name == "beach.jpg"
    run(OrganizeState.close.fn, state)
    run(OrganizeState.toggle_select.fn, state, a.id, False)
    run(OrganizeState.start_move_selected.fn, state)
    run(OrganizeState.picker_up.fn, state)
    run(OrganizeState.picker_enter.fn, state, "/other")
    run(OrganizeState.move_here.fn, state)
    assert services.items.get(a.id).folder == "/other"
    assert [r["id"] for r in state.items] == [b.id]
    run(OrganizeState.toggle_select.fn, state, b.id, False)
    run(OrganizeState.delete_selected.fn, state)
    assert state.items == [] and state.undo_message
    run(OrganizeState.undo_delete.fn, state)
    assert [r["id"] for r in state.items] == [b.id]
    services.items.trash(b.id)
    trash = signed_in(TrashState, services, "/trash")
    run(TrashState.load_trash.fn, trash)
    assert [r["id"] for r in trash.trashed] == [b.id]
    run(TrashState.restore.fn, trash, b.id)
    assert trash.trashed == [] and services.items.get(b.id).folder == "/trip"
    services.items.trash(b.id)
    run(TrashState.load_trash.fn, trash)
    run(TrashState.delete_forever.fn, trash, b.id)
    assert services.storage.blobs.size(b.original_key) is None
