"""Browser tests: the real app (``reflex run``) on free ports, driven by Playwright in Chromium.

One app per test session (per xdist worker that runs e2e tests: they share the xdist group
"e2e", so only one worker starts it). Screenshots go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "e2e password 1"
START_TIMEOUT_S = 420


def pytest_configure(config):
    """Under xdist, the e2e tests must all go to the one worker that runs the app: two apps in one
    working copy compile .web and write .states over each other, and the tests build on one
    another's library. Plain ``-n N`` (``--dist load``) ignores groups, so it becomes loadgroup
    (which is load for every test without a group)."""
    if not hasattr(config, "workerinput") and config.getoption("dist", "no") == "load":
        config.option.dist = "loadgroup"
    # A worker parses the command line again (and sets dist to "no"): the controller tells it.
    if getattr(config, "workerinput", {}).get("rdrive_loadgroup"):
        config.option.loadgroup = True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist, on the controller: each worker learns whether the tests are grouped."""
    node.workerinput["rdrive_loadgroup"] = node.config.getoption("dist", "no") == "loadgroup"


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the group (--dist loadgroup)
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, log: Path, deadline: float) -> None:
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not answer {url} in time:\n{log.read_text()[-4000:]}")


@dataclass
class RunningApp:
    """Where the app under test listens, and the account to sign in with."""

    site: str
    api: str
    data_dir: Path
    env: dict[str, str]
    username: str = "alice"
    password: str = PASSWORD

    def rdrive(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run the ``rdrive`` CLI against this app's library."""
        return subprocess.run(
            [sys.executable, "-m", "rdrive_app", *args],
            input=stdin,
            text=True,
            capture_output=True,
            env=self.env,
            cwd=ROOT,
            check=False,
        )


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[RunningApp]:
    data_dir = tmp_path_factory.mktemp("e2e-data")
    frontend, backend = _free_port(), _free_port()
    api = f"http://localhost:{backend}"
    site = f"http://localhost:{frontend}"
    env = {
        **os.environ,
        "RDRIVE_DATA_DIR": str(data_dir),
        "RDRIVE_BCRYPT_ROUNDS": "4",
        # The shared account, and one each for the tests that would change it for the others
        # (a held name, two-factor codes).
        "RDRIVE_MAX_USERS": "4",
        "RDRIVE_API_URL": api,
        "REFLEX_API_URL": api,
        "RDRIVE_SITE_URL": site,
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_USE_SYSTEM_BUN": "1",
        # No hot reload while a test runs: an edited file must not restart the backend.
        "REFLEX_HOT_RELOAD_OVERRIDE_PATHS": str(tmp_path_factory.mktemp("no-reload")),
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:"
        + os.environ.get("PATH", ""),
    }
    app = RunningApp(site=site, api=api, data_dir=data_dir, env=env)
    made = app.rdrive("users", "add", app.username, "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    log = data_dir / "reflex.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reflex",
                "run",
                "--env",
                "dev",
                "--frontend-port",
                str(frontend),
                "--backend-port",
                str(backend),
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.time() + START_TIMEOUT_S
        _wait_for(f"{api}/ping", proc, log, deadline)
        _wait_for(f"{site}/signin", proc, log, deadline)
        yield app
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server, request):
    context = browser.new_context(
        base_url=app_server.site, viewport={"width": 1280, "height": 860}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    yield page
    if problems:
        print("\n".join(problems))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def shot(page, name: str) -> None:
    """Keep a screenshot to look at (tests/screenshots/, git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session", autouse=True)
def warm_app(request):
    """Open every page once before the tests: the dev server compiles each route's modules on
    first request, which on a busy machine can take longer than a test's own waits."""
    if not any("tests/e2e/" in str(i.fspath).replace(os.sep, "/") for i in request.session.items):
        return
    app = request.getfixturevalue("app_server")
    browser = request.getfixturevalue("browser")
    context = browser.new_context(base_url=app.site)
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("Username").fill(app.username)
    page.get_by_label("Password").fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Photos").wait_for(timeout=180_000)
    warm = ("/trash", "/folder", "/folder/warm-up", "/photos", "/favorites", "/albums", "/albums/0")
    warm += ("/search", "/tags", "/settings")
    for path in warm:
        page.goto(path)
        page.get_by_role("button", name="Sign out").wait_for(timeout=180_000)
    context.close()
