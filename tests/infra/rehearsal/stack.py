"""The rehearsal's deployment: the stack's resources made on moto, its components started here.

``Rehearsal`` stands up, from the synthesized template: the media bucket (by the setup command the
README documents, then checked against the template's own bucket), the tables, the processing
queue with the bucket's notification, the Lambda stand-in, the backend (the Dockerfile's command
on the aws backend, with the host script's settings), and the CloudFront stand-in in front of the
exported site. Test-only departures from a deployment are listed in ``OVERRIDES``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from tests.infra.conftest import copy_app
from tests.infra.rehearsal.cloudfront import CloudFrontStandIn, Server
from tests.infra.rehearsal.processes import image_command, image_env, running
from tests.infra.rehearsal.template import Template

DISTRIBUTION_DOMAIN = "rehearsal.cloudfront.net"
ITEMS_TABLE = "rehearsal-items"
USERS_TABLE = "rehearsal-users"
QUEUE = "rehearsal-processing"
PASSWORD = "rehearsal password 1"
# What differs from a deployment, and why: fast password hashing for the test; smaller parts so a
# test-sized video goes in parts (moto accepts small parts, see tests/conftest.py).
OVERRIDES = {
    "RDRIVE_BCRYPT_ROUNDS": "4",
    "RDRIVE_MULTIPART_THRESHOLD_BYTES": str(5 * 1024 * 1024),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Rehearsal:
    site: str  # the stand-in's origin, what a viewer types
    standin: CloudFrontStandIn
    template: Template
    bucket: str
    env: dict[str, str]  # the backend's environment
    app_dir: Path

    def rdrive(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """The ``rdrive`` CLI with the backend's settings (an operator on the instance)."""
        return subprocess.run(
            [sys.executable, "-m", "rdrive_app", *args],
            input=stdin,
            text=True,
            capture_output=True,
            env=self.env,
            cwd=self.app_dir,
            check=False,
        )


