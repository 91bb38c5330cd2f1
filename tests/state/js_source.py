"""Just enough of a JavaScript reader to check the browser scripts against their Python side:
find a function or an object literal and list its top-level keys or parameters."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

ASSETS = Path(__file__).resolve().parents[2] / "assets"
OPEN, CLOSE = "([{", ")]}"


NODE = shutil.which("node")  # the tests that run a script in Node skip without it


def script(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def node_json(program: str, *args: str, stdin: Any = None) -> Any:
    """Run ``program`` in Node (``args`` after it, ``stdin`` sent as JSON) and read the JSON
    it writes to stdout."""
    done = subprocess.run(
        [NODE or "node", "-e", program, *args],
        input=None if stdin is None else json.dumps(stdin),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def balanced(text: str, start: int) -> str:
    """The bracketed text that opens at ``text[start]``, brackets included (strings skipped)."""
    depth, quote, i = 0, "", start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
        i += 1
    raise ValueError(f"unbalanced brackets from {text[start : start + 60]!r}")


def top_level_parts(literal: str) -> list[str]:
    """The comma-separated parts of ``{...}`` or ``(...)``, at its own nesting level."""
    inner, parts, depth, quote, current = literal[1:-1], [], 0, "", []
    for i, ch in enumerate(inner):
        if quote:
            if ch == quote and inner[i - 1] != "\\":
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def object_keys(literal: str) -> list[str]:
    """The keys of an object literal (``{ a, b: 1, "c": 2 }`` → a, b, c)."""
    keys = []
    for part in top_level_parts(literal):
        match = re.match(r"""["']?([A-Za-z_$][\w$]*)["']?\s*(:|$)""", part)
        assert match, f"not a key of an object literal: {part!r}"
        keys.append(match.group(1))
    return keys


def function_body(text: str, name: str) -> str:
    match = re.search(rf"function {re.escape(name)}\s*\(", text)
    assert match, f"no function {name}"
    params = balanced(text, match.end() - 1)
    body_start = text.index("{", match.end() - 1 + len(params))
    return text[match.start() : body_start] + balanced(text, body_start)


def function_params(text: str, name: str) -> list[str]:
    match = re.search(rf"function {re.escape(name)}\s*\(", text)
    assert match, f"no function {name}"
    return top_level_parts(balanced(text, match.end() - 1))


def sent_messages(text: str) -> dict[str, list[str]]:
    """Every ``{ type: "<name>", ... }`` message the script sends, with its fields."""
    text = _strip_comments(text)
    found: dict[str, list[str]] = {}
    for match in re.finditer(r"""\{\s*type:\s*"(\w+)\"""", text):
        keys = object_keys(balanced(text, match.start()))
        assert keys[0] == "type"
        assert found.setdefault(match.group(1), keys[1:]) == keys[1:], match.group(1)
    return found


def returned_object_keys(text: str, function: str) -> list[str]:
    body = _strip_comments(function_body(text, function))
    match = re.search(r"return\s*\{", body)
    assert match, f"{function} returns no object literal"
    return object_keys(balanced(body, match.end() - 1))


def assigned_object_keys(text: str, target: str) -> list[str]:
    text = _strip_comments(text)
    match = re.search(rf"{re.escape(target)}\s*=\s*\{{", text)
    assert match, f"nothing assigned to {target}"
    return object_keys(balanced(text, match.end() - 1))


def declared_object_keys(text: str, name: str) -> list[str]:
    """The keys of the object literal of ``const <name> = {...}``."""
    return assigned_object_keys(text, f"const {name}")
