"""The CDK app's entry point (``cdk --app "python -m infra.app"``): the only module that reads the
environment. Everything it reads is listed in the README's "Deploying" section."""

from __future__ import annotations

import os
from pathlib import Path

from infra.config import DeployConfig

DEFAULT_OUTDIR = Path(__file__).with_name("cdk.out")


def config_from_env(env: os._Environ[str] | dict[str, str] = os.environ) -> DeployConfig:
    """A DeployConfig from ``RDRIVE_DEPLOY_*`` and the CDK CLI's account/region variables."""
    defaults = DeployConfig()
    return DeployConfig(
        prefix=env.get("RDRIVE_DEPLOY_PREFIX", defaults.prefix),
        region=env.get("CDK_DEFAULT_REGION") or env.get("AWS_REGION") or defaults.region,
        account=env.get("CDK_DEFAULT_ACCOUNT") or None,
        backend_instance_type=env.get(
            "RDRIVE_DEPLOY_INSTANCE_TYPE", defaults.backend_instance_type
        ),
        image_tag=env.get("RDRIVE_DEPLOY_IMAGE_TAG", defaults.image_tag),
        domain_name=env.get("RDRIVE_DEPLOY_DOMAIN") or None,
        certificate_arn=env.get("RDRIVE_DEPLOY_CERTIFICATE_ARN") or None,
        webdav_domain=env.get("RDRIVE_DEPLOY_WEBDAV_DOMAIN") or None,
    )


def main() -> None:
    """Synthesize into $CDK_OUTDIR (set by the CDK CLI) or infra/cdk.out."""
    from infra.synth import build_app  # loads the CDK (jsii, node) only when synthesizing

    outdir = os.environ.get("CDK_OUTDIR") or str(DEFAULT_OUTDIR)
    app, _ = build_app(config_from_env(), outdir)
    app.synth()


if __name__ == "__main__":
    main()
