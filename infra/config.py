"""What the stack needs to know about one deployment, as plain data.

Only ``infra/app.py`` reads the environment; everything else receives a ``DeployConfig``, so
tests build stacks from literal values and never depend on the machine they run on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdrive_app.core.keys import DERIVED_PREFIX
from rdrive_app.core.keys import ORIGINALS_PREFIX as ORIGINALS_PREFIX
from rdrive_app.storage.aws.bucket_rules import NONCURRENT_VERSION_DAYS

# The paths the backend origin serves behind CloudFront: the HTTP API, Reflex's event
# WebSocket (socket.io under /_event/), and the two health endpoints.
BACKEND_PATHS: tuple[str, ...] = ("/api/*", "/_event*", "/ping", "/_health")

# Blob key prefixes: rdrive_app/core/keys.py (keys are immutable ids, never folder paths).
THUMBS_PREFIX = DERIVED_PREFIX

BACKEND_PORT = 8000

# A DNS name the owner controls (lowercase, no scheme, no port, no trailing dot).
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)

# Where the stack may deploy: the commercial regions where CloudFront VPC origins (the backend's
# only way in) are supported, as listed in the CloudFront Developer Guide, "Supported AWS Regions
# for VPC origins" (some exclude one Availability Zone: us-east-1 use1-az3, us-west-1 usw1-az2,
# ap-northeast-1 apne1-az3, ca-central-1 cac1-az3). The CSP test checks every one of them.
DEPLOY_REGIONS: tuple[str, ...] = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1",
    "mx-central-1", "sa-east-1",
)  # fmt: skip


@dataclass(frozen=True)
class DeployConfig:
    """One deployment of rDrive.

    ``prefix`` names the resources that need a stable, predictable name (the media bucket and
    the backend's secret), so one account can hold more than one rDrive (e.g. ``rdrive-test``).
    ``domain_name``/``certificate_arn`` are optional: without them the site lives on its
    ``*.cloudfront.net`` name. ``webdav_domain`` (off by default, it adds about $8 a month: see
    ``infra/components/webdav.py`` and ``python -m infra.cost``) gives WebDAV its own HTTPS
    endpoint at ``https://<webdav_domain>/dav/``, which CloudFront cannot be.
    """

    prefix: str = "rdrive"
    region: str = "us-east-1"
    account: str | None = None
    backend_instance_type: str = "t4g.micro"
    image_tag: str = "live"
    domain_name: str | None = None
    certificate_arn: str | None = None
    noncurrent_version_days: int = NONCURRENT_VERSION_DAYS
    webdav_domain: str | None = None
    tags: dict[str, str] = field(default_factory=lambda: {"app": "rdrive"})

    def __post_init__(self) -> None:
        if (
            not self.prefix
            or not self.prefix.replace("-", "").isalnum()
            or self.prefix != (self.prefix.lower())
        ):
            raise ValueError("prefix must be lowercase letters, digits and '-'")
        if self.region not in DEPLOY_REGIONS:
            raise ValueError(
                f"region {self.region!r}: CloudFront VPC origins are not supported there "
                "(infra/config.py DEPLOY_REGIONS lists where they are)"
            )
        if bool(self.domain_name) != bool(self.certificate_arn):
            raise ValueError("domain_name and certificate_arn go together")
        if self.webdav_domain is not None:
            if not _HOSTNAME.match(self.webdav_domain):
                raise ValueError(
                    f"webdav_domain {self.webdav_domain!r}: a lowercase DNS name, "
                    "e.g. dav.example.com (no scheme, no path)"
                )
            if self.webdav_domain == self.domain_name:
                raise ValueError("webdav_domain needs its own name: the site's is CloudFront's")

    @property
    def stack_name(self) -> str:
        """The CloudFormation stack's name."""
        return self.prefix

    @property
    def webdav_url(self) -> str | None:
        """What a WebDAV client mounts, when the stack has a WebDAV endpoint."""
        return f"https://{self.webdav_domain}/dav/" if self.webdav_domain else None

    @property
    def secret_name(self) -> str:
        """The backend secret's name (the instance looks it up by name, see backend.py)."""
        return f"{self.prefix}/backend"
