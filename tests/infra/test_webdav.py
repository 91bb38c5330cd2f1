"""WebDAV's own HTTPS endpoint (opt-in): absent by default; with ``webdav_domain`` a proxy host
with an Elastic IP, only 443 open, forwarding only /dav/ to the backend's port, every method."""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra.app import config_from_env
from infra.components.webdav import BACKEND_RECORD, CADDY_IMAGE, HTTPS_PORT, caddyfile
from infra.config import BACKEND_PATHS, BACKEND_PORT, DeployConfig
from infra.nag import WEBDAV_SUPPRESSIONS, active_suppressions
from tests.infra.cfn import from_mapping, resolve
from tests.infra.conftest import WEBDAV_DOMAIN, Synthesized

WEBDAV_METHODS = ("PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK")
WEBDAV_TYPES = ("AWS::EC2::EIP", "AWS::Route53::HostedZone", "AWS::Route53::RecordSet")


def _instances(synth: Synthesized) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    """(logical id, properties) of the backend instance and of the WebDAV proxy."""
    instances = synth.resources("AWS::EC2::Instance")
    [proxy_id] = [k for k in instances if k.startswith("WebDav")]
    [backend_id] = [k for k in instances if k.startswith("Backend")]
    return (
        backend_id,
        instances[backend_id]["Properties"],
        proxy_id,
        instances[proxy_id]["Properties"],
    )


def _user_data(props: dict[str, Any]) -> str:
    """The proxy's host script as the instance receives it (it names no other resource)."""
    text = resolve(props["UserData"], from_mapping({}))
    assert isinstance(text, str)
    return text


def _site_block(config: str) -> str:
    """The Caddyfile's one site block, for the WebDAV domain."""
    match = re.search(rf"^{re.escape(WEBDAV_DOMAIN)} \{{\n(.*)^\}}\n", config, re.S | re.M)
    assert match, config
    return match.group(1)


def _handlers(site: str) -> list[str]:
    """The site's top-level ``handle`` lines, in order (Caddy tries them in that order)."""
    return re.findall(r"^\thandle(?: (@\w+))? \{$", site, re.M)


def test_off_by_default_the_stack_has_no_webdav_endpoint(synth: Synthesized) -> None:
    assert DeployConfig().webdav_domain is None
    assert len(synth.resources("AWS::EC2::Instance")) == 1
    for kind in WEBDAV_TYPES:
        assert synth.resources(kind) == {}, kind
    assert not {"WebDavUrl", "WebDavAddress"} & set(synth.template["Outputs"])
    assert not set(WEBDAV_SUPPRESSIONS) & set(active_suppressions(synth.stack))


def test_cloudfront_never_carries_dav_it_cannot_pass_its_methods(
    synth_webdav: Synthesized,
) -> None:
    config = synth_webdav.one("AWS::CloudFront::Distribution")["DistributionConfig"]
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert sorted(patterns) == sorted(BACKEND_PATHS)
    assert not any(p.startswith("/dav") for p in patterns)
    for behavior in config["CacheBehaviors"]:
        assert not set(WEBDAV_METHODS) & set(behavior["AllowedMethods"])


