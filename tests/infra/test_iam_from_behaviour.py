"""IAM proven from behaviour: every AWS call the backend and the Lambda make on moto is allowed
by that component's role in the synthesized template, on the ARN it touched.

moto checks no permissions, so a role that lacks an action passes every other test and fails
on AWS: the processing role could not delete what the Lambda refused, so a refused upload was
kept. Here the components' real code runs a representative workload (iam_workload.py) while
botocore's client class records each call (aws_calls.py); each call becomes the IAM requests
AWS would check, and the role's statements, resolved from the template, decide them
(iam_policy.py). The coverage (actions seen, allowed, grants no call used) is printed and
kept in build/iam-coverage.txt; a grant no call uses must be one the platform uses (listed
below with why), or it is not needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from infra.config import ORIGINALS_PREFIX, DeployConfig
from rdrive_app.api import create_api
from rdrive_app.core.errors import NotFound
from rdrive_app.core.keys import original_key
from rdrive_app.entrypoints import lambda_handler
from rdrive_app.services.wiring import build_services
from rdrive_app.storage import Storage, build_storage, ensure_aws_resources
from tests.infra.aws_calls import MOTO_ACCOUNT, Call, iam_requests, recording
from tests.infra.conftest import REPO_ROOT, Synthesized
from tests.infra.iam_policy import (
    Decision,
    Names,
    Request,
    Statement,
    decide,
    resolve,
    role_statements,
)
from tests.infra.iam_workload import (
    JWT_SECRET,
    MULTIPART_THRESHOLD,
    Browser,
    EventSource,
    abandoned_uploads,
    app_settings,
    backend_after_processing,
    backend_uploads,
    env_file,
)

ARTIFACT = REPO_ROOT / "build" / "iam-coverage.txt"
BACKEND, PROCESSING = "backend", "processing"

# Grants no call of our code makes, because AWS or the host makes them with the role.
PLATFORM_GRANTS: dict[tuple[str, str], str] = {
    (BACKEND, "ecr:GetAuthorizationToken"): "the host script's docker login",
    (BACKEND, "ecr:BatchCheckLayerAvailability"): "the host's docker pull",
    (BACKEND, "ecr:GetDownloadUrlForLayer"): "the host's docker pull",
    (BACKEND, "ecr:BatchGetImage"): "the host's docker pull",
    (BACKEND, "secretsmanager:GetSecretValue"): "the host script reads the secret at start",
    (PROCESSING, "logs:CreateLogStream"): "the Lambda runtime writes the function's logs",
    (PROCESSING, "logs:PutLogEvents"): "the Lambda runtime writes the function's logs",
    (PROCESSING, "sqs:GetQueueAttributes"): "the event source mapping reads the queue",
    (PROCESSING, "sqs:ChangeMessageVisibility"): "the event source mapping's retries",
    (PROCESSING, "sqs:GetQueueUrl"): "part of CDK's consume grant for the event source",
}


@dataclass(frozen=True)
class Judged:
    call: Call
    request: Request
    decision: Decision


@dataclass(frozen=True)
class Run:
    """What the workload did, and each role's statements."""

    calls: list[Call]
    statements: dict[str, list[Statement]]
    refused: dict[str, str]  # label → item id of the uploads the Lambda refused
    storage: Storage

    def judged(self, component: str) -> list[Judged]:
        out = []
        for call in self.calls:
            if call.component == component:
                for request in iam_requests(call):
                    out.append(Judged(call, request, decide(self.statements[component], request)))
        return out


def _role_ids(synth: Synthesized) -> dict[str, str]:
    """The backend's role (its instance profile's) and the Lambda's (the function's)."""
    [profile] = synth.resources("AWS::IAM::InstanceProfile").values()
    [backend] = profile["Properties"]["Roles"]
    role = synth.one("AWS::Lambda::Function")["Role"]
    return {BACKEND: backend["Ref"], PROCESSING: role["Fn::GetAtt"][0]}


