"""What the stack needs to know about one deployment, as plain data.

Only ``infra/app.py`` reads the environment; everything else receives a ``DeployConfig``, so
tests build stacks from literal values and never depend on the machine they run on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdrive_app.core.keys import DERIVED_PREFIX
from rdrive_app.core.keys import ORIGINALS_PREFIX as ORIGINALS_PREFIX

# The paths the backend origin serves behind CloudFront: the HTTP API, Reflex's event
# WebSocket (socket.io under /_event/), and the two health endpoints.
BACKEND_PATHS: tuple[str, ...] = ("/api/*", "/_event*", "/ping", "/_health")

# Blob key prefixes: rdrive_app/core/keys.py (keys are immutable ids, never folder paths).
THUMBS_PREFIX = DERIVED_PREFIX

BACKEND_PORT = 8000


@dataclass(frozen=True)
class DeployConfig:
    """One deployment of rDrive.

    ``prefix`` names the resources that need a stable, predictable name (the media bucket and
    the backend's secret), so one account can hold more than one rDrive (e.g. ``rdrive-test``).
    ``domain_name``/``certificate_arn`` are optional: without them the site lives on its
    ``*.cloudfront.net`` name.
    """

    prefix: str = "rdrive"
    region: str = "us-east-1"
    account: str | None = None
    backend_instance_type: str = "t4g.micro"
    image_tag: str = "live"
    domain_name: str | None = None
    certificate_arn: str | None = None
    noncurrent_version_days: int = 30
    tags: dict[str, str] = field(default_factory=lambda: {"app": "rdrive"})

    def __post_init__(self) -> None:
        if (
            not self.prefix
            or not self.prefix.replace("-", "").isalnum()
            or self.prefix != (self.prefix.lower())
        ):
            raise ValueError("prefix must be lowercase letters, digits and '-'")
        if bool(self.domain_name) != bool(self.certificate_arn):
            raise ValueError("domain_name and certificate_arn go together")

    @property
    def stack_name(self) -> str:
        """The CloudFormation stack's name."""
        return self.prefix

    @property
    def secret_name(self) -> str:
        """The backend secret's name (the instance looks it up by name, see backend.py)."""
        return f"{self.prefix}/backend"
