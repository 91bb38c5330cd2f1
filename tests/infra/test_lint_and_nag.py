"""cfn-lint and cdk-nag (AwsSolutions) on the synthesized template, with and without WebDAV."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra.nag import DEFAULT_CERTIFICATE_SUPPRESSION, SUPPRESSIONS, WEBDAV_SUPPRESSIONS
from tests.infra.conftest import REPO_ROOT, Synthesized

SYNTHESES = ("synth", "synth_webdav")
# cfnlint has no __main__ (`python -m cfnlint` runs nothing and prints nothing): its script.
CFN_LINT = Path(sys.executable).with_name("cfn-lint")
CFN_LINT_FATAL = 1  # exit status bits: 1 fatal, 2 error, 4 warning, 8 informational


@pytest.mark.parametrize("which", SYNTHESES)
def test_cfn_lint_reports_no_errors(which: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(which)
    result = subprocess.run(
        [str(CFN_LINT), "--format", "json", str(synthesized.template_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert not result.returncode & CFN_LINT_FATAL, result.stderr
    findings = json.loads(result.stdout)
    errors = [f for f in findings if f["Level"] == "Error"]
    assert errors == [], errors


@pytest.mark.parametrize("which", SYNTHESES)
def test_cdk_nag_has_no_unsuppressed_findings(which: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(which)
    assert synthesized.nag_findings == []


def test_every_suppression_has_a_reason_listed_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    deploying = readme[readme.index("## Deploying") :]
    for s in (*SUPPRESSIONS, DEFAULT_CERTIFICATE_SUPPRESSION, *WEBDAV_SUPPRESSIONS):
        assert len(s.reason) > 40, s
        assert s.rule in deploying, s.rule
