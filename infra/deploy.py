"""`make deploy`: export the site, deploy the stack, publish the site, push the backend image.

    python -m infra.deploy [--dry-run]

Steps, in order: install the pinned CDK CLI into .tools; ``infra.export`` with REFLEX_API_URL;
``cdk deploy`` (which also builds and pushes the processing Lambda's image); sync the export to
the site bucket (hashed assets cached for a year, pages revalidated); invalidate CloudFront; build
the backend image for arm64 and push it with the ``live`` tag, which the instance picks up within
two minutes. ``--dry-run`` prints every step and runs none (values the stack will only report
after ``cdk deploy`` show as ``<Output>``).

REFLEX_API_URL defaults to the stack's SiteUrl output; on the very first deploy there is none
yet, so the stack is deployed before the export.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from infra.app import config_from_env
from infra.config import DeployConfig
from infra.export import REPO_ROOT, SITE_SUBDIR

CDK_CLI_VERSION = "2.1148.1"  # npm package aws-cdk; its cloud-assembly schema reads aws-cdk-lib's
TOOLS = REPO_ROOT / ".tools"
CDK = TOOLS / "node_modules" / ".bin" / "cdk"
CDK_OUT = REPO_ROOT / "infra" / "cdk.out"
OUTPUTS_FILE = CDK_OUT / "outputs.json"
ASSET_CACHE = "public, max-age=31536000, immutable"  # the export's assets/: names carry a hash
# Everything else is revalidated on every load: the pages, and the installable app's service
# worker (rdrive_sw.js: a new deploy must reach every phone at its next start), manifest and
# icons, which keep their names across deploys.
PAGE_CACHE = "no-cache"


@dataclass(frozen=True)
class Step:
    """One command (optionally fed by another command's output, as a shell pipe would)."""

    title: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    stdin_from: Sequence[str] | None = None

    def describe(self) -> str:
        """The step as a shell line a person could run."""
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        line = shlex.join(self.argv)
        if self.stdin_from:
            line = f"{shlex.join(self.stdin_from)} | {line}"
        return f"==> {self.title}\n    $ {prefix + ' ' if prefix else ''}{line}"

    def run(self) -> None:
        """Run it; a failure stops the deploy."""
        env = {**os.environ, **self.env}
        feed = None
        if self.stdin_from:
            feed = subprocess.run(self.stdin_from, check=True, capture_output=True, env=env).stdout
        subprocess.run(self.argv, check=True, input=feed, env=env, cwd=REPO_ROOT)


@dataclass(frozen=True)
class Deployment:
    """What the steps need to know; ``outputs`` are the stack's CloudFormation outputs."""

    config: DeployConfig
    api_url: str
    image_tag: str
    outputs: Mapping[str, str]


def install_cli() -> Step:
    return Step(
        "install the CDK CLI into .tools (pinned)",
        [
            "npm",
            "install",
            "--prefix",
            str(TOOLS),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"aws-cdk@{CDK_CLI_VERSION}",
        ],
    )


def export(d: Deployment) -> Step:
    return Step(
        "export the static site",
        [sys.executable, "-m", "infra.export"],
        env={"REFLEX_API_URL": d.api_url, "RDRIVE_SITE_URL": d.api_url},
    )


def cdk_deploy(d: Deployment) -> Step:
    return Step(
        f"deploy stack {d.config.stack_name} (builds and pushes the processing Lambda image)",
        [
            str(CDK),
            "deploy",
            d.config.stack_name,
            "--app",
            f"{sys.executable} -m infra.app",
            "--output",
            str(CDK_OUT),
            "--outputs-file",
            str(OUTPUTS_FILE),
            "--require-approval",
            "never",
        ],
    )


def sync_site(d: Deployment) -> list[Step]:
    site = str(REPO_ROOT / SITE_SUBDIR)
    bucket = f"s3://{d.outputs['SiteBucket']}"
    skip = ["--exclude", "*.gz", "--exclude", "*.br"]
    return [
        Step(
            "upload hashed assets (cached for a year)",
            [
                "aws",
                "s3",
                "sync",
                f"{site}/assets",
                f"{bucket}/assets",
                "--cache-control",
                ASSET_CACHE,
                *skip,
            ],
        ),
        Step(
            "upload pages, remove pages that are gone (revalidated on every load)",
            [
                "aws",
                "s3",
                "sync",
                site,
                bucket,
                "--delete",
                "--exclude",
                "assets/*",
                "--cache-control",
                PAGE_CACHE,
                *skip,
            ],
        ),
    ]


def invalidate(d: Deployment) -> Step:
    return Step(
        "invalidate CloudFront's copies of the pages",
        [
            "aws",
            "cloudfront",
            "create-invalidation",
            "--distribution-id",
            d.outputs["DistributionId"],
            "--paths",
            "/*",
        ],
    )


def push_image(d: Deployment) -> list[Step]:
    repo = d.outputs["RepositoryUri"]
    registry = repo.split("/", 1)[0]
    region = d.config.region
    return [
        Step(
            "log in to the stack's ECR registry",
            ["docker", "login", "--username", "AWS", "--password-stdin", registry],
            stdin_from=["aws", "ecr", "get-login-password", "--region", region],
        ),
        Step(
            "build the backend image for arm64 and push it (the instance pulls :live)",
            [
                "docker",
                "buildx",
                "build",
                "--platform",
                "linux/arm64",
                "--tag",
                f"{repo}:{d.image_tag}",
                "--tag",
                f"{repo}:{d.config.image_tag}",
                "--push",
                ".",
            ],
        ),
    ]


def plan(
    config: DeployConfig,
    *,
    api_url: str | None,
    image_tag: str,
    outputs: Callable[[], Mapping[str, str]],
) -> list[Step | Callable[[], list[Step]]]:
    """The steps; those that need the stack's outputs are built after ``cdk deploy`` ran."""

    def after_deploy() -> list[Step]:
        out = outputs()
        d = Deployment(config, api_url or out["SiteUrl"], image_tag, out)
        first = [] if api_url else [export(d)]
        return [*first, *sync_site(d), invalidate(d), *push_image(d)]

    before = Deployment(config, api_url or "", image_tag, {})
    if api_url:
        return [install_cli(), export(before), cdk_deploy(before), after_deploy]
    return [install_cli(), cdk_deploy(before), after_deploy]


def stack_outputs(config: DeployConfig) -> dict[str, str]:
    """The outputs ``cdk deploy`` wrote (``--outputs-file``)."""
    data = json.loads(OUTPUTS_FILE.read_text())
    return {str(k): str(v) for k, v in data[config.stack_name].items()}


def existing_site_url(config: DeployConfig) -> str | None:
    """SiteUrl of an already deployed stack, or None on a first deploy."""
    result = subprocess.run(
        [
            "aws",
            "cloudformation",
            "describe-stacks",
            "--region",
            config.region,
            "--stack-name",
            config.stack_name,
            "--output",
            "json",
            "--query",
            "Stacks[0].Outputs[?OutputKey=='SiteUrl'].OutputValue | [0]",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    value = result.stdout.strip().strip('"') if result.returncode == 0 else ""
    return value if value.startswith("https://") else None


def git_revision() -> str:
    """The image tag that identifies this build (commit, or 'dev' outside git)."""
    result = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    return result.stdout.strip() or "dev"


def dry_run_outputs() -> dict[str, str]:
    """What the dry run shows for values only the deployed stack knows."""
    names = ["SiteUrl", "SiteBucket", "DistributionId", "RepositoryUri"]
    return {name: f"<{name}>" for name in names}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Deploy rDrive to AWS (see README).")
    parser.add_argument("--dry-run", action="store_true", help="print the steps, run none")
    args = parser.parse_args(argv)
    config = config_from_env()
    api_url = os.environ.get("REFLEX_API_URL") or None
    if not api_url:
        api_url = "<SiteUrl>" if args.dry_run else existing_site_url(config)
    steps = plan(
        config,
        api_url=api_url,
        image_tag=git_revision(),
        outputs=dry_run_outputs if args.dry_run else lambda: stack_outputs(config),
    )
    print(
        f"rDrive deploy: stack {config.stack_name} in {config.region}"
        + (" (dry run: nothing is run)" if args.dry_run else "")
    )
    for entry in steps:
        for step in entry() if callable(entry) else [entry]:
            print(step.describe(), flush=True)
            if not args.dry_run:
                step.run()


if __name__ == "__main__":
    main()
