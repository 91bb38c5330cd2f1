"""rDrive as a phone's app: installable (the DevTools protocol finds the manifest, its share
target and an activated service worker), a worker that keeps the shell and never media or API
answers, and "Share → rDrive": two files POSTed to the share target land in the folder chosen,
after a sign-in if need be, and nothing shared is lost by leaving the page first.

Both contexts: a phone (375 × 740, touch) and the desktop (1280 × 860). The share target is
driven as Chrome drives it after a gallery's share sheet: a multipart POST navigation to the
manifest's action, here from a form in the page holding the two files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import CHROMIUM, shot
from tests.e2e.test_strict_csp import lan_browser, strict  # noqa: F401  (fixtures)

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
PHOTO = MEDIA / "photos" / "gps" / "DSCN0010.jpg"  # a Nikon photo with its GPS position
VIDEO = MEDIA / "videos" / "iphone_rotated.mov"  # an iPhone's QuickTime video
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
SHELL_CACHE = re.compile(r"^rdrive-shell-v\d+$")
SHARED_CACHE = "rdrive-shared"

CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out[name].push([request.url, response.headers.get("content-type") || ""]);
    }
  }
  return out;
}"""

# The ready registration's worker, once it has finished activating.
ACTIVATED = """navigator.serviceWorker.ready.then((registration) => {
  const worker = registration.active;
  if (worker.state === "activated") return "done";
  return new Promise((resolve) =>
    worker.addEventListener("statechange", () => worker.state === "activated" && resolve("done"))
  );
})"""

# A share sheet's POST: a multipart form to the manifest's action, files under its field name.
SHARE_FORM = """([action, field]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.enctype = "multipart/form-data";
  form.action = action;
  form.id = "share-sheet";
  const input = document.createElement("input");
  input.type = "file";
  input.name = field;
  input.multiple = true;
  input.id = "share-sheet-files";
  form.appendChild(input);
  document.body.appendChild(form);
}"""


@pytest.fixture(params=["phone", "desktop"])
def context(request, browser: Browser, app_server) -> Iterator[BrowserContext]:
    options = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(base_url=app_server.site, **options)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture(params=["phone", "desktop"])
def profile(request, browser: Browser, app_server, tmp_path) -> Iterator[BrowserContext]:
    """A context with a profile on disk: Chrome offers no install in an incognito one (which
    every ``new_context`` is), and says so as an installability error."""
    options = PHONE if request.param == "phone" else DESKTOP
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        base_url=app_server.site,
        **options,
    )
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def phone(browser: Browser, app_server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=app_server.site, **PHONE)
    context.set_default_timeout(30_000)
    yield context
    context.close()


def api_client(app) -> httpx.Client:
    """A client of the app's API, signed in (use it in a ``with``)."""
    answer = httpx.post(
        f"{app.api}/api/auth/login",
        json={"username": app.username, "password": app.password},
        timeout=30,
    )
    token = answer.json()["access_token"]
    return httpx.Client(base_url=app.api, timeout=30, headers={"Authorization": f"Bearer {token}"})


def make_folder(app, path: str) -> None:
    with api_client(app) as client:
        answer = client.post("/api/folders", json={"path": path})
        assert answer.status_code in (200, 201, 409), answer.text


def names_in(app, folder: str) -> set[str]:
    with api_client(app) as client:
        items = client.get("/api/media", params={"folder": folder, "limit": 100}).json()["items"]
    return {item["name"] for item in items}


def sign_in_form(page: Page, app) -> None:
    page.get_by_label("Username").fill(app.username)
    page.get_by_label("Password").fill(app.password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, app) -> None:
    page.goto("/signin")
    sign_in_form(page, app)
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()


def worker_in_control(page: Page) -> None:
    """The service worker is activated and serves this page (it claims the page it was
    registered from)."""
    assert page.evaluate(ACTIVATED) == "done"
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def share(page: Page, files: list[Path], manifest: dict) -> None:
    """What Chrome does with a share sheet's files: POST them to the share target."""
    target = manifest["share_target"]
    field = target["params"]["files"][0]["name"]
    page.evaluate(SHARE_FORM, [target["action"], field])
    page.set_input_files("#share-sheet-files", [str(f) for f in files])
    page.evaluate("document.getElementById('share-sheet').submit()")
    page.wait_for_url(re.compile(r"/share$"))


