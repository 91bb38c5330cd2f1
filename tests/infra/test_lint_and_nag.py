"""cfn-lint and cdk-nag (AwsSolutions) on the synthesized template."""

from __future__ import annotations

import json
import subprocess
import sys

from infra.nag import DEFAULT_CERTIFICATE_SUPPRESSION, SUPPRESSIONS
from tests.infra.conftest import REPO_ROOT, Synthesized


def test_cfn_lint_reports_no_errors(synth: Synthesized) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cfnlint", "--format", "json", str(synth.template_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    errors = [f for f in findings if f["Level"] == "Error"]
    assert errors == [], errors


def test_cdk_nag_has_no_unsuppressed_findings(synth: Synthesized) -> None:
    assert synth.nag_findings == []


def test_every_suppression_has_a_reason_listed_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    deploying = readme[readme.index("## Deploying") :]
    for s in (*SUPPRESSIONS, DEFAULT_CERTIFICATE_SUPPRESSION):
        assert len(s.reason) > 40, s
        assert s.rule in deploying, s.rule
