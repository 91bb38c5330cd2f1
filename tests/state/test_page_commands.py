"""The state → page commands run without eval, in order, and only from the page script's table.

In Node: the receiver the bundle compiles (ui/components/page_commands.py) and
assets/rdrive_page.js, fed exactly what Reflex's ``_set_value`` does with the events that
``page_command`` makes. And guards that keep eval out: Reflex's ``_set_value`` still sets the
ref's value without eval, no page's compiled code asks Reflex to eval, no module of the app
uses a Reflex helper that the page runs through eval, and no browser script evals.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import reflex as rx
from reflex.event import fix_events

from rdrive_app.ui.components.page_commands import RECEIVER_HOOK
from rdrive_app.ui.state.session import backend_error, browser_download, toast
from rdrive_app.ui.state.upload_protocol import page_command
from rdrive_app.ui.state.viewer import url_script
from tests.handler_calls import evaluated_by_the_page
from tests.state.js_source import ASSETS, NODE, node_json, script

APP = Path(__file__).resolve().parents[2] / "rdrive_app"
REFLEX_STATE_JS = (
    Path(rx.__file__).resolve().parents[1] / "reflex_base" / ".templates" / "web/utils/state.js"
)

# A page in Node: what the page script touches, recorded in `log`.
FAKE_PAGE = """
const log = [];
globalThis.window = globalThis;
const listeners = {};
window.addEventListener = (type, fn) => (listeners[type] ||= []).push(fn);
// A link's click fires beforeunload first; Reflex's own listener (added later) would then
// close the socket: "stopped" records whether the page kept it from running.
const beforeunload = () => {
  const event = { stopped: false, stopImmediatePropagation() { this.stopped = true; } };
  for (const fn of listeners.beforeunload || []) if (!event.stopped) fn(event);
  return event.stopped;
};
window.rdriveUpload = new Proxy({}, { get: (_, name) => (...args) => log.push([name, ...args]) });
window.history = {
  state: { key: "k" },
  replaceState: (state, _title, url) => log.push(["replaceState", state, url]),
};
window.location = { pathname: "/folder/trip" };
globalThis.document = {
  body: { appendChild: () => {} },
  createElement: () => {
    const a = { remove: () => {} };
    a.click = () => log.push(["click", a.href, a.rel, a.hidden, beforeunload()]);
    return a;
  },
};
console.warn = (...args) => log.push(["warn", String(args[1])]);
const refs = { __toast: { success: (m, o) => log.push(["toast", "success", m, o]),
                          error: (m, o) => log.push(["toast", "error", m, String(o.duration)]) } };
