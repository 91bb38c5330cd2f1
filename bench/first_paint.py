"""First paint of a folder in Chromium: the app against a static page of the same thumbnails.

Run: ``python -m bench.first_paint`` (part of ``make bench``). Options: ``--runs N``,
``--photos N``, ``--builds dev,prod``, ``--keep`` (the screenshots stay in bench/screens).

A library of ``--photos`` processed photos in /Holiday (imported with ``rdrive import``) is
served by the app as ``make run`` starts it (``reflex run``, the development build) and as it is
deployed: the exported static site (``make export``'s code path, served as CloudFront serves it)
beside the backend alone (``reflex run --env prod --backend-only``).
Each run opens a new browser context (cold cache, as a first visit), signs in and waits on the
Folders page; then:

* click: from the click on the "Holiday" tile (the event's own timestamp) until every
  thumbnail on the first screen (each tile image inside the viewport) has loaded and a frame
  has been drawn with them;
* direct: from the start of a navigation to the folder's URL until the same;
* static: a plain HTML page with the first screen's thumbnail URLs (signed by the app, 150 px
  tiles) served by the backend's own file server: from navigation start to the same.

Goal: click and direct each at most 2x static (medians), in both builds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

from bench.common import PASSWORD, USER, Figure, add_bench_user, at_most, free_port, report

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "bench" / "screens"
CHROMIUM = "/usr/bin/chromium"
LOG = SCREENS / "reflex.log"
VIEWPORT = {"width": 1280, "height": 860}
FOLDER = "Holiday"

# True once every tile image inside the viewport has loaded (and there is at least one);
# run by Playwright at each animation frame, it stamps the time it first held.
FIRST_SCREEN_LOADED = """(selector) => {
  const shown = [...document.querySelectorAll(selector)].filter((img) => {
    const r = img.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  });
  if (shown.length > 0 && window.__rendered === undefined) window.__rendered = performance.now();
  const done = shown.length > 0 && shown.every((img) => img.complete && img.naturalWidth > 0);
  if (done && window.__painted === undefined) {
    window.__shown = shown.length;
    window.__painted = performance.now();
  }
  return done;
}"""
TILE_IMAGES = "img[src*='thumb']"
RENDERED: list[float] = []  # when the tiles were first in the page (before their images)


def make_photos(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        im = Image.new("RGB", (1200, 900), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
        draw = ImageDraw.Draw(im)
        for k in range(12):
            x, y = (n * 97 + k * 131) % 1100, (n * 61 + k * 71) % 800
            draw.ellipse((x, y, x + 90, y + 90), fill=((k * 40) % 256, 200, (n * 7) % 256))
        im.save(folder / f"IMG_{n:04d}.jpg", "JPEG", quality=85)


def _no_reload(data_dir: Path) -> Path:
    """An empty folder for the dev server to watch (so nothing it does restarts it)."""
    path = data_dir / "no-reload"
    path.mkdir(exist_ok=True)
    return path


def bench_env(data_dir: Path, frontend: int, backend: int) -> dict[str, str]:
    api = f"http://localhost:{backend}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RDRIVE_", "AWS_ENDPOINT"))}
    env.update(
        RDRIVE_DATA_DIR=str(data_dir),
        RDRIVE_BCRYPT_ROUNDS="4",
        RDRIVE_API_URL=api,
        REFLEX_API_URL=api,
        RDRIVE_SITE_URL=f"http://localhost:{frontend}",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_HOT_RELOAD_OVERRIDE_PATHS=str(_no_reload(data_dir)),
        PATH=f"{ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:"
        + os.environ.get("PATH", ""),
    )
    return env


def _wait(url: str, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early (code {proc.returncode}; log: {LOG})")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not answer {url} in time (log: {LOG})")


@contextmanager
def running_app(data_dir: Path, build: str) -> Iterator[tuple[str, str]]:
    """The app in the development build (``reflex run``, as ``make run``) or as deployed: the
    exported static site (``make export``'s code path) beside the backend alone: (site, api)."""
    frontend, backend = free_port(), free_port()
    env = bench_env(data_dir, frontend, backend)
    SCREENS.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "reflex", "run", "--env", build, "--loglevel", "info",
            "--frontend-port", str(frontend), "--backend-port", str(backend)]  # fmt: skip
    site, api = f"http://localhost:{frontend}", f"http://localhost:{backend}"
    serving: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if build == "prod":
        from infra.export import export_site
        from infra.local_site import serve_site

        print("    exporting the site (make export's code path) ...", flush=True)
        serving = serve_site(export_site(ROOT, env), frontend)
        args = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only",
                "--loglevel", "info", "--backend-port", str(backend)]  # fmt: skip
    log = LOG.open("w")
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        with serving:
            deadline = time.monotonic() + 600
            _wait(f"{api}/ping", proc, deadline)
            _wait(f"{site}/signin", proc, deadline)
            yield site, api
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def static_page(api: str, count: int) -> str:
    """The page of the folder's first thumbnails, as a data URL-free HTML string."""
    token = httpx.post(
        f"{api}/api/auth/login", json={"username": USER, "password": PASSWORD}
    ).json()["access_token"]
    listed = httpx.get(
        f"{api}/api/media",
        params={"folder": f"/{FOLDER}", "limit": count},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]
    tiles = "".join(
        f'<img src="{item["thumbnail_url"]}" alt="" width="150" height="150">' for item in listed
    )
    style = "main{display:flex;flex-wrap:wrap;gap:8px}img{object-fit:cover}"
    return f"<!doctype html><title>static</title><style>{style}</style><main>{tiles}</main>"


