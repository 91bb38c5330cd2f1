"""cdk-nag (AwsSolutions) suppressions: each names the construct, the finding, and why it does not
fit a two-person drive. The README's "Deploying" section lists the same table."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo
from constructs import IConstruct

from infra.stack import RDriveStack


@dataclass(frozen=True)
class Suppression:
    """One accepted finding. ``applies_to`` entries of the form ``/regex/`` match findings."""

    path: str  # construct path below the stack
    rule: str
    reason: str
    applies_to: tuple[str, ...] = ()


SUPPRESSIONS: tuple[Suppression, ...] = (
    Suppression(
        "Backend/Instance",
        "AwsSolutions-EC28",
        "Detailed (1-minute) monitoring costs about $2 a month, a fifth of the budget; basic "
        "5-minute metrics and the status-check auto-recovery are enough for one small host.",
    ),
    Suppression(
        "Backend/Instance",
        "AwsSolutions-EC29",
        "The instance is stateless (media in S3, catalog in DynamoDB, key in Secrets Manager) and "
        "CloudFormation replaces it whenever its host script changes; termination protection "
        "would block exactly that replacement.",
    ),
    Suppression(
        "Site/Distribution",
        "AwsSolutions-CFR1",
        "The two users travel; a country allow-list would lock them out abroad and protects "
        "nothing that sign-in does not.",
    ),
    Suppression(
        "Site/Distribution",
        "AwsSolutions-CFR2",
        "AWS WAF costs $5 a month per web ACL plus $1 per rule, more than the rest of the bill; "
        "the app throttles sign-in (429 after 5 failures per name and address, 10 per address, "
        "100 per name an hour for devices it does not know; the address is "
        "CloudFront-Viewer-Address) and every other route needs a JWT.",
    ),
    Suppression(
        "Site/Distribution",
        "AwsSolutions-CFR3",
        "CloudFront standard logs need an ACL-enabled bucket; the backend logs every API request "
        "and S3 server access logs record every read and write of media.",
    ),
    Suppression(
        "BackendSecret/Secret",
        "AwsSolutions-SMG4",
        "Rotating the JWT key signs both users out; it is rotated by hand when needed (README), "
        "and a password change already revokes that user's tokens (per-user token version).",
    ),
    Suppression(
        "Backend/Role",
        "AwsSolutions-IAM5",
        "Blob keys are immutable ids under fixed prefixes (originals/<id>, thumbs/<id>/...), so "
        "the backend's object permissions are scoped to those two prefixes; "
        "ecr:GetAuthorizationToken has no resource-level permissions; queries name the storage "
        "layer's indexes (index/*).",
        (
            "/^Resource::arn:<AWS::Partition>:s3:::.*/(originals|thumbs)/\\*$/g",
            "/^Resource::<Catalog(Items|Users)Table[0-9A-F]+\\.Arn>/index/\\*$/g",
            "Resource::*",
        ),
    ),
    Suppression(
        "Processing/Role",
        "AwsSolutions-IAM5",
        "The pipeline reads originals/<id> (and deletes the ones it refuses) and writes "
        "thumbs/<id>/... for whichever id the event names, so object permissions are scoped to "
        "those two prefixes; it finds the item through the storage layer's by_id index "
        "(index/*).",
        (
            "/^Resource::arn:<AWS::Partition>:s3:::.*/(originals|thumbs)/\\*$/g",
            "/^Resource::<CatalogItemsTable[0-9A-F]+\\.Arn>/index/\\*$/g",
        ),
    ),
)

# Only while the site uses the default *.cloudfront.net certificate (no custom domain).
DEFAULT_CERTIFICATE_SUPPRESSION = Suppression(
    "Site/Distribution",
    "AwsSolutions-CFR4",
    "Without a custom domain the distribution uses CloudFront's default certificate, whose "
    "security policy CloudFront fixes; browsers still negotiate TLS 1.2/1.3. Setting "
    "RDRIVE_DEPLOY_DOMAIN and RDRIVE_DEPLOY_CERTIFICATE_ARN raises the floor to TLSv1.2_2021.",
)


# Only with a WebDAV endpoint (DeployConfig.webdav_domain; infra/components/webdav.py).
WEBDAV_SUPPRESSIONS: tuple[Suppression, ...] = (
    Suppression(
        "WebDav/SecurityGroup",
        "AwsSolutions-EC23",
        "WebDAV clients (Finder, Explorer, rclone, davfs2) connect from wherever the two users "
        "are, so 443 is open to any IPv4 address; it is the only open port, Caddy serves only "
        "/dav/ there, and every WebDAV request needs an app password under the sign-in throttle.",
    ),
    Suppression(
        "WebDav/Instance",
        "AwsSolutions-EC28",
        "Detailed monitoring would cost more than the proxy host's own hour charge; basic 5-minute "
        "metrics suffice for a stateless TLS proxy.",
    ),
    Suppression(
        "WebDav/Instance",
        "AwsSolutions-EC29",
        "The proxy is stateless (Caddy fetches a new certificate when it starts empty) and "
        "CloudFormation replaces it whenever its host script changes; termination protection "
        "would block exactly that replacement.",
    ),
)


def active_suppressions(stack: RDriveStack) -> tuple[Suppression, ...]:
    """The suppressions that apply to this stack's configuration."""
    extra = () if stack.config.certificate_arn else (DEFAULT_CERTIFICATE_SUPPRESSION,)
    webdav = WEBDAV_SUPPRESSIONS if stack.config.webdav_domain else ()
    return SUPPRESSIONS + extra + webdav


def _construct(stack: RDriveStack, path: str) -> IConstruct:
    node: IConstruct = stack
    for part in path.split("/"):
        node = node.node.find_child(part)
    return node


def _applies_to(entries: tuple[str, ...]) -> list[str | RegexAppliesTo] | None:
    if not entries:
        return None
    return [RegexAppliesTo(regex=e) if e.startswith("/") else e for e in entries]


def apply_suppressions(stack: RDriveStack) -> None:
    """Attach every active suppression to its construct (and its children)."""
    for s in active_suppressions(stack):
        NagSuppressions.add_resource_suppressions(
            _construct(stack, s.path),
            [NagPackSuppression(id=s.rule, reason=s.reason, applies_to=_applies_to(s.applies_to))],
            apply_to_children=True,
        )