def test_the_proxy_has_an_elastic_ip_and_only_443_open(synth_webdav: Synthesized) -> None:
    backend_id, backend, proxy_id, proxy = _instances(synth_webdav)
    [eip] = synth_webdav.resources("AWS::EC2::EIP").values()
    assert eip["Properties"]["InstanceId"] == {"Ref": proxy_id}  # never the backend
    [nic] = proxy["NetworkInterfaces"]
    assert nic["AssociatePublicIpAddress"] is False  # its only public address is the EIP
    public_subnet = nic["SubnetId"]["Ref"]
    assert "edgeSubnet" in public_subnet
    assert backend["SubnetId"]["Ref"] != public_subnet  # the backend stays where it was
    assert "NetworkInterfaces" not in backend
    assert proxy["InstanceType"] == "t4g.nano"
    assert proxy["MetadataOptions"]["HttpTokens"] == "required"
    assert all(m["Ebs"]["Encrypted"] for m in proxy["BlockDeviceMappings"])

    groups = synth_webdav.resources("AWS::EC2::SecurityGroup")
    [proxy_sg] = [k for k in groups if k.startswith("WebDav")]
    assert nic["GroupSet"] == [{"Fn::GetAtt": [proxy_sg, "GroupId"]}]
    sg = groups[proxy_sg]["Properties"]
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in sg["SecurityGroupIngress"]] == [
        ("tcp", HTTPS_PORT, HTTPS_PORT)
    ]
    ingress = [
        r for r in synth_webdav.resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [proxy_sg, "GroupId"]}
    ]  # fmt: skip
    assert ingress == []
    # Out: HTTPS (ACME, the image) and, inside the VPC, the backend's port on its group only.
    assert {(r["FromPort"], r["ToPort"]) for r in sg["SecurityGroupEgress"]} == {
        (HTTPS_PORT, HTTPS_PORT)
    }
    [to_backend] = [
        r["Properties"] for r in synth_webdav.resources("AWS::EC2::SecurityGroupEgress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [proxy_sg, "GroupId"]}
    ]  # fmt: skip
    [backend_sg] = [k for k in groups if k.startswith("Backend")]
    assert to_backend["DestinationSecurityGroupId"] == {"Fn::GetAtt": [backend_sg, "GroupId"]}
    assert (to_backend["FromPort"], to_backend["ToPort"]) == (BACKEND_PORT, BACKEND_PORT)
    # The backend's own exposure is unchanged: its port, from inside the VPC, nothing else.
    backend_rules = groups[backend_sg]["Properties"]["SecurityGroupIngress"]
    assert [(r["FromPort"], r.get("CidrIp")) for r in backend_rules] == [
        (BACKEND_PORT, "10.40.0.0/16")
    ]
    assert backend_id != proxy_id


def test_the_proxy_finds_the_backend_by_a_private_name(synth_webdav: Synthesized) -> None:
    backend_id, _, _, proxy = _instances(synth_webdav)
    zone_id, zone = next(iter(synth_webdav.resources("AWS::Route53::HostedZone").items()))
    [vpc] = synth_webdav.resources("AWS::EC2::VPC")
    assert zone["Properties"]["VPCs"][0]["VPCId"] == {"Ref": vpc}  # private to the stack's VPC
    [record] = synth_webdav.resources("AWS::Route53::RecordSet").values()
    props = record["Properties"]
    assert props["HostedZoneId"] == {"Ref": zone_id}
    assert props["Type"] == "A"
    assert props["ResourceRecords"] == [{"Fn::GetAtt": [backend_id, "PrivateIp"]}]
    name = props["Name"].rstrip(".")
    assert name == f"{BACKEND_RECORD}.rdrive.internal"
    assert f"reverse_proxy {name}:{BACKEND_PORT} " in _user_data(proxy)
    assert CADDY_IMAGE in _user_data(proxy)


def test_caddy_serves_only_dav_every_method_no_body_or_time_limit(
    synth_webdav: Synthesized,
) -> None:
    *_, proxy = _instances(synth_webdav)
    script = _user_data(proxy)
    block = re.search(r"<<'CADDY'\n(.*?)\nCADDY\n", script, re.S)
    assert block, "the host script no longer writes the Caddyfile"
    config = block.group(1)
    upstream = f"backend.rdrive.internal:{BACKEND_PORT}"
    assert config.strip() == caddyfile(WEBDAV_DOMAIN, upstream).strip()
    site = _site_block(config)
    # Only /dav and below reach the backend; OPTIONS / is answered by Caddy; the rest is a 404.
    assert _handlers(site) == ["@dav", "@probe", ""]
    assert re.search(r"^\t@dav path /dav /dav/\*$", site, re.M)
    assert site.count("reverse_proxy") == 1
    probe = site[site.index("handle @probe") :]
    assert "respond 200" in probe.split("}")[0]
    assert site.rstrip().endswith("handle {\n\t\trespond 404\n\t}")
    # No method matcher on the /dav route, no body size cap, no timeouts, no buffering.
    dav_matcher = re.search(r"^\t@dav .*$", site, re.M)
    assert dav_matcher and "method" not in dav_matcher.group(0)
    for limit in ("request_body", "max_size", "timeout", "request_buffers", "response_buffers"):
        assert limit not in config, limit
    assert "flush_interval -1" in site
    # The throttle's address is the client's own, whatever the client sent.
    assert "header_up CloudFront-Viewer-Address {remote_host}:{remote_port}" in site
    # Only 443: no HTTP challenge (port 80 is closed), no HTTP/3 (UDP 443 is closed).
    assert "disable_http_challenge" in site
    assert "protocols h1 h2" in config


def test_outputs_name_the_url_and_the_address_for_the_dns_record(
    synth_webdav: Synthesized,
) -> None:
    outputs = synth_webdav.template["Outputs"]
    assert outputs["WebDavUrl"]["Value"] == f"https://{WEBDAV_DOMAIN}/dav/"
    [eip_id] = synth_webdav.resources("AWS::EC2::EIP")
    assert outputs["WebDavAddress"]["Value"] == {"Ref": eip_id}
    assert WEBDAV_DOMAIN in outputs["WebDavAddress"]["Description"]
    assert set(WEBDAV_SUPPRESSIONS) <= set(active_suppressions(synth_webdav.stack))


def test_the_setting_comes_from_the_environment_and_is_checked() -> None:
    env = {"RDRIVE_DEPLOY_WEBDAV_DOMAIN": "dav.example.org"}
    config = config_from_env(env)
    assert config.webdav_domain == "dav.example.org"
    assert config.webdav_url == "https://dav.example.org/dav/"
    assert config_from_env({}).webdav_domain is None
    assert config_from_env({}).webdav_url is None
    for bad in ("https://dav.example.org", "dav.example.org/", "Dav.Example.org", "localhost"):
        with pytest.raises(ValueError, match="webdav_domain"):
            DeployConfig(webdav_domain=bad)
    with pytest.raises(ValueError, match="webdav_domain"):
        DeployConfig(
            domain_name="drive.example.org",
            certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/x",
            webdav_domain="drive.example.org",
        )
