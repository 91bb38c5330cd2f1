"""The share page's state: what the page's script lists is checked before it is shown, the
picker opens where the last share went (or the library's top when that folder is gone), and
"Upload" opens the chosen folder for the upload state before asking the page to send the files
not already on their way."""

from __future__ import annotations

import json

from rdrive_app.ui.state.folder import FolderState
from rdrive_app.ui.state.share import ShareState, shared_row
from rdrive_app.ui.state.upload_protocol import COMMAND_REF
from tests.state.test_handlers_work import run, services, sibling, signed_in  # noqa: F401

PHOTO = {"id": "a1", "name": "IMG_1.jpg", "size": 4_200_000, "type": "image/jpeg"}
VIDEO = {"id": "b2", "name": "VID_2.mp4", "size": 12, "type": "video/mp4"}


def _listed(*files: dict) -> str:
    return json.dumps({"type": "listed", "files": list(files), "seq": 1})


def _command(results: list[object]) -> dict:
    (spec,) = [r for r in results if r is not None]
    payload = {name._js_expr: value._decode() for name, value in spec.args}
    assert payload["ref"] == "ref_" + COMMAND_REF
    return payload["value"]


def test_a_listed_file_is_checked_before_the_page_shows_it():
    row = shared_row({**PHOTO, "preview": "blob:http://localhost:3000/9f2c"})
    assert row and (row.kind, row.size, row.preview) == (
        "image",
        "4.2 MB",
        "blob:http://localhost:3000/9f2c",
    )
    assert shared_row({**VIDEO, "preview": "javascript:alert(1)"}).preview == ""
    assert shared_row({**VIDEO, "type": "application/pdf"}).kind == "file"
    assert shared_row({"id": "c", "size": -5}).size == ""
    assert shared_row({"name": "no id"}) is None
    assert shared_row("IMG_1.jpg") is None
    assert len(shared_row({"id": "x" * 500, "name": "n" * 900}).id) == 64


def test_the_list_comes_from_the_script_and_junk_is_ignored(services):  # noqa: F811
    state = signed_in(ShareState, services, "/share")
    run(ShareState.bridge.fn, state, _listed(PHOTO, VIDEO, {"no": "id"}))
    assert [f.id for f in state.files] == ["a1", "b2"] and state.listed
    assert state.summary == "1 photo and 1 video" and state.waiting_count == 2
    for junk in ("not json", json.dumps([1]), json.dumps({"type": "other"}), "x" * 600_000):
        run(ShareState.bridge.fn, state, junk)
    assert [f.id for f in state.files] == ["a1", "b2"]


def test_the_picker_opens_at_the_last_folder_or_the_top(services):  # noqa: F811
    services.folders.create_folder("/Trips")
    state = signed_in(ShareState, services, "/share")
    state.last_folder = "/Trips"
    run(ShareState.load_share.fn, state)
    assert state.target == "/Trips" and state.target_name == "Trips"
    assert [c.name for c in state.target_crumbs] == ["Library", "Trips"]
    state.last_folder = "/Gone"
    run(ShareState.load_share.fn, state)
    assert state.target == "/" and [f.name for f in state.target_folders] == ["Trips"]
    run(ShareState.enter_folder.fn, state, "/Nowhere")  # not a folder: the picker stays
    assert state.target == "/"


def test_upload_opens_the_folder_and_sends_the_files_not_on_their_way(services):  # noqa: F811
    services.folders.create_folder("/Phone")
    state = signed_in(ShareState, services, "/share")
    run(ShareState.load_share.fn, state)
    run(ShareState.bridge.fn, state, _listed(PHOTO, {**VIDEO, "sending": True}))
    run(ShareState.enter_folder.fn, state, "/Phone")
    command = _command(run(ShareState.upload.fn, state))
    assert command == {"fn": "shareSend", "args": [["a1"]]}
    folder = sibling(state, FolderState)
    assert isinstance(folder, FolderState) and folder.folder == "/Phone"
    assert folder.breadcrumbs[-1].name == "Phone" and state.last_folder == "/Phone"

    # the files this Upload sent all went (however quickly): the page says where they are
    run(ShareState.bridge.fn, state, _listed({**PHOTO, "sending": True}, VIDEO))
    assert state.uploaded_to == ""
    run(ShareState.bridge.fn, state, _listed())
    assert state.uploaded_to == "/Phone" and state.uploaded_href == "/folder/Phone"
    assert run(ShareState.upload.fn, state) == [None]  # nothing left to send


def test_discard_forgets_only_what_is_not_being_sent(services):  # noqa: F811
    state = signed_in(ShareState, services, "/share")
    run(ShareState.bridge.fn, state, _listed(PHOTO, {**VIDEO, "sending": True}))
    assert _command(run(ShareState.discard.fn, state)) == {"fn": "shareDiscard", "args": [["a1"]]}
    assert _command(run(ShareState.discard_one.fn, state, "a1"))["args"] == [["a1"]]
    assert run(ShareState.discard_one.fn, state, "b2") == [None]  # on its way
    assert run(ShareState.discard_one.fn, state, "zz") == [None]  # not shared
