"""`make deploy DRY_RUN=1` prints each step in order and runs none of them."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from infra.config import DeployConfig
from infra.deploy import Step, dry_run_outputs, plan
from tests.infra.conftest import REPO_ROOT

TOOLS_THAT_MUST_NOT_RUN = ("aws", "docker", "npm", "npx", "cdk")


def _stubs(tmp_path: Path) -> tuple[Path, Path]:
    """Stand-ins for the deploy tools that only record that they were called."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in TOOLS_THAT_MUST_NOT_RUN:
        path = bin_dir / tool
        path.write_text(f'#!/bin/sh\necho "{tool} $*" >> {calls}\n')
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return bin_dir, calls


def test_make_deploy_dry_run_prints_the_steps_in_order_and_runs_none(tmp_path: Path) -> None:
    bin_dir, calls = _stubs(tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("REFLEX_API_URL", None)
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "deploy", "DRY_RUN=1"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "dry run" in out
    order = [
        "npm install",
        "-m infra.export",
        "cdk deploy",
        "aws s3 sync",
        "aws cloudfront create-invalidation",
        "docker login",
        "docker buildx build --platform linux/arm64",
    ]
    positions = [out.index(marker) for marker in order]
    assert positions == sorted(positions), out
    assert out.count("==> ") == 8
    assert not calls.exists(), calls.read_text()


def test_first_deploy_deploys_the_stack_before_the_export() -> None:
    entries = plan(DeployConfig(), api_url=None, image_tag="abc", outputs=dry_run_outputs)
    steps: list[Step] = []
    for entry in entries:
        steps += entry() if callable(entry) else [entry]
    lines = [s.describe() for s in steps]
    deploy = next(i for i, line in enumerate(lines) if " deploy rdrive " in line)
    export = next(i for i, line in enumerate(lines) if "infra.export" in line)
    assert deploy < export
    assert "REFLEX_API_URL='<SiteUrl>'" in lines[export]
