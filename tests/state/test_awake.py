"""rdrive_awake.js in Node, with a fake Screen Wake Lock: the screen is held while files upload
and let go when the last one ends; a lock granted after the uploads ended is let go at once."""

from __future__ import annotations

import pytest

from tests.state.js_source import NODE, node_json, script

FAKE_BROWSER = """
const log = [];
const listeners = {};
const on = (target) => (type, fn) => { (listeners[target + type] ||= []).push(fn); };
const fire = async (target, type) => { for (const fn of listeners[target + type] || []) fn(); };
let pending = 0;
let requests = 0;
globalThis.window = { addEventListener: on("w:"), rdriveUpload: { pending: () => pending } };
globalThis.document = { visibilityState: "visible", addEventListener: on("d:") };
globalThis.navigator = { wakeLock: { request: async (kind) => {
  requests += 1;
  const sentinel = { addEventListener: () => {}, release: () => log.push(["release"]) };
  log.push(["request", kind]);
  return sentinel;
} } };
const tick = () => new Promise((r) => setTimeout(r, 0));
"""

SCENARIO = """
(async () => {
  pending = 2; await fire("w:", "rdrive-upload-start"); await tick();
  log.push(["held", window.rdriveAwake.held()]);
  pending = 1; await fire("w:", "rdrive-upload-end");
  log.push(["held", window.rdriveAwake.held()]);
  pending = 0; await fire("w:", "rdrive-upload-end");
  log.push(["held", window.rdriveAwake.held()]);
  // the uploads end before the browser grants the lock: it is let go as soon as it comes
  pending = 1; fire("w:", "rdrive-upload-start"); pending = 0;
  await fire("w:", "rdrive-upload-end"); await tick();
  log.push(["held", window.rdriveAwake.held()]);
  // back into view with nothing uploading: nothing is asked for
  await fire("d:", "visibilitychange"); await tick();
  log.push(["requests", requests]);
  process.stdout.write(JSON.stringify(log));
})();
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_screen_stays_on_while_uploading():
    program = "\n".join([FAKE_BROWSER, script("rdrive_awake.js"), SCENARIO])
    assert node_json(program) == [
        ["request", "screen"],
        ["held", True],
        ["held", True],
        ["release"],
        ["held", False],
        ["request", "screen"],
        ["release"],
        ["held", False],
        ["requests", 2],
    ]
