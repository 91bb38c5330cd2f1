"""A CloudFront Function's own code, run in node: one long-lived process per function.

CloudFront Functions (runtime cloudfront-js-2.0) are ECMAScript with a small runtime; node runs
that code unchanged. The event is the documented viewer-request event structure; what the
handler returns is either the (changed) request or a response that CloudFront serves itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from typing import Any

RUNNER = r"""
const vm = require('vm');
const readline = require('readline');
const code = JSON.parse(process.argv[1]);
const context = vm.createContext({ console });
vm.runInContext(code, context);
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  let out;
  try {
    out = { result: await Promise.resolve(context.handler(JSON.parse(line))) };
  } catch (e) {
    out = { error: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


class ViewerFunction:
    """``handler(event)`` of one function, called from any thread (one call at a time)."""

    def __init__(self, code: str) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is needed to run the distribution's CloudFront Function")
        self._proc = subprocess.Popen(
            [node, "-e", RUNNER, json.dumps(code)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        with self._lock:
            self._proc.stdin.write(json.dumps(event) + "\n")
            self._proc.stdin.flush()
            answer = json.loads(self._proc.stdout.readline())
        if "error" in answer:
            # CloudFront answers 503 when a function throws; the rehearsal wants to know why.
            raise RuntimeError(f"the viewer-request function threw: {answer['error']}")
        return dict(answer["result"])

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait(timeout=5)


def viewer_request_event(
    method: str, uri: str, query: list[tuple[str, str]], headers: list[tuple[str, str]], ip: str
) -> dict[str, Any]:
    """The event a viewer-request function receives (multi-values folded as CloudFront does)."""
    querystring: dict[str, Any] = {}
    for key, value in query:
        entry = querystring.setdefault(key, {"value": value})
        if entry["value"] != value:
            entry.setdefault("multiValue", [{"value": entry["value"]}]).append({"value": value})
    header_map: dict[str, Any] = {}
    cookies: dict[str, Any] = {}
    for name, value in headers:
        lowered = name.lower()
        if lowered == "cookie":
            for part in value.split(";"):
                if "=" in part:
                    k, v = part.strip().split("=", 1)
                    cookies[k] = {"value": v}
            continue
        header_map.setdefault(lowered, {"value": value})
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request", "distributionId": "EREHEARSAL"},
        "viewer": {"ip": ip},
        "request": {
            "method": method,
            "uri": uri,
            "querystring": querystring,
            "headers": header_map,
            "cookies": cookies,
        },
    }