def manifest_of(page: Page) -> dict:
    answer = page.request.get("/manifest.webmanifest")
    assert answer.ok
    return answer.json()


def test_installable_with_manifest_share_target_and_worker(profile: BrowserContext, app_server):
    page = profile.pages[0] if profile.pages else profile.new_page()
    cdp = profile.new_cdp_session(page)
    versions: list[dict] = []
    cdp.on("ServiceWorker.workerVersionUpdated", lambda e: versions.extend(e["versions"]))
    cdp.send("ServiceWorker.enable")
    sign_in(page, app_server)
    worker_in_control(page)

    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    found = cdp.send("Page.getAppManifest")
    assert found["url"].endswith("/manifest.webmanifest") and not found["errors"]
    manifest = json.loads(found["data"])
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {i["purpose"] for i in manifest["icons"]} == {"any", "maskable"}
    target = manifest["share_target"]
    assert (target["action"], target["method"], target["enctype"]) == (
        "/share",
        "POST",
        "multipart/form-data",
    )
    assert target["params"]["files"][0]["accept"] == ["image/*", "video/*"]
    activated = [
        v
        for v in versions
        if v["scriptURL"].endswith("/rdrive_sw.js") and v["status"] == "activated"
    ]
    assert activated, versions

    head = page.evaluate(
        """() => [
          document.querySelector('link[rel=manifest]')?.getAttribute('href'),
          document.querySelectorAll('meta[name=theme-color]').length,
          document.querySelector('link[rel=apple-touch-icon]')?.getAttribute('href'),
        ]"""
    )
    assert head == ["/manifest.webmanifest", 2, "/icons/apple-touch-icon.png"]
    for icon in manifest["icons"]:
        answer = page.request.get(icon["src"])
        assert answer.ok and answer.headers["content-type"] == "image/png"
        side = int(icon["sizes"].split("x")[0])
        png = answer.body()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == side == int.from_bytes(png[20:24], "big")


def test_the_worker_keeps_the_shell_never_media_or_api(context: BrowserContext, app_server):
    folder = "/Shelf " + str(id(context))[-5:]
    make_folder(app_server, folder)
    page = context.new_page()
    sign_in(page, app_server)
    worker_in_control(page)
    href = "/folder/" + quote(folder.lstrip("/"))
    page.goto(href)
    page.get_by_label("Upload").set_input_files([str(PHOTO), str(MEDIA / "photos/Canon_40D.jpg")])
    expect(page.get_by_text("2 of 2 uploaded")).to_be_visible(timeout=60_000)
    thumbs = page.locator("img[src*='thumb']")
    expect(thumbs).to_have_count(2, timeout=60_000)
    page.reload()  # browsing the folder again, the worker in control from the start
    expect(page.locator("img[src*='thumb']")).to_have_count(2)
    page.wait_for_function(
        "[...document.images].filter((i) => i.src.includes('thumb')).every((i) => i.complete)"
    )
    with api_client(app_server) as client:
        items = client.get("/api/media", params={"folder": folder}).json()["items"]
    page.goto(f"{href}?item={items[0]['id']}")  # the viewer: its large picture too
    page.wait_for_timeout(1_500)

    site = urlsplit(app_server.site)
    caches = page.evaluate(CACHES)
    shell = [name for name in caches if SHELL_CACHE.match(name)]
    assert len(shell) == 1 and set(caches) <= {shell[0], SHARED_CACHE}, caches
    kept = caches[shell[0]]
    urls = [urlsplit(url) for url, _ in kept]
    assert all(u.netloc == site.netloc for u in urls), "another origin's answer was cached"
    assert not [u for u in urls if u.path.startswith(("/api/", "/dav", "/_event", "/_upload"))]
    pictures = [url for url, kind in kept if kind.startswith(("image/", "video/"))]
    app_images = [url for url in pictures if re.search(r"/(icons/[\w-]+\.png|favicon\.ico)$", url)]
    assert pictures == app_images
    assert not [url for url, _ in kept if "thumb" in url or "signature" in url.lower()]
    paths = {u.path for u in urls}
    assert {"/", "/manifest.webmanifest", "/icons/icon-192.png"} <= paths
    assert any(p.endswith((".js", ".jsx")) for p in paths), paths
    assert caches.get(SHARED_CACHE, []) == []

    # Offline, a page opened before still opens: its document and bundles come from the cache
    # (what needs the server, the library itself, waits for the connection).
    context.set_offline(True)
    try:
        page.goto(href)
        expect(page).to_have_title("Folders · rDrive")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("heading", name="Application Error")).to_have_count(0)
        shot(page, f"offline-{page.viewport_size['width']}")
    finally:
        context.set_offline(False)