"""


def _events(*specs: object) -> list[dict]:
    return [event.payload for event in fix_events(list(specs), "token")]


def _run_page(before_script: list[dict], after_script: list[dict]) -> list[list]:
    """Apply ``_set_value`` payloads as Reflex does, some before the page script has loaded."""
    apply = "for (const p of {}) refs[p.ref].current.value = p.value;"
    program = "\n".join(
        [
            FAKE_PAGE,
            RECEIVER_HOOK,
            apply.format(json.dumps(before_script)),
            script("rdrive_page.js"),
            apply.format(json.dumps(after_script)),
            "process.stdout.write(JSON.stringify(log));",
        ]
    )
    return node_json(program)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_commands_run_once_in_order_even_those_sent_before_the_script_loaded():
    early = _events(page_command("start", [{"cid": "c1"}], ["c2"], "chosen:c1"))
    late = _events(
        page_command("ack", "sent:c1"),
        browser_download("https://store/x.jpg?sig=1"),
        url_script("ab12"),
        url_script(""),
        toast("success", "Renamed", 3000),
        toast("error", "Not renamed", 3000),  # an error stays until it is dismissed
        page_command("addUrls", "c1", {"2": "https://store/p2"}),
    )
    # A navigation that is not a download is not stopped: Reflex closes its socket as before.
    assert _run_page([], []) == []
    assert _run_page(early, late) == [
        ["start", [{"cid": "c1"}], ["c2"], "chosen:c1"],
        ["ack", "sent:c1"],
        ["click", "https://store/x.jpg?sig=1", "noopener", True, True],
        ["replaceState", {"key": "k"}, "/folder/trip?item=ab12"],
        ["replaceState", {"key": "k"}, "/folder/trip"],
        ["toast", "success", "Renamed", {"duration": 3000}],
        ["toast", "error", "Not renamed", "Infinity"],
        ["addUrls", "c1", {"2": "https://store/p2"}],
    ]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_page_runs_nothing_outside_its_table():
    ref = "ref_rdrive_page"
    hostile = [
        {"ref": ref, "value": {"fn": name, "args": ["alert(1)"]}}
        for name in ("eval", "constructor", "__proto__", "toString", "hasOwnProperty")
    ]
    hostile += [
        {"ref": ref, "value": {"fn": "toast", "args": ["dismiss", "x", 1]}},
        {"ref": ref, "value": {"fn": "download", "args": "https://x"}},
        {"ref": ref, "value": None},
    ]
    log = _run_page([], hostile)
    assert [entry[0] for entry in log] == ["warn"] * 7
    assert not [entry for entry in log if entry[0] != "warn"]


def test_reflex_sets_a_refs_value_without_eval():
    """The channel leans on Reflex's _set_value: ``ref.current.value = payload.value``."""
    text = REFLEX_STATE_JS.read_text(encoding="utf-8")
    start = text.index('if (event.name == "_set_value")')
    block = text[start : text.index("return;", start)]
    assert "ref.current.value = event.payload.value" in block
    assert "eval" not in block


def test_no_compiled_page_asks_reflex_to_eval():
    from rdrive_app import rdrive_app as app_module

    codes = {
        route: str(page.component() if callable(page.component) else page.component)
        for route, page in app_module.app._unevaluated_pages.items()
    }
    for route, code in codes.items():
        assert '"_call_script"' not in code, route
        # A _call_function the page can run without eval carries a function, not its source.
        assert not re.search(r'"_call_function", \(\{ \["function"\] : "', code), route
    # "Upload" opens the file chooser from a handler compiled into the folder page itself.
    opener = "(() => document.getElementById('rdrive-file-input').click())"
    assert opener in codes["folder/[[...splat]]"]


# Reflex helpers whose events the page runs through eval when a handler returns them (a
# backend-sent function arrives as its source text), or that build such code.
EVAL_HELPERS = frozenset(
    {
        "call_script",
        "run_script",
        "call_function",
        "toast",
        "window_alert",
        "console_log",
        "scroll_to",
        "set_clipboard",
        "back",
        "download",
        "get_upload_url",
    }
)


def _reflex_names_used(tree: ast.AST) -> set[str]:
    """``rx.<name>`` attributes and names imported from reflex, in one module."""
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "rx":
                used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reflex"):
            used.update(alias.name for alias in node.names)
    return used


def test_no_module_of_the_app_uses_a_helper_the_page_evals():
    offenders = {
        str(path.relative_to(APP)): sorted(used & EVAL_HELPERS)
        for path in APP.rglob("*.py")
        if (used := _reflex_names_used(ast.parse(path.read_text(encoding="utf-8")))) & EVAL_HELPERS
    }
    assert offenders == {}


def test_no_browser_script_evals():
    for path in ASSETS.glob("*.js"):
        text = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))
        assert not re.search(r"\beval\b|new Function|set(Timeout|Interval)\(\s*['\"`]", text), path


def test_the_app_reports_backend_failures_without_eval():
    from rdrive_app import rdrive_app as app_module

    assert app_module.app.backend_exception_handler is backend_error
    assert evaluated_by_the_page([backend_error(RuntimeError("boom"))]) == []
    assert evaluated_by_the_page([rx.toast.error("x")]) != []  # the guard sees Reflex's own
