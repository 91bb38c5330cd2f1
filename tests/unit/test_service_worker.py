"""The service worker's rules, run in Node as the deployed site would meet them: one origin for
the site and the API (CloudFront routes /api/, /_event... to the backend), media on the bucket's
host. What is the shell's is answered by the worker (documents network-first, hashed bundles
cache-first, plain files network-first once the network is down: online the browser fetches
them itself and the worker refreshes its copies after); media, API answers and other origins are
never answered at all, so they can never be cached (the browser test checks the caches after
browsing photos, and opens a page offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.state.js_source import NODE, node_json

WORKER = Path(__file__).resolve().parents[2] / "assets" / "rdrive_sw.js"
SITE = "https://rdrive.example"
BUCKET = "https://rdrive-media-1-us-east-1.s3.us-east-1.amazonaws.com"

# The worker's script in a sandbox with a fake ``self``; each case is a request the page makes,
# answered by the fetch listener: which strategy answers it, or null when the worker lets it be.
HARNESS = """
const vm = require("vm");
const source = require("fs").readFileSync(process.argv[1], "utf8");
const listeners = {};
const online = process.argv[2] !== "offline";
const sandbox = {
  URL, console,
  setTimeout: () => 0, // the worker's later refresh of plain files: not run here
  fetch: () => new Promise(() => {}), // the network neither answers nor fails here
  self: {
    location: { origin: "__SITE__" },
    navigator: { onLine: online },
    addEventListener: (t, f) => (listeners[t] = f),
  },
};
vm.createContext(sandbox);
vm.runInContext(source, sandbox);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([method, url, destination, mode, range]) => {
  let answered = null;
  const request = {
    method, url, destination, mode,
    headers: { has: (name) => name === "range" && range },
  };
  // the answer itself needs Cache Storage and the network, which Node has not: unused here
  const respondWith = (answer) => ((answered = true), answer.catch(() => {}));
  const event = { request, respondWith, waitUntil: () => {} };
  listeners.fetch(event);
  const nav = mode === "navigate";
  return [answered, sandbox.shellKind(method, url, destination, nav)];
});
process.stdout.write(JSON.stringify(out));
""".replace("__SITE__", SITE)

CASES = {
    # the shell
    ("GET", f"{SITE}/", "document", "navigate"): "document",
    ("GET", f"{SITE}/folder/Trips%202024?item=abc", "document", "navigate"): "document",
    ("GET", f"{SITE}/assets/index-Bq3xYk9a.js", "script", "cors"): "immutable",
    ("GET", f"{SITE}/assets/root-C0ffee12.css", "style", "no-cors"): "immutable",
    ("GET", f"{SITE}/node_modules/.vite/deps/react.js?v=1a2b3c4d", "script", "cors"): "immutable",
    ("GET", f"{SITE}/rdrive_upload.js", "script", "no-cors"): "static",
    ("GET", f"{SITE}/manifest.webmanifest", "manifest", "cors"): "static",
    ("GET", f"{SITE}/icons/icon-192.png", "image", "no-cors"): "static",
    ("GET", f"{SITE}/favicon.ico", "image", "no-cors"): "static",
    ("GET", f"{SITE}/assets/inter-latin-400-Ab12Cd34.woff2", "font", "cors"): "immutable",
    # never: media
    ("GET", f"{BUCKET}/thumbs/01HX/thumb.webp?X-Amz-Signature=ab", "image", "no-cors"): None,
    ("GET", f"{BUCKET}/originals/01HX?X-Amz-Signature=ab", "video", "no-cors"): None,
    ("GET", f"{SITE}/api/files/thumbs/01HX/w800.webp?sig=ab&exp=1", "image", "no-cors"): None,
    ("GET", f"{SITE}/photo.jpg", "image", "no-cors"): None,
    ("GET", f"{SITE}/clip.mp4", "video", "no-cors"): None,
    # never: API answers, the backend, anything but GET
    ("GET", f"{SITE}/api/media?folder=%2F", "", "cors"): None,
    ("GET", f"{SITE}/api/openapi.json", "", "cors"): None,
    ("GET", f"{SITE}/api/docs", "document", "navigate"): None,  # the backend's own pages
    ("GET", f"{SITE}/api/docs/swagger-ui-bundle.js", "script", "no-cors"): None,
    ("GET", f"{SITE}/_event/socket.js", "script", "no-cors"): None,
    ("GET", f"{SITE}/dav/Trips/a.jpg", "", "cors"): None,
    ("GET", f"{SITE}/dav", "document", "navigate"): None,
    ("GET", f"{SITE}/_event/?EIO=4&transport=polling", "", "cors"): None,
    ("GET", f"{SITE}/ping", "", "cors"): None,
    ("GET", f"{SITE}/_health", "", "cors"): None,
    ("PUT", f"{SITE}/api/files/up/01HX?part=1", "", "cors"): None,
    ("POST", f"{SITE}/api/auth/login", "", "cors"): None,
    ("GET", f"{SITE}/__shared/abc", "", "cors"): None,
    # never: another origin, even a script
    ("GET", "https://cdn.example/lib.js", "script", "no-cors"): None,
}


def _run(cases: list[tuple[str, str, str, str, bool]], online: bool = True) -> list[list]:
    return node_json(HARNESS, str(WORKER), "online" if online else "offline", stdin=cases)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("online", [True, False], ids=["online", "offline"])
def test_the_worker_answers_the_shell_and_leaves_media_and_api_alone(online: bool):
    answers = {"document", "immutable"} if online else {"document", "immutable", "static"}
    cases = [(*key, False) for key in CASES]
    for (key, expected), (answered, kind) in zip(CASES.items(), _run(cases, online), strict=True):
        assert kind == expected, key
        assert answered is (True if expected in answers else None), key  # not even respondWith


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_a_ranged_request_is_never_answered_from_the_cache():
    ranged = [("GET", f"{SITE}/rdrive_upload.js", "script", "no-cors", True)]
    ((answered, _),) = _run(ranged, online=False)
    assert answered is None


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_share_target_post_is_taken_by_the_worker():
    source = WORKER.read_text(encoding="utf-8")
    assert "Response.redirect(" in source and ", 303)" in source
    harness = HARNESS.replace(
        "listeners.fetch(event);", "listeners.fetch(event); if (method === 'POST') return answered;"
    )
    shared = [["POST", f"{SITE}/share", "document", "navigate", False]]
    assert node_json(harness, str(WORKER), stdin=shared) == [True]
