"""Media processing on AWS: S3 object-created events under originals/ → SQS → Lambda.

The queue sits between S3 and Lambda so that a failed or slow item is retried with backoff and,
after ``MAX_RECEIVES`` tries, parked in a dead-letter queue instead of being lost. The Lambda
runs ``rdrive_app.entrypoints.lambda_handler.handler``, the same pipeline the local backend runs
in-process.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Aws, Duration, IgnoreMode, RemovalPolicy, Size
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.backend import INDEX_ACTIONS, index_arns
from infra.components.media import media_objects_arn
from infra.config import ORIGINALS_PREFIX, THUMBS_PREFIX, DeployConfig

REPO_ROOT = Path(__file__).resolve().parents[2]

# Sized for playback renditions, the heaviest job (bench/transcode.py, README "Videos"): a
# minute of 1080p HEVC takes ~48 CPU-seconds and of 4K ~85 on clean test clips (say ×3 for
# real phone footage); 4 GB buys ~2.3 vCPU, so 15 minutes make a rendition of ~13 minutes of
# 1080p or ~7 minutes of 4K at that margin. A longer one stops at the deadline the handler
# derives from the context, and the item is ready with the reason (the original still
# downloads, and Safari plays it). Photos and posters need far less (a 4K frame is ~50 MB).
MEMORY_MB = 4096
TIMEOUT = Duration.minutes(15)
# /tmp holds the rendition while it is written (H.264 at 1080 px: ~40 MB a minute).
EPHEMERAL_MB = 4096
PROCESSING_TIMEOUT_S = 240
# Deliveries before a message goes to the dead-letter queue; equal to the handler's
# MAX_ATTEMPTS, whose last attempt marks the item failed instead of asking for a retry.
MAX_RECEIVES = 3
# What the pipeline does, as measured (tests/infra/test_iam_from_behaviour.py): find the item
# by id (a by_id index query, then GetItem), mark it processing / ready / failed (conditional
# updates), and, for an upload it completes itself and refuses (wrong size, not media, polyglot,
# pixel bomb), purge its record (DeleteItem) and delete its bytes and parts. It never lists the
# bucket's originals: a HEAD of a missing original answers 403 instead of 404, a storage error
# that is retried and then recorded on the item. A Live Photo's halves joined (the still takes
# in the video: services/live_photos.py) read, list and delete the video's derived files.
# A purge leaves a tombstone in the search's change log in the same transaction (PutItem;
# storage/aws/search.py), so another process's search index drops the item.
ITEM_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
]
ORIGINALS_ACTIONS = [
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
]
# Derived files: thumbnails, posters and playback renditions written; a Live Photo's video
# half and its rendition read and copied under the still, then its own ones deleted.
DERIVED_ACTIONS = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
# Lambda's guidance: visibility at least six times the function timeout.
VISIBILITY = Duration.minutes(90)

# What the Lambda image build may see (dockerignore syntax, relative to the repository root).
IMAGE_CONTEXT_EXCLUDES = [
    "*",
    "!rdrive_app",
    "!requirements.txt",
    "!infra/lambda",
    "**/__pycache__",
    "**/*.pyc",
]


class Processing(Construct):
    """Queue + dead-letter queue + the processing function + the bucket's event wiring."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeployConfig,
        bucket: s3.Bucket,
        bucket_name: str,
        items: dynamodb.Table,
        users: dynamodb.Table,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            visibility_timeout=VISIBILITY,
            retention_period=Duration.days(4),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letters, max_receive_count=MAX_RECEIVES
            ),
        )
        self._wire_bucket(bucket, bucket_name)

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=(
                "rDrive media processing: read originals (delete refused ones), write "
                "thumbnails, update items"
            ),
        )
        self.function = lambda_.DockerImageFunction(
            self,
            "Function",
            description="rDrive: thumbnails, poster frames and metadata for new uploads",
            code=lambda_.DockerImageCode.from_image_asset(
                str(REPO_ROOT),
                file="infra/lambda/Dockerfile",
                platform=ecr_assets.Platform.LINUX_ARM64,
                exclude=IMAGE_CONTEXT_EXCLUDES,
                ignore_mode=IgnoreMode.DOCKER,
            ),
            architecture=lambda_.Architecture.ARM_64,
            memory_size=MEMORY_MB,
            timeout=TIMEOUT,
            ephemeral_storage_size=Size.mebibytes(EPHEMERAL_MB),
            role=self.role,
            log_group=self.log_group,
            environment={
                "RDRIVE_BACKEND": "aws",
                "RDRIVE_BUCKET": bucket_name,
                "RDRIVE_ITEMS_TABLE": items.table_name,
                "RDRIVE_USERS_TABLE": users.table_name,
                "RDRIVE_AWS_REGION": Aws.REGION,
                # /tmp is the only writable path in Lambda; the pipeline keeps no files there.
                "RDRIVE_DATA_DIR": "/tmp/rdrive",  # noqa: S108
                "RDRIVE_PROCESSING_TIMEOUT_S": str(PROCESSING_TIMEOUT_S),
                # One item per invocation, so one decoding sandbox (a child process) is enough.
                "RDRIVE_PROCESSING_WORKERS": "1",
                # The decoder child's address-space limit: with the handler's own ~0.3 GiB it
                # stays inside MEMORY_MB (a 100 MP photo needs about 0.75 GiB, a 4K rendition's
                # threads and frames about 0.35 GiB resident, more in address space).
                "RDRIVE_DECODER_MEMORY_BYTES": str(3 * 1024**3),
            },
        )
        self._grant(bucket_name=bucket_name, items=items)
        self.function.add_event_source(
            # One upload per invocation (a video can use the whole timeout); at most two at a
            # time, which keeps DynamoDB and S3 bursts small without reserving concurrency.
            sources.SqsEventSource(
                self.queue,
                batch_size=1,
                max_concurrency=2,
                report_batch_item_failures=True,
            )
        )

    def _wire_bucket(self, bucket: s3.Bucket, bucket_name: str) -> None:
        """S3 → SQS for keys under originals/, written on the bucket itself.

        CDK's ``add_event_notification`` would add a custom-resource Lambda; the bucket's
        predictable name lets the queue policy name it without a reference, which breaks the
        bucket → queue policy → bucket cycle, and the bucket waits for the policy.
        """
        bucket_arn = f"arn:{Aws.PARTITION}:s3:::{bucket_name}"
        self.queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="MediaBucketEvents",
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": bucket_arn},
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                },
            )
        )
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=self.queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[
                                s3.CfnBucket.FilterRuleProperty(
                                    name="prefix", value=ORIGINALS_PREFIX
                                )
                            ]
                        )
                    ),
                )
            ]
        )
        policy = self.queue.node.try_find_child("Policy")
        assert policy is not None
        # S3 checks that it may send to the queue when the notification is configured.
        cfn_bucket.node.add_dependency(policy)

    def _grant(self, *, bucket_name: str, items: dynamodb.Table) -> None:
        """Read originals (ranged GETs, hashing) and delete refused ones, write thumbnails and
        posters, update (or, when refused, purge) the item."""
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="Originals",
                actions=ORIGINALS_ACTIONS,
                resources=[media_objects_arn(bucket_name, ORIGINALS_PREFIX)],
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="DerivedFiles",
                actions=DERIVED_ACTIONS,
                resources=[media_objects_arn(bucket_name, THUMBS_PREFIX)],
            )
        )
        # Listing one item's derived files only (a Live Photo's video half, taken into its
        # still, has its own removed); a HEAD of a missing original still answers 403.
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="ListDerivedFiles",
                actions=["s3:ListBucket"],
                resources=[f"arn:{Aws.PARTITION}:s3:::{bucket_name}"],
                conditions={"StringLike": {"s3:prefix": [f"{THUMBS_PREFIX}*"]}},
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(sid="Items", actions=ITEM_ACTIONS, resources=[items.table_arn])
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="ItemIndexes", actions=INDEX_ACTIONS, resources=[index_arns(items)]
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="Logs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[f"{self.log_group.log_group_arn}"],
            )
        )
