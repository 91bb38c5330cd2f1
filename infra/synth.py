"""Build the CDK app from a ``DeployConfig`` (no environment access: app.py does that)."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.config import DeployConfig
from infra.nag import apply_suppressions
from infra.stack import RDriveStack

# CDK feature flags this app relies on (set here, not in a cdk.json, so tests and deploys agree).
FEATURE_FLAGS: dict[str, object] = {
    # Grant S3 server access logging through a bucket policy, not the legacy ACL.
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
}


def build_app(
    config: DeployConfig, outdir: Path | str, *, nag: bool = True
) -> tuple[cdk.App, RDriveStack]:
    """The app with its one stack; cdk-nag's AwsSolutions pack runs at synthesis when ``nag``."""
    app = cdk.App(outdir=str(outdir), context=FEATURE_FLAGS)
    env = cdk.Environment(account=config.account, region=config.region)
    stack = RDriveStack(app, config.stack_name, config=config, env=env)
    if nag:
        apply_suppressions(stack)
        cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stack
