"""WebDAV's own HTTPS endpoint (opt-in: ``DeployConfig.webdav_domain``): a small TLS proxy host.

CloudFront forwards only GET, HEAD, OPTIONS, PUT, PATCH, POST and DELETE, so PROPFIND, PROPPATCH,
MKCOL, MOVE, COPY, LOCK and UNLOCK can never pass the distribution; WebDAV clients need another
way in. The shapes, per month at list prices (``python -m infra.cost``, ``webdav_shapes``):

- **ALB with an ACM certificate** ($24-30): $16.43 for the load balancer, two AZs and so two
  public IPv4 addresses ($7.30), LCUs. Path rules and a fixed 404 are native, but the backend
  would see the ALB's address for every client: the sign-in throttle would put all WebDAV
  clients in one bucket (a stranger's ten wrong app passwords lock everyone's WebDAV), and a
  client could write ``CloudFront-Viewer-Address`` itself. More than twice the whole budget.
- **NLB with a TLS listener and ACM** ($20-24): one AZ, one public IPv4 address, but it is layer
  4: no path restriction and no header it can set, so the whole backend port would be public.
- **An Elastic IP on the backend instance** ($3.65) with TLS on the host: the cheapest, but the
  instance would have to move into a subnet routed to the internet. CloudFront VPC origins are
  built for origins in private subnets, and the backend's port 8000 (the API, the throttle's
  trust in ``CloudFront-Viewer-Address``) would sit on a public host. A second network interface
  with the address cannot follow the instance: CloudFormation replaces the instance whenever its
  host script changes, and re-attaching the interface to the new one deadlocks.
- **API Gateway / Lambda function URLs**: 10 MB / 6 MB bodies and 30 s / 15 min limits; 5 GB
  ``PUT`` bodies cannot stream through them. **Lightsail** is outside the VPC.
- **A t4g.nano proxy host with an Elastic IP, Caddy terminating TLS** ($7.86, plus $0.09 per GB
  read back over WebDAV) **[chosen]**: the cheapest shape that keeps the backend exactly as
  private as it is. Caddy gets and renews a Let's Encrypt certificate by itself (TLS-ALPN-01 on
  443, so 443 is the only open port), passes every method, streams bodies of any size both ways
  with no timeout, serves only ``/dav/`` (404 otherwise; ``OPTIONS /``, which Windows'
  mini-redirector probes before it maps a drive, is answered by Caddy itself) and sets
  ``CloudFront-Viewer-Address`` to the real client's address, replacing whatever the client
  sent, so the throttle counts each client by its own address exactly as behind CloudFront. It
  reaches the backend by name (a private hosted zone: the backend's address changes whenever
  CloudFormation replaces it) on port 8000, the only port its security group may open inside
  the VPC.

The owner points an ``A`` record for the domain at the ``WebDavAddress`` output; until it
resolves, Caddy retries the certificate on its own.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, Fn
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_route53 as route53
from constructs import Construct

from infra.config import BACKEND_PORT, DeployConfig

PROXY_SCRIPT = Path(__file__).with_name("webdav_host.sh")
PROXY_INSTANCE_TYPE = "t4g.nano"
CADDY_IMAGE = "docker.io/library/caddy:2.10"  # the official image, Caddy 2.10
HTTPS_PORT = 443
DAV_PATHS = ("/dav", "/dav/*")
BACKEND_RECORD = "backend"


def private_zone_name(config: DeployConfig) -> str:
    """The private hosted zone that names the backend inside the VPC."""
    return f"{config.prefix}.internal"


def caddyfile(domain: str, upstream: str) -> str:
    """Caddy's configuration: TLS for ``domain``, ``/dav/`` to ``upstream``, 404 for the rest.

    No method matcher, no body limit (``request_body``), no timeouts: Caddy's defaults put no
    limit on either, so every WebDAV method passes and a 5 GB ``PUT`` streams to the backend.
    HTTP/3 stays off (it would need UDP 443); the HTTP challenge is off (no port 80).
    """
    return f"""{{
	admin off
	auto_https disable_redirects
	servers {{
		protocols h1 h2
	}}
}}

{domain} {{
	tls {{
		issuer acme {{
			disable_http_challenge
		}}
	}}
	@dav path {" ".join(DAV_PATHS)}
	handle @dav {{
		reverse_proxy {upstream} {{
			header_up CloudFront-Viewer-Address {{remote_host}}:{{remote_port}}
			header_up X-Forwarded-Proto https
			flush_interval -1
		}}
	}}
	@probe {{
		method OPTIONS
		path /
	}}
	handle @probe {{
		header DAV "1, 2"
		header MS-Author-Via DAV
		respond 200
	}}
	handle {{
		respond 404
	}}
}}
"""


class WebDavEndpoint(Construct):
    """Proxy host (public subnet, Elastic IP, only 443 in), and the backend's private name."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeployConfig,
        vpc: ec2.IVpc,
        backend_instance: ec2.Instance,
        backend_security_group: ec2.ISecurityGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        assert config.webdav_domain, "WebDavEndpoint needs DeployConfig.webdav_domain"
        self.domain = config.webdav_domain
        zone = route53.PrivateHostedZone(
            self,
            "Zone",
            vpc=vpc,
            zone_name=private_zone_name(config),
            comment="rDrive: the backend's name for the WebDAV proxy",
        )
        record = route53.ARecord(
            self,
            "BackendRecord",
            zone=zone,
            record_name=BACKEND_RECORD,
            target=route53.RecordTarget.from_ip_addresses(backend_instance.instance_private_ip),
            ttl=Duration.seconds(60),
        )
        upstream = f"{BACKEND_RECORD}.{private_zone_name(config)}:{BACKEND_PORT}"

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="rDrive WebDAV proxy: 443 in; out only to the backend port and HTTPS",
            allow_all_outbound=False,
            allow_all_ipv6_outbound=False,
        )
        self.security_group.add_ingress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(HTTPS_PORT), "WebDAV clients (HTTPS only)"
        )
        self.security_group.add_egress_rule(
            backend_security_group,
            ec2.Port.tcp(BACKEND_PORT),
            "the backend's port, and nothing else inside the VPC",
            remote_rule=False,
        )
        for peer in (ec2.Peer.any_ipv4(), ec2.Peer.any_ipv6()):
            self.security_group.add_egress_rule(
                peer,
                ec2.Port.tcp(HTTPS_PORT),
                "Let's Encrypt (ACME), the Caddy image, the OS packages",
            )

        user_data = ec2.UserData.custom(
            Fn.sub(
                PROXY_SCRIPT.read_text(),
                {
                    "Caddyfile": caddyfile(self.domain, upstream),
                    "CaddyImage": CADDY_IMAGE,
                },
            )
        )
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            instance_type=ec2.InstanceType(PROXY_INSTANCE_TYPE),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(
                cpu_type=ec2.AmazonLinuxCpuType.ARM_64
            ),
            security_group=self.security_group,
            associate_public_ip_address=False,  # the Elastic IP below, stable across replacements
            user_data=user_data,
            user_data_causes_replacement=True,
            http_tokens=ec2.HttpTokens.REQUIRED,
            http_put_response_hop_limit=1,
            credit_specification=ec2.CpuCredits.STANDARD,
            detailed_monitoring=False,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        8, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
        )
        # Resolving the backend's name must work from the proxy's first start.
        self.instance.node.add_dependency(record)
        # An Elastic IP naming the instance is updated in place when the instance is replaced.
        self.address = ec2.CfnEIP(
            self, "Address", domain="vpc", instance_id=self.instance.instance_id
        )
