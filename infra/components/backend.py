"""The backend: the project's container on one small ARM instance that CloudFront reaches privately.

Why this shape (see README, "Deploying", and ``infra/cost.py``): Reflex keeps a WebSocket per
browser open, which rules out Lambda and App Runner. A load balancer alone costs more than the
whole budget, and any public IPv4 address adds $3.65 a month. So the instance sits in a subnet
with no IPv4 route to the internet and no public address; CloudFront reaches it through a VPC
origin (WebSockets included), S3 and DynamoDB through free gateway endpoints, and ECR and Secrets
Manager over IPv6 through an egress-only gateway. One worker, so no Redis is needed.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Aws, Fn, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.components.media import list_media_statement, media_objects_arn
from infra.config import BACKEND_PORT, ORIGINALS_PREFIX, THUMBS_PREFIX, DeployConfig

VPC_CIDR = "10.40.0.0/16"
HOST_SCRIPT = Path(__file__).with_name("backend_host.sh")

# The DynamoDB actions the storage layer's calls need, as measured (tests/infra/
# test_iam_from_behaviour.py records every call and checks it against these): the items table is
# read by key, written conditionally and in transactions (ConditionCheckItem: "the folder still
# exists"), listed (Query) and counted (Scan, `rdrive info`); its indexes are only queried. The
# users table has no index. pynamodb 6 takes the key schema from the model and never calls
# DescribeTable; no code path batches.
ITEMS_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
]
INDEX_ACTIONS = ["dynamodb:Query"]
USERS_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
]


def index_arns(table: dynamodb.Table) -> str:
    """Every index of ``table`` (a query on an index names the index's ARN)."""
    return f"{table.table_arn}/index/*"


def secret_arn_by_name(name: str) -> str:
    """A secret's ARN from its name (Secrets Manager appends six random characters)."""
    return f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}:secret:{name}-??????"


class BackendNetwork(Construct):
    """One AZ, dual stack: an empty public subnet (VPC origins need an internet gateway) and the
    app subnet, private for IPv4, with IPv6 egress only and gateway endpoints for S3/DynamoDB."""

    def __init__(self, scope: Construct, construct_id: str, *, flow_logs: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(VPC_CIDR),
            ip_protocol=ec2.IpProtocol.DUAL_STACK,
            max_azs=1,
            nat_gateways=0,
            restrict_default_security_group=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="edge", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=28
                ),
                ec2.SubnetConfiguration(
                    name="app", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
        )
        self.app_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        # A dual-stack Vpc creates an egress-only gateway but routes only public subnets.
        eigw = self.vpc.node.find_child("EIGW6")
        assert isinstance(eigw, ec2.CfnEgressOnlyInternetGateway)
        eigw_id = eigw.ref
        for i, subnet in enumerate(self.vpc.isolated_subnets):
            ec2.CfnRoute(
                self,
                f"Ipv6Egress{i}",
                route_table_id=subnet.route_table.route_table_id,
                destination_ipv6_cidr_block="::/0",
                egress_only_internet_gateway_id=eigw_id,
            )
        for name, service in (
            ("S3", ec2.GatewayVpcEndpointAwsService.S3),
            ("DynamoDB", ec2.GatewayVpcEndpointAwsService.DYNAMODB),
        ):
            self.vpc.add_gateway_endpoint(name, service=service, subnets=[self.app_subnets])
        self.vpc.add_flow_log(
            "FlowLogs",
            destination=ec2.FlowLogDestination.to_s3(flow_logs, "vpc-flow-logs/"),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )


class Backend(Construct):
    """ECR repository, least-privilege role, and the instance running ``rdrive-host start``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeployConfig,
        media_bucket_name: str,
        items: dynamodb.Table,
        users: dynamodb.Table,
        logs_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.network = BackendNetwork(self, "Network", flow_logs=logs_bucket)
        vpc = self.network.vpc

        self.repository = ecr.Repository(
            self,
            "Repository",
            image_scan_on_push=True,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=10)],
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="rDrive backend host: media keys, catalog tables, its secret, its image",
        )
        self._grant(config=config, bucket_name=media_bucket_name, items=items, users=users)

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="rDrive backend: port 8000 from inside the VPC (CloudFront VPC origin)",
            allow_all_outbound=True,
            allow_all_ipv6_outbound=True,
        )
        self.security_group.add_ingress_rule(
            ec2.Peer.ipv4(VPC_CIDR),
            ec2.Port.tcp(BACKEND_PORT),
            "CloudFront VPC origin ENIs live in this VPC",
        )

        user_data = ec2.UserData.custom(
            Fn.sub(
                HOST_SCRIPT.read_text(),
                {
                    "Bucket": media_bucket_name,
                    "ItemsTable": items.table_name,
                    "UsersTable": users.table_name,
                    "Repository": self.repository.repository_name,
                    "ImageTag": config.image_tag,
                    "SecretName": config.secret_name,
                },
            )
        )
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=vpc,
            vpc_subnets=self.network.app_subnets,
            instance_type=ec2.InstanceType(config.backend_instance_type),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(
                cpu_type=ec2.AmazonLinuxCpuType.ARM_64
            ),
            role=self.role,
            security_group=self.security_group,
            user_data=user_data,
            user_data_causes_replacement=True,
            ipv6_address_count=1,
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

    def _grant(
        self,
        *,
        config: DeployConfig,
        bucket_name: str,
        items: dynamodb.Table,
        users: dynamodb.Table,
    ) -> None:
        """Only what the backend does: sign uploads/downloads of originals, serve, render on
        demand (larger renditions) and delete thumbnails, use the two tables, read its secret,
        pull its image.

        The bucket and the secret are named by string, not by reference: both depend on the
        CloudFront distribution (CORS origin, site URL), which depends on this instance.
        """
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="Originals",
                actions=[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                resources=[media_objects_arn(bucket_name, ORIGINALS_PREFIX)],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="Thumbnails",
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[media_objects_arn(bucket_name, THUMBS_PREFIX)],
            )
        )
        self.role.add_to_policy(list_media_statement(bucket_name))
        for sid, actions, resource in (
            ("Items", ITEMS_ACTIONS, items.table_arn),
            ("ItemIndexes", INDEX_ACTIONS, index_arns(items)),
            ("Users", USERS_ACTIONS, users.table_arn),
        ):
            self.role.add_to_policy(
                iam.PolicyStatement(sid=sid, actions=actions, resources=[resource])
            )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="Secret",
                actions=["secretsmanager:GetSecretValue"],
                resources=[secret_arn_by_name(config.secret_name)],
            )
        )
        self.repository.grant_pull(self.role)
