"""CloudFront (OAC, headers, backend routing) and the backend instance's exposure."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

from infra.components.site import URI_REWRITE
from infra.config import BACKEND_PATHS, BACKEND_PORT
from tests.infra.conftest import Synthesized

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy id


def _distribution(synth: Synthesized) -> dict[str, Any]:
    return synth.one("AWS::CloudFront::Distribution")["DistributionConfig"]


def test_site_bucket_is_reached_through_origin_access_control(synth: Synthesized) -> None:
    oac = synth.one("AWS::CloudFront::OriginAccessControl")["OriginAccessControlConfig"]
    assert oac["OriginAccessControlOriginType"] == "s3"
    assert oac["SigningBehavior"] == "always"
    [s3_origin] = [o for o in _distribution(synth)["Origins"] if "S3OriginConfig" in o]
    assert "OriginAccessControlId" in s3_origin
    assert s3_origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    site_policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if any(
            st.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
            for st in p["Properties"]["PolicyDocument"]["Statement"]
        )
    )
    [grant] = [st for st in site_policy if st["Effect"] == "Allow"]
    assert grant["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in grant["Condition"]["StringEquals"]


def test_security_headers(synth: Synthesized) -> None:
    config = synth.one("AWS::CloudFront::ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    csp = json.dumps(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in csp
    assert "rdrive-media-" in csp  # uploads and media go to the media bucket's hosts only
    for behavior in [_distribution(synth)["DefaultCacheBehavior"], *_cache_behaviors(synth)]:
        assert "ResponseHeadersPolicyId" in behavior


def _cache_behaviors(synth: Synthesized) -> list[dict[str, Any]]:
    return _distribution(synth)["CacheBehaviors"]


def test_backend_paths_share_the_site_origin_uncached(synth: Synthesized) -> None:
    dist = _distribution(synth)
    [vpc_origin] = [o for o in dist["Origins"] if "VpcOriginConfig" in o]
    behaviors = {b["PathPattern"]: b for b in _cache_behaviors(synth)}
    assert set(behaviors) == set(BACKEND_PATHS)
    for behavior in behaviors.values():
        assert behavior["TargetOriginId"] == vpc_origin["Id"]
        assert behavior["CachePolicyId"] == CACHING_DISABLED
        assert behavior["ViewerProtocolPolicy"] == "https-only"
        assert {"POST", "PUT", "PATCH", "DELETE"} <= set(behavior["AllowedMethods"])
    endpoint = synth.one("AWS::CloudFront::VpcOrigin")["VpcOriginEndpointConfig"]
    assert endpoint["HTTPPort"] == BACKEND_PORT
    instance = next(iter(synth.resources("AWS::EC2::Instance")))
    assert {"Ref": instance} in endpoint["Arn"]["Fn::Join"][1]
    assert dist["DefaultRootObject"] == "index.html"
    assert dist["CustomErrorResponses"] == [
        {"ErrorCachingMinTTL": 10, "ErrorCode": 403, "ResponseCode": 404,
         "ResponsePagePath": "/404.html"}
    ]  # fmt: skip


def test_uri_rewrite_function_maps_routes_to_exported_pages() -> None:
    cases = {
        "/": "/",
        "/signin": "/signin.html",
        "/signin/": "/signin.html",
        "/folder": "/404.html",  # dynamic routes: the app shell, found (200)
        "/folder/a/b": "/404.html",
        "/folder/a.jpg": "/404.html",
        "/folders": "/folders.html",
        "/albums/0123abcd": "/404.html",  # one album (a bookmark)
        "/assets/app-123.js": "/assets/app-123.js",
        "/404.html": "/404.html",
    }
    script = URI_REWRITE + (
        "const cases = " + json.dumps(cases) + ";\n"
        "for (const [uri, want] of Object.entries(cases)) {\n"
        "  const got = handler({request: {uri}}).uri;\n"
        "  if (got !== want) { console.log(uri + ' -> ' + got); process.exitCode = 1; }\n"
        "}\n"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_backend_instance_is_private_and_hardened(synth: Synthesized) -> None:
    props = synth.one("AWS::EC2::Instance")
    assert props["MetadataOptions"]["HttpTokens"] == "required"
    assert all(m["Ebs"]["Encrypted"] for m in props["BlockDeviceMappings"])
    assert "NetworkInterfaces" not in props  # so no AssociatePublicIpAddress anywhere
    for subnet in synth.resources("AWS::EC2::Subnet").values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False
    [app_subnet] = [
        k for k, v in synth.resources("AWS::EC2::Subnet").items() if {"Ref": k} == props["SubnetId"]
    ]
    routes = [r["Properties"] for r in synth.resources("AWS::EC2::Route").values()]
    app_table = next(
        a["Properties"]["RouteTableId"]
        for a in synth.resources("AWS::EC2::SubnetRouteTableAssociation").values()
        if a["Properties"]["SubnetId"] == {"Ref": app_subnet}
    )
    app_routes = [r for r in routes if r["RouteTableId"] == app_table]
    assert app_routes == [
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": app_routes[0][
            "EgressOnlyInternetGatewayId"], "RouteTableId": app_table}
    ]  # fmt: skip
    [sg] = synth.resources("AWS::EC2::SecurityGroup").values()
    assert sg["Properties"]["SecurityGroupIngress"] == [
        {"CidrIp": "10.40.0.0/16", "Description": "CloudFront VPC origin ENIs live in this VPC",
         "FromPort": BACKEND_PORT, "IpProtocol": "tcp", "ToPort": BACKEND_PORT}
    ]  # fmt: skip
    endpoints = {
        json.dumps(e["Properties"]["ServiceName"])
        for e in synth.resources("AWS::EC2::VPCEndpoint").values()
    }
    assert any(".s3" in e for e in endpoints) and any(".dynamodb" in e for e in endpoints)


def test_host_script_reads_the_secret_by_name_and_bakes_no_secret(synth: Synthesized) -> None:
    user_data = json.dumps(synth.one("AWS::EC2::Instance")["UserData"])
    assert "RDRIVE_PROCESSING=events" in user_data
    assert "rdrive/backend" in user_data  # the secret's name, read at container start
    assert not re.search(r"RDRIVE_JWT_SECRET=[A-Za-z0-9]", user_data)
    secret = synth.one("AWS::SecretsManager::Secret")
    assert secret["Name"] == "rdrive/backend"
    assert secret["GenerateSecretString"]["GenerateStringKey"] == "jwt_secret"
    assert "SecretString" not in secret