def _aws_env(moto: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def notification_config(bucket_props: dict[str, Any]) -> dict[str, Any]:
    """The bucket's NotificationConfiguration, from CloudFormation's shape to the S3 API's."""
    queues = []
    for q in bucket_props["NotificationConfiguration"]["QueueConfigurations"]:
        rules = [
            {"Name": r["Name"], "Value": r["Value"]}
            for r in q.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        ]
        queues.append(
            {
                "QueueArn": q["Queue"],
                "Events": [q["Event"]],
                "Filter": {"Key": {"FilterRules": rules}},
            }
        )
    return {"QueueConfigurations": queues}


@contextlib.contextmanager
def rehearse(
    template_json: dict[str, Any], site_dir: Path, site: str, moto: str, work: Path
) -> Iterator[Rehearsal]:
    """Stand the deployment up (see the module docstring); tear it down afterwards."""
    region = "us-east-1"
    moto_port = int(moto.rsplit(":", 1)[1])
    # The endpoint by name, so presigned URLs have the virtual-hosted shape (<bucket>.localhost).
    moto_by_name = f"http://localhost:{moto_port}"
    aws = _aws_env(moto_by_name)
    sqs = boto3.client("sqs", endpoint_url=moto, region_name=region)
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    refs = _stand_in_refs(template_json, queue_arn)
    template = Template(template_json, region, refs)
    bucket_props = template.media_bucket()
    bucket = bucket_props["BucketName"]
    host_map = {
        f"https://{bucket}.s3.{region}.amazonaws.com": f"http://{bucket}.localhost:{moto_port}",
        f"https://{bucket}.s3.amazonaws.com": f"http://{bucket}.localhost:{moto_port}",
        f"https://{DISTRIBUTION_DOMAIN}": site,
    }

    host_env = template.backend_host_env()
    env = {
        **image_env(),
        **host_env,
        **template.backend_secret_env({"jwt_secret": secrets.token_urlsafe(48), "site_url": site}),
        **aws,
        **OVERRIDES,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(work),
        "RDRIVE_DATA_DIR": str(work / "backend-data"),
    }
    setup = subprocess.run(
        [sys.executable, "-m", "rdrive_app", "aws", "setup"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if setup.returncode != 0:  # until the setup command exists: the same function it runs
        from rdrive_app.core.settings import load_settings
        from rdrive_app.storage import ensure_aws_resources

        saved = dict(os.environ)
        os.environ.update(env)
        try:
            ensure_aws_resources(load_settings())
        finally:
            os.environ.clear()
            os.environ.update(saved)
    s3 = boto3.client("s3", endpoint_url=moto, region_name=region)
    assert_bucket_as_the_stack_makes_it(s3, bucket, bucket_props, host_map)
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=notification_config(bucket_props)
    )

    lambda_env = {
        **template.lambda_environment(),
        **aws,
        "PATH": env["PATH"],
        "HOME": str(work),
        "RDRIVE_DATA_DIR": str(work / "lambda-tmp"),  # the function's own /tmp
    }
    backend_port = free_port()
    backend_app = copy_app(work / "backend-app")
    standin = CloudFrontStandIn(
        template.distribution(), site_dir, f"127.0.0.1:{backend_port}", host_map
    )
    with (
        running(
            [
                sys.executable,
                "-m",
                "tests.infra.rehearsal.lambda_runner",
                queue_url,
                str(template.lambda_batch_size()),
            ],
            cwd=Path(__file__).resolve().parents[3],
            env={**lambda_env, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
            log=work / "lambda.log",
        ),
        running(
            image_command("127.0.0.1", backend_port),
            cwd=backend_app,
            env=env,
            log=work / "backend.log",
            ready_url=f"http://127.0.0.1:{backend_port}/ping",
        ),
        Server(standin, int(site.rsplit(":", 1)[1])),
    ):
        try:
            yield Rehearsal(site, standin, template, bucket, env, backend_app)
        finally:
            standin.close()


def assert_bucket_as_the_stack_makes_it(
    s3: Any, bucket: str, props: dict[str, Any], host_map: dict[str, str]
) -> None:
    """The setup command's bucket has the template's CORS (the site's origin only), Block Public
    Access and abort-incomplete-multipart rule."""
    cors = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    [want] = props["CorsConfiguration"]["CorsRules"]
    origins = [host_map.get(o, o) for o in want["AllowedOrigins"]]
    assert [rule["AllowedOrigins"] for rule in cors] == [origins], cors
    assert all(set(want["AllowedMethods"]) <= set(rule["AllowedMethods"]) for rule in cors)
    assert all("ETag" in rule.get("ExposeHeaders", []) for rule in cors)
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == props["PublicAccessBlockConfiguration"], block
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    days = [r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] for r in rules
            if "AbortIncompleteMultipartUpload" in r]  # fmt: skip
    [want_days] = [r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
                   for r in props["LifecycleConfiguration"]["Rules"]
                   if "AbortIncompleteMultipartUpload" in r]  # fmt: skip
    assert days == [want_days], rules


def _stand_in_refs(template_json: dict[str, Any], queue_arn: str) -> dict[str, str]:
    """What stands in for each resource the rehearsal reads a reference to."""
    refs: dict[str, str] = {}
    for logical_id, resource in template_json["Resources"].items():
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            refs[logical_id] = ITEMS_TABLE if "Items" in logical_id else USERS_TABLE
        elif kind == "AWS::SQS::Queue" and "DeadLetter" not in logical_id:
            refs[f"{logical_id}.Arn"] = queue_arn
        elif kind == "AWS::CloudFront::Distribution":
            refs[f"{logical_id}.DomainName"] = DISTRIBUTION_DOMAIN
        elif kind == "AWS::S3::Bucket":
            refs[logical_id] = f"rehearsal-{logical_id.lower()}"
        elif kind == "AWS::ECR::Repository":
            refs[logical_id] = "rehearsal-backend"
    return refs