def _sign_in(page: object, site: str) -> None:
    page.goto(f"{site}/signin")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(USER)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Photos").wait_for()  # type: ignore[attr-defined]


def _painted_ms(page: object, since: float) -> tuple[float, int]:
    try:
        page.wait_for_function(  # type: ignore[attr-defined]
            FIRST_SCREEN_LOADED, arg=TILE_IMAGES, polling="raf", timeout=60_000
        )
    except Exception:
        page.screenshot(path=str(SCREENS / "timeout.png"))  # type: ignore[attr-defined]
        srcs = page.evaluate("[...document.images].slice(0, 3).map((i) => i.src)")  # type: ignore[attr-defined]
        raise RuntimeError(f"no first screen of thumbnails; images: {srcs}") from None
    painted, shown, rendered = page.evaluate(  # type: ignore[attr-defined]
        "[window.__painted, window.__shown, window.__rendered]"
    )
    RENDERED.append(rendered - since)
    return painted - since, shown


def measure_build(
    browser: object, site: str, api: str, runs: int, shots: Path
) -> dict[str, list[float]]:
    """Milliseconds of each kind of first paint, ``runs`` of each, interleaved."""
    found: dict[str, list[float]] = {"click": [], "direct": [], "static": []}
    html_dir = Path(tempfile.mkdtemp(prefix="rdrive-static-"))
    static = html_dir / "static.html"
    static.write_text(static_page(api, 40))
    static_server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port := free_port()), "-d", str(html_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1)
    try:
        for run in range(runs):
            context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
            page = context.new_page()
            _sign_in(page, site)
            page.goto(f"{site}/folder")
            tile = page.get_by_role("link", name=FOLDER)
            tile.wait_for()
            page.wait_for_timeout(300)  # the page settled, as a person would look first
            page.evaluate(
                "addEventListener('click', (e) => { window.__clicked = e.timeStamp }, true)"
            )
            tile.click()
            clicked = page.evaluate("window.__clicked")
            ms, shown = _painted_ms(page, clicked)
            found["click"].append(ms)
            if run == 0:
                page.screenshot(path=str(shots / "click.png"))
            page.goto("about:blank")
            page.goto(f"{site}/folder/{FOLDER}")
            found["direct"].append(_painted_ms(page, 0.0)[0])
            context.close()
            context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/static.html")
            found["static"].append(_painted_ms(page, 0.0)[0])
            if run == 0:
                page.screenshot(path=str(shots / "static.png"))
            context.close()
            tiles_at = RENDERED[-3]  # this run's click
            print(
                f"    run {run + 1}: click {found['click'][-1]:.0f} ms ({shown} tiles, in the "
                f"page at {tiles_at:.0f} ms), "
                f"direct {found['direct'][-1]:.0f} ms, static {found['static'][-1]:.0f} ms",
                flush=True,
            )
    finally:
        static_server.terminate()
    return found


def run(runs: int = 6, photos: int = 60, builds: tuple[str, ...] = ("dev", "prod")) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="rdrive-bench-paint-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        env = bench_env(data_dir, 0, 0)
        add_bench_user(env)
        make_photos(Path(tmp) / "import" / FOLDER, photos)
        subprocess.run(
            [sys.executable, "-m", "rdrive_app", "import", str(Path(tmp) / "import")],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for build in builds:
                print(f"  {build} build", flush=True)
                shots = SCREENS / build
                shots.mkdir(parents=True, exist_ok=True)
                with running_app(data_dir, build) as (site, api):
                    found = measure_build(browser, site, api, runs, shots)
                static = statistics.median(found["static"])
                for kind in ("click", "direct"):
                    ms = statistics.median(found[kind])
                    figures.append(at_most(
                        f"folder first paint, {kind} vs static ({build})", ms / static, 2.0,
                        f"{ms:.0f} vs {static:.0f} ms (medians of {runs})",
                    ))  # fmt: skip
            browser.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--builds", default="dev,prod")
    args = parser.parse_args(argv)
    return report(run(args.runs, args.photos, tuple(args.builds.split(","))))


if __name__ == "__main__":
    raise SystemExit(main())
