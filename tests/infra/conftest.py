"""The stack is synthesized once per session (about 10 s); every infra test reads that template.

All tests here share the xdist group "infra", so one worker synthesizes and runs them.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# jsii's node runtime prints a banner for node 20 on every start; the tests do not need it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

REPO_ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("infra"))


@dataclass(frozen=True)
class Synthesized:
    """One synthesis: the template, where it was written, and cdk-nag's findings."""

    template: dict[str, Any]
    template_path: Path
    nag_findings: list[str]
    stack: Any

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        """Logical id → resource, for every resource of CloudFormation type ``kind``."""
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == kind}

    def one(self, kind: str) -> dict[str, Any]:
        found = list(self.resources(kind).values())
        assert len(found) == 1, f"expected one {kind}, found {len(found)}"
        return found[0]["Properties"]


WEBDAV_DOMAIN = "dav.example.com"


def synthesize(config: Any, outdir: Path) -> Synthesized:
    """The stack for ``config`` (a DeployConfig), with cdk-nag's AwsSolutions findings."""
    from infra.synth import build_app

    app, stack = build_app(config, outdir)
    assembly = app.synth()
    artifact = assembly.get_stack_by_name(stack.stack_name)
    findings = [
        f"{m.level.name} {m.id}: {m.entry.data}"
        for m in artifact.messages
        if "AwsSolutions" in str(m.entry.data)
    ]
    path = outdir / artifact.template_file
    return Synthesized(json.loads(path.read_text()), path, findings, stack)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from infra.config import DeployConfig

    return synthesize(DeployConfig(), tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def synth_webdav(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The same stack with the opt-in WebDAV endpoint (``webdav_domain``)."""
    from infra.config import DeployConfig

    config = DeployConfig(webdav_domain=WEBDAV_DOMAIN)
    return synthesize(config, tmp_path_factory.mktemp("cdk.out.webdav"))


def docker_context_paths() -> list[str]:
    """What .dockerignore lets into the backend image (its `!path` lines)."""
    lines = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    return [line[1:] for line in lines if line.startswith("!")]


def copy_app(dst: Path) -> Path:
    """The backend image's files, copied to ``dst``: the app runs (and exports) from there, never
    touching the working tree's .web, which the browser tests' dev server is using."""
    dst.mkdir(parents=True)
    for rel in docker_context_paths():
        src = REPO_ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dst / rel, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst / rel)
    return dst


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    return copy_app(tmp_path / "app")


@dataclass(frozen=True)
class Exported:
    """One `make export` of the site for the session, for the origin ``site`` it is served at."""

    site_dir: Path
    site: str  # http://127.0.0.1:<port>, baked in as REFLEX_API_URL (CloudFront's one origin)
    seconds: float


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The export's code path (infra/export.py) on a copy of the app, once per session: the CSP
    test and the deployment rehearsal serve the same site, as the distribution would."""
    import socket
    import time

    from infra.export import export_site

    root = tmp_path_factory.mktemp("export")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    site = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PATH": f"{REPO_ROOT / '.tools/node_modules/.bin'}:{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_API_URL": site,
        "RDRIVE_DATA_DIR": str(root / "data"),
    }
    started = time.monotonic()
    site_dir = export_site(copy_app(root / "app"), env)
    return Exported(site_dir, site, time.monotonic() - started)
