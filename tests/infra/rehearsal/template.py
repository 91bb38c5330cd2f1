"""The synthesized template, read as CloudFormation would deploy it: the distribution's routing,
function and headers, the Lambda's environment, the backend host's settings, the media bucket.

Nothing here copies a value of the stack: every value is read from the template and its
intrinsic functions are resolved against the rehearsal's stand-ins (``refs``: logical id or
pseudo parameter → what stands in for it here). An intrinsic this reader does not know, or a
CloudFront feature the stand-in does not implement, raises: the rehearsal must fail loudly when
the stack grows something it would otherwise silently ignore.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.infra.cfn import Unsupported, from_mapping, pseudo_parameters, resolve

# Managed CloudFront policies by id (docs.aws.amazon.com, "Use managed origin request policies"
# and "Use managed cache policies"); the stand-in implements what each one does.
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
KNOWN_ORIGIN_REQUEST_POLICIES = {None, ALL_VIEWER_EXCEPT_HOST_HEADER}
KNOWN_CACHE_POLICIES = {CACHING_DISABLED, CACHING_OPTIMIZED}


@dataclass(frozen=True)
class Behavior:
    """One cache behavior, with what it references resolved."""

    path_pattern: str | None  # None: the default behavior
    origin_kind: str  # "site-bucket" or "backend"
    allowed_methods: frozenset[str]
    viewer_request_code: str | None
    headers_policy: dict[str, Any]
    origin_request_policy: str | None

    def matches(self, path: str) -> bool:
        """CloudFront's path patterns: ``*`` any characters, ``?`` one, case-sensitive."""
        if self.path_pattern is None:
            return True
        pattern = re.escape(self.path_pattern).replace(r"\*", ".*").replace(r"\?", ".")
        return re.fullmatch(pattern, path) is not None


@dataclass(frozen=True)
class ErrorResponse:
    error_code: int
    response_code: int
    page_path: str


@dataclass(frozen=True)
class Distribution:
    behaviors: list[Behavior]  # in evaluation order, the default last
    error_responses: list[ErrorResponse]
    default_root_object: str | None
    backend_port: int
    notes: list[str] = field(default_factory=list)

    def behavior_for(self, path: str) -> Behavior:
        return next(b for b in self.behaviors if b.matches(path))


class Template:
    """One synthesized stack template, resolved for one region."""

    def __init__(self, template: dict[str, Any], region: str, refs: Mapping[str, str]) -> None:
        self.resources: dict[str, Any] = template["Resources"]
        self.region = region
        self.refs = {**pseudo_parameters(region), **refs}

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v["Properties"] for k, v in self.resources.items() if v["Type"] == kind}

    def one(self, kind: str) -> tuple[str, dict[str, Any]]:
        [(logical_id, props)] = self.of_type(kind).items()
        return logical_id, props

    def resolved(self, value: Any) -> Any:
        return resolve(value, from_mapping(self.refs))

    # -- the distribution ---------------------------------------------------------------
    def distribution(self) -> Distribution:
        _, props = self.one("AWS::CloudFront::Distribution")
        config = props["DistributionConfig"]
        origins = {o["Id"]: o for o in config["Origins"]}
        behaviors = [
            self._behavior(b, origins, b["PathPattern"]) for b in config.get("CacheBehaviors", [])
        ]
        behaviors.append(self._behavior(config["DefaultCacheBehavior"], origins, None))
        errors = [
            ErrorResponse(e["ErrorCode"], e["ResponseCode"], e["ResponsePagePath"])
            for e in config.get("CustomErrorResponses", [])
        ]
        [vpc_origin] = self.of_type("AWS::CloudFront::VpcOrigin").values()
        port = int(vpc_origin["VpcOriginEndpointConfig"]["HTTPPort"])
        return Distribution(behaviors, errors, config.get("DefaultRootObject"), port)

    def _behavior(
        self, spec: dict[str, Any], origins: dict[str, Any], pattern: str | None
    ) -> Behavior:
        origin = origins[spec["TargetOriginId"]]
        if "S3OriginConfig" in origin and origin.get("OriginAccessControlId"):
            kind = "site-bucket"
        elif "VpcOriginConfig" in origin:
            kind = "backend"
        else:
            raise Unsupported(f"origin {origin['Id']}")
        if spec.get("CachePolicyId") not in KNOWN_CACHE_POLICIES:
            raise Unsupported(f"cache policy {spec.get('CachePolicyId')}")
        if spec.get("OriginRequestPolicyId") not in KNOWN_ORIGIN_REQUEST_POLICIES:
            raise Unsupported(f"origin request policy {spec.get('OriginRequestPolicyId')}")
        code = None
        for association in spec.get("FunctionAssociations", []):
            if association["EventType"] != "viewer-request":
                raise Unsupported(f"function event {association['EventType']}")
            function_id = association["FunctionARN"]["Fn::GetAtt"][0]
            code = self.resources[function_id]["Properties"]["FunctionCode"]
        if spec.get("LambdaFunctionAssociations"):
            raise Unsupported("Lambda@Edge")
        policy_id = spec["ResponseHeadersPolicyId"]["Ref"]
        policy = self.resolved(self.resources[policy_id]["Properties"])
        return Behavior(
            path_pattern=pattern,
            origin_kind=kind,
            allowed_methods=frozenset(spec.get("AllowedMethods", ["GET", "HEAD"])),
            viewer_request_code=code,
            headers_policy=policy["ResponseHeadersPolicyConfig"],
            origin_request_policy=spec.get("OriginRequestPolicyId"),
        )

    # -- the other components -----------------------------------------------------------
    def media_bucket(self) -> dict[str, Any]:
        """The media bucket's properties (the one bucket with a name of its own)."""
        [props] = [p for p in self.of_type("AWS::S3::Bucket").values() if p.get("BucketName")]
        return dict(self.resolved(props))

    def lambda_environment(self) -> dict[str, str]:
        [props] = [
            p
            for p in self.of_type("AWS::Lambda::Function").values()
            if "ImageConfig" in p or p.get("PackageType") == "Image"
        ]
        return dict(self.resolved(props["Environment"]["Variables"]))

    def lambda_batch_size(self) -> int:
        _, mapping = self.one("AWS::Lambda::EventSourceMapping")
        return int(mapping.get("BatchSize", 10))

    def backend_host_env(self) -> dict[str, str]:
        """The settings the host script writes to /etc/rdrive.env, as the instance gets them."""
        _, props = self.one("AWS::EC2::Instance")
        script = str(self.resolved(props["UserData"]))
        block = re.search(r"cat > /etc/rdrive\.env <<'ENV'\n(.*?)\nENV\n", script, re.S)
        if block is None:
            raise Unsupported("the host script writes no /etc/rdrive.env")
        return dict(line.split("=", 1) for line in block.group(1).splitlines() if line.strip())

    def backend_secret_env(self, secret: Mapping[str, str]) -> dict[str, str]:
        """The variables the host script derives from the backend secret's JSON fields."""
        _, props = self.one("AWS::EC2::Instance")
        script = str(self.resolved(props["UserData"]))
        pairs = re.findall(r'print\("(\w+)=" \+ s\["(\w+)"\]\)', script)
        if not pairs:
            raise Unsupported("the host script reads no secret fields")
        return {name: secret[key] for name, key in pairs}
