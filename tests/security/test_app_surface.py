"""What the assembled Reflex app exposes beyond the HTTP API, read from the app itself.

The handler matrix (tests/state) walks the subclasses of SessionState, and the route matrix
walks the API's route table. These tests close the gaps around both: Reflex's own backend routes
are only the known public ones (no ``/_upload``, whose files Reflex serves to anyone), and every
state class of the app derives from SessionState, so none escapes the handler matrix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, reflex as rx
import rdrive_app.rdrive_app as module
from rdrive_app.ui.state.session import SessionState

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

states = [
    [f"{c.__module__}.{c.__name__}", issubclass(c, SessionState)]
    for c in subclasses(rx.State)
    if c.__module__.startswith("rdrive_app")
]
routes = sorted(getattr(r, "path", "") for r in module.app._api.routes)
print(json.dumps({"routes": routes, "states": states}))
"""
REFLEX_PUBLIC_ROUTES = {"/ping", "/_health", "/_event"}


@pytest.fixture(scope="module")
def surface(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("surface-data")
    env = {
        **os.environ,
        "RDRIVE_DATA_DIR": str(data),
        "RDRIVE_JWT_SECRET": "surface-" + "s" * 40,
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_reflex_adds_only_its_public_routes(surface: dict) -> None:
    assert set(surface["routes"]) == REFLEX_PUBLIC_ROUTES


def test_every_state_class_is_covered_by_the_handler_matrix(surface: dict) -> None:
    assert surface["states"], "no state classes found"
    escaped = [name for name, is_session in surface["states"] if not is_session]
    assert escaped == []