@pytest.fixture(scope="module")
def run(
    synth: Synthesized, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    config = DeployConfig()
    resources = synth.template["Resources"]
    # Every resource the roles name is called by its logical id on moto.
    names = Names(MOTO_ACCOUNT, config.region, physical={lid: lid for lid in resources})
    [(_, instance)] = synth.resources("AWS::EC2::Instance").items()
    host_script = resolve(instance["Properties"]["UserData"], names, resources)
    function = synth.one("AWS::Lambda::Function")
    lambda_env = resolve(function["Environment"]["Variables"], names, resources)
    [queue_id] = [
        k
        for k, v in synth.resources("AWS::SQS::Queue").items()
        if "RedrivePolicy" in v["Properties"]
    ]
    tmp = tmp_path_factory.mktemp("iam")
    settings = app_settings(
        env_file(host_script, "/etc/rdrive.env"),
        tmp / "backend",
        jwt_secret=JWT_SECRET,  # from the secret on AWS
        bcrypt_rounds=4,  # quick hashing
        multipart_threshold_bytes=MULTIPART_THRESHOLD,
    )
    assert (settings.bucket, settings.items_table) == (
        lambda_env["RDRIVE_BUCKET"],
        lambda_env["RDRIVE_ITEMS_TABLE"],
    )
    with pytest.MonkeyPatch.context() as mp:
        httpx.post(f"{moto_endpoint}/moto-api/reset").raise_for_status()
        mp.setenv("AWS_ENDPOINT_URL", moto_endpoint)
        ensure_aws_resources(settings)  # as the stack makes them (the harness's calls)
        source = EventSource.create(
            queue_id, settings.bucket, settings.aws_region, ORIGINALS_PREFIX
        )
        for key, value in lambda_env.items():
            mp.setenv(key, value)
        mp.setenv("RDRIVE_DATA_DIR", str(tmp / "lambda"))  # /tmp/rdrive in Lambda
        # The browser closed after its PUT: the handler completes without waiting for it.
        mp.setattr(lambda_handler, "COMPLETE_GRACE_S", 0.0)
        lambda_handler.runtime.cache_clear()
        with recording() as recorder:
            with recorder.acting_as(BACKEND):
                services = build_services(settings)
                browser = Browser(TestClient(create_api(services)))
                uploaded = backend_uploads(browser, services)
                refused = abandoned_uploads(browser, services)

            def invoke(event: dict[str, Any]) -> dict[str, Any]:
                with recorder.acting_as(PROCESSING):
                    return lambda_handler.handler(event, None)

            assert source.drain(recorder, invoke) >= 8
            with recorder.acting_as(BACKEND):
                backend_after_processing(browser, services, uploaded)
        lambda_handler.runtime.cache_clear()
        statements = {
            c: role_statements(synth.template, r, names) for c, r in _role_ids(synth).items()
        }
        yield Run(recorder.calls, statements, refused, build_storage(settings))


@pytest.mark.parametrize("component", [BACKEND, PROCESSING])
def test_every_call_is_allowed_by_the_components_role(run: Run, component: str) -> None:
    judged = run.judged(component)
    assert judged, f"the workload made no {component} calls"
    denied = sorted(
        {
            (j.request.action, j.request.resource, j.call.operation, j.decision.reason)
            for j in judged
            if not j.decision.allowed
        }
    )
    assert not denied, f"{component}'s role does not allow:\n" + "\n".join(map(str, denied))


def test_the_lambda_deletes_the_uploads_it_refuses(run: Run) -> None:
    """Each refusal (the Lambda completed the upload, then refused it) left nothing behind."""
    assert len(run.refused) == 5
    for label, item_id in run.refused.items():
        with pytest.raises(NotFound):
            run.storage.catalog.get_item(item_id)
        assert run.storage.blobs.size(original_key(item_id)) is None, label
    lambda_ops = {c.operation for c in run.calls if c.component == PROCESSING}
    assert {"DeleteObject", "AbortMultipartUpload", "ListParts"} <= lambda_ops


def test_no_grant_goes_unused(run: Run) -> None:
    """Least privilege, measured: a grant that no call used is the platform's, or removed."""
    report, unused = coverage(run)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(report)
    print(report)
    unexplained = [u for u in unused if (u[0], u[2]) not in PLATFORM_GRANTS]
    assert not unexplained, "grants no call used:\n" + "\n".join(map(str, unexplained))


def coverage(run: Run) -> tuple[str, list[tuple[str, str, str, str]]]:
    """The coverage table, and the unused (component, sid, action, resource) grants."""
    lines, unused = [], []
    for component, statements in run.statements.items():
        judged = run.judged(component)
        used: dict[tuple[str, str, str], int] = defaultdict(int)
        for j in judged:
            for st in j.decision.allowed_by:
                for action in st.actions:
                    for resource in st.resources:
                        single = Statement(st.sid, st.effect, (action,), (resource,), st.conditions)
                        if single.applies_to(j.request):
                            used[(st.sid, action, resource)] += 1
        seen = sorted({j.request.action for j in judged})
        allowed = sorted({j.request.action for j in judged if j.decision.allowed})
        lines += [
            f"== {component}: {len(seen)} actions seen, {len(allowed)} allowed, "
            f"{len(judged)} requests from {sum(c.component == component for c in run.calls)} calls"
        ]
        for action in seen:
            hits = [j for j in judged if j.request.action == action]
            ok = all(j.decision.allowed for j in hits)
            ops = ", ".join(
                sorted(
                    {j.call.operation + (" (presigned)" if j.call.presigned else "") for j in hits}
                )
            )
            lines.append(f"  {'allowed' if ok else 'DENIED '}  {action:34} {len(hits):4}x  {ops}")
        lines.append("  grants:")
        for st in statements:
            for action in st.actions:
                for resource in st.resources:
                    n = used.get((st.sid, action, resource), 0)
                    why = PLATFORM_GRANTS.get((component, action), "UNUSED") if n == 0 else f"{n}x"
                    lines.append(f"    {st.sid[:24]:24} {action:34} {_short(resource):44} {why}")
                    if n == 0:
                        unused.append((component, st.sid, action, resource))
    return "\n".join(lines) + "\n", unused


def _short(arn: str) -> str:
    return arn if len(arn) <= 44 else "…" + arn[-43:]


def test_the_workload_reached_what_it_meant_to(run: Run) -> None:
    """The workload must take the paths the coverage speaks for (else it proves nothing)."""
    ops = defaultdict(set)
    for call in run.calls:
        ops[call.component].add(call.operation + ("/presigned" if call.presigned else ""))
    want_backend = {
        "PutObject/presigned",
        "UploadPart/presigned",
        "GetObject/presigned",
        "CreateMultipartUpload",
        "ListParts",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
        "DeleteObject",
        "DeleteObjects",
        "ListObjectsV2",
        "HeadObject",
        "GetObject",
        "PutObject",
        "TransactWriteItems",
        "Query",
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Scan",
    }
    assert want_backend <= ops[BACKEND], want_backend - ops[BACKEND]
    want_lambda = {
        "GetObject",
        "HeadObject",
        "PutObject",
        "UpdateItem",
        "TransactWriteItems",  # a purge: the record deleted and its search tombstone put
        "DeleteObject",
        "ReceiveMessage",
        "DeleteMessage",
    }
    assert want_lambda <= ops[PROCESSING], want_lambda - ops[PROCESSING]
