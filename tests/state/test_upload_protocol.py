"""The page's scripts and the states speak the protocol written down in upload_protocol.py.

Read from both sides: the messages the upload script (assets/rdrive_upload.js) sends and the
fields it puts in them, the fields of a chosen file and of a ticket it reads, the functions it
offers the state; the page script's (assets/rdrive_page.js) table of commands and their
parameters; and on the Python side, one handler per message taking exactly its fields, tickets
with exactly the listed fields, and every command going through ``page_command``.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from rdrive_app.ui.state import upload_protocol as protocol
from rdrive_app.ui.state import uploads
from rdrive_app.ui.state.uploads import UploadState
from tests.handler_calls import call_handler
from tests.state.js_source import (
    assigned_object_keys,
    declared_object_keys,
    function_params,
    returned_object_keys,
    script,
    sent_messages,
)

UI = Path(__file__).resolve().parents[2] / "rdrive_app" / "ui"
JS = script("rdrive_upload.js")
PAGE_JS = script("rdrive_page.js")


def test_the_script_points_at_the_protocol_module():
    assert "rdrive_app/ui/state/upload_protocol.py" in JS
    assert f'"{protocol.BRIDGE_ID}"' in JS


def test_the_script_sends_exactly_the_listed_messages_with_their_fields():
    sent = sent_messages(JS)
    assert set(sent) == set(protocol.TO_STATE)
    for name, fields in protocol.TO_STATE.items():
        assert tuple(sent[name]) == fields, name


def test_a_chosen_file_has_the_listed_fields():
    assert tuple(returned_object_keys(JS, "fileMeta")) == protocol.CHOSEN_FILE


def test_the_script_offers_the_functions_the_state_calls_with_their_arguments():
    offered = assigned_object_keys(JS, "window.rdriveUpload")
    assert set(protocol.TO_SCRIPT) <= set(offered)
    for name, params in protocol.TO_SCRIPT.items():
        assert tuple(function_params(JS, name)) == params, name


def test_the_script_reads_only_listed_ticket_fields():
    read = set(re.findall(r"\bticket\.(\w+)", JS))
    assert read == set(protocol.MULTIPART_TICKET)


def test_the_ack_keys_agree():
    assert f'ACK_CHOSEN = "{protocol.ACK_CHOSEN}"' in JS
    assert f'ACK_SENT = "{protocol.ACK_SENT}"' in JS


def test_the_state_has_one_handler_per_message_taking_its_fields():
    handlers = {
        name.removeprefix("_on_"): fn
        for name, fn in inspect.getmembers(UploadState, inspect.iscoroutinefunction)
        if name.startswith("_on_")
    }
    assert set(handlers) == set(protocol.TO_STATE)
    for name, fn in handlers.items():
        params = tuple(inspect.signature(fn).parameters)[1:]
        assert params == protocol.TO_STATE[name], name


def test_every_command_goes_through_page_command():
    for path in UI.rglob("*.py"):
        if path.name == "upload_protocol.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "rdriveUpload." not in text, path
        assert "set_value(" not in text, path
        for name in re.findall(r"""page_command\(\s*["'](\w+)["']""", text):
            assert name in protocol.COMMANDS, (path, name)


def test_the_page_script_runs_exactly_the_listed_commands():
    assert "rdrive_app/ui/state/upload_protocol.py" in PAGE_JS
    assert set(declared_object_keys(PAGE_JS, "COMMANDS")) == set(protocol.COMMANDS)
    for name in protocol.TO_SCRIPT:
        assert f'{name}: upload("{name}")' in PAGE_JS, name
    for name, params in protocol.TO_PAGE.items():
        assert tuple(function_params(PAGE_JS, name)) == params, name
    levels = ", ".join(f'"{level}"' for level in protocol.TOAST_LEVELS)
    assert f"const TOAST_LEVELS = [{levels}];" in PAGE_JS


def test_page_command_is_a_set_value_event_carrying_the_command():
    spec = protocol.page_command("addUrls", "c1", {"2": "u"})
    assert spec.handler.fn.__qualname__ == "_set_value"
    payload = {name._js_expr: value._decode() for name, value in spec.args}
    assert payload == {
        "ref": "ref_" + protocol.COMMAND_REF,
        "value": {"fn": "addUrls", "args": ["c1", {"2": "u"}]},
    }
    with pytest.raises(ValueError, match="takes"):
        protocol.page_command("start", [])
    with pytest.raises(KeyError):
        protocol.page_command("eval", "alert(1)")


def _ticket(multipart: bool) -> SimpleNamespace:
    return SimpleNamespace(
        item=SimpleNamespace(id="i1"),
        multipart=multipart,
        url=None if multipart else "https://storage/put",
        headers={},
        done_parts=[1] if multipart else [],
        part_size=8,
        part_count=3,
    )


def test_tickets_have_exactly_the_listed_fields(monkeypatch):
    fake = SimpleNamespace(uploads=SimpleNamespace(sign_parts=lambda item_id, numbers: {}))
    monkeypatch.setattr(uploads, "services", lambda: fake)
    single = call_handler(UploadState._ticket_for_browser, "c1", _ticket(False))[0]
    multi = call_handler(UploadState._ticket_for_browser, "c1", _ticket(True))[0]
    assert tuple(single) == protocol.TICKET
    assert set(multi) == set(protocol.MULTIPART_TICKET)