def test_share_two_files_into_a_chosen_folder(phone: BrowserContext, app_server):
    make_folder(app_server, "/Phone shares")
    page = phone.new_page()
    sign_in(page, app_server)
    worker_in_control(page)
    share(page, [PHOTO, VIDEO], manifest_of(page))

    expect(page.get_by_role("heading", name="Share to rDrive")).to_be_visible()
    expect(page.get_by_text("1 photo and 1 video")).to_be_visible()
    shared = page.get_by_role("list", name="Shared files").get_by_role("listitem")
    expect(shared).to_have_count(2)
    expect(page.get_by_role("img", name=PHOTO.name)).to_be_visible()
    shot(page, "share-375-shared")

    picker = page.get_by_role("region", name="Upload to")
    picker.get_by_role("button", name="Open folder Phone shares").click()
    expect(picker.get_by_role("heading", name="Phone shares")).to_be_visible()
    shot(page, "share-375-folder-chosen")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    for name in ("Upload", "Discard", f"Remove {PHOTO.name}", "Go to Library"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box and box["height"] >= 44, (name, box)

    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("2 of 2 uploaded")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("status").filter(has_text="Sent to Phone shares")).to_be_visible()
    shot(page, "share-375-uploaded")
    assert names_in(app_server, "/Phone shares") == {PHOTO.name, VIDEO.name}
    assert page.evaluate(CACHES).get(SHARED_CACHE) == []

    page.get_by_role("link", name="Open the folder").click()
    expect(page).to_have_url(re.compile(r"/folder/Phone%20shares$"))
    for name in (PHOTO.name, VIDEO.name):
        expect(page.get_by_text(name, exact=True).first).to_be_visible()


def test_a_share_waits_through_sign_in_and_a_visit_elsewhere(phone: BrowserContext, app_server):
    page = phone.new_page()
    page.goto("/signin")  # not signed in: the worker comes with any page
    worker_in_control(page)
    share(page, [PHOTO, VIDEO], manifest_of(page))
    expect(page).to_have_url(re.compile(r"/signin\?next=/share$"))
    sign_in_form(page, app_server)
    expect(page).to_have_url(re.compile(r"/share$"))
    expect(page.get_by_role("list", name="Shared files").get_by_role("listitem")).to_have_count(2)

    page.goto("/photos")  # away (a full load), then back: both are still waiting
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()
    page.goto("/share")
    shared = page.get_by_role("list", name="Shared files").get_by_role("listitem")
    expect(shared).to_have_count(2)

    page.get_by_role("button", name=f"Remove {VIDEO.name}").click()
    expect(shared).to_have_count(1)
    expect(page.get_by_text("1 photo", exact=True)).to_be_visible()
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_text("Nothing is waiting here.", exact=False)).to_be_visible()
    shot(page, "share-375-discarded")
    assert page.evaluate(CACHES).get(SHARED_CACHE) == []


def test_worker_and_share_page_under_the_strict_policy(strict, app_server):  # noqa: F811
    """The deployed CSP (default-src 'self', with manifest-src and worker-src 'self') lets the
    manifest, the worker, the share target's POST and the share page's blob: previews work."""
    page, violations, errors = strict
    sign_in(page, app_server)
    worker_in_control(page)
    share(page, [PHOTO], manifest_of(page))
    expect(page.get_by_role("list", name="Shared files").get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("img", name=PHOTO.name)).to_be_visible()  # a blob: preview
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_text("Nothing is waiting here.", exact=False)).to_be_visible()
    assert violations == [], violations
    assert not [e for e in errors if "Content Security Policy" in e], errors
