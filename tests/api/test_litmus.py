"""litmus, the WebDAV server test suite (Debian's package), against /dav/ on both backends over
real HTTP: the suites basic, copymove, props, locks and http, each expected to pass whole."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from rdrive_app.api import create_api
from tests.api.test_dav import _app_password
from tests.security.live import LiveApi

SUITES = ("basic", "copymove", "props", "locks", "http")
# litmus prints "<- summary for `basic': of 16 tests run: 16 passed, 0 failed. 100.0%"
SUMMARY = re.compile(r"summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed")


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.mark.parametrize("suite", SUITES)
def test_litmus_suite_passes(services, suite, tmp_path):
    assert shutil.which("litmus"), "litmus is not installed: make dav-clients installs it"
    services.folders.create_folder("/litmus-home")
    live = LiveApi()
    live.app = create_api(services)
    live.start()
    try:
        done = subprocess.run(
            ["litmus", f"{live.url}/dav/litmus-home/", "alice", _app_password(services, "write")],
            capture_output=True,
            text=True,
            env={"TESTS": suite, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
            cwd=tmp_path,  # litmus writes debug.log and child.log where it runs
            timeout=300,
        )
    finally:
        live.stop()
    found = SUMMARY.findall(done.stdout)
    failures = [line for line in done.stdout.splitlines() if "FAIL" in line]
    assert found and found[0][0] == suite, done.stdout + done.stderr
    _, ran, passed, failed = found[0]
    assert failed == "0" and ran == passed, "\n".join(failures) or done.stdout
