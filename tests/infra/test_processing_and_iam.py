"""S3 → SQS → Lambda processing, and least-privilege IAM across the stack."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra.components import processing
from rdrive_app.core.settings import Settings
from rdrive_app.entrypoints import lambda_handler
from tests.infra.conftest import REPO_ROOT, Synthesized


def _queues(synth: Synthesized) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    queues = synth.resources("AWS::SQS::Queue")
    [(main_id, main)] = [(k, v) for k, v in queues.items() if "RedrivePolicy" in v["Properties"]]
    [(dlq_id, dlq)] = [(k, v) for k, v in queues.items() if k != main_id]
    return main_id, main["Properties"], dlq_id, dlq["Properties"]


def test_queue_has_a_dead_letter_queue_matching_the_handler(synth: Synthesized) -> None:
    _, main, dlq_id, dlq = _queues(synth)
    redrive = main["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
    # The handler's last attempt marks the item failed; SQS must not give up before it.
    assert redrive["maxReceiveCount"] == lambda_handler.MAX_ATTEMPTS
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
    fn = synth.one("AWS::Lambda::Function")
    assert main["VisibilityTimeout"] >= 6 * fn["Timeout"]


def test_lambda_is_sized_for_playback_renditions(synth: Synthesized) -> None:
    """The heaviest job is a rendition (README "Videos"): the most time Lambda allows, ~2.3
    vCPU, room in /tmp for the file being written, and a decoder limit inside the memory."""
    fn = synth.one("AWS::Lambda::Function")
    assert fn["Timeout"] == 900
    assert fn["MemorySize"] == 4096
    assert fn["EphemeralStorage"] == {"Size": 4096}
    decoder = int(fn["Environment"]["Variables"]["RDRIVE_DECODER_MEMORY_BYTES"])
    assert decoder + 512 * 1024**2 <= fn["MemorySize"] * 1024**2  # + the handler's own
    assert fn["Architectures"] == ["arm64"]
    assert fn["PackageType"] == "Image"
    env = fn["Environment"]["Variables"]
    assert float(env["RDRIVE_PROCESSING_TIMEOUT_S"]) < fn["Timeout"]
    mapping = synth.one("AWS::Lambda::EventSourceMapping")
    assert mapping["BatchSize"] == 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    main_id, *_ = _queues(synth)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [main_id, "Arn"]}


def test_lambda_image_runs_the_media_pipelines_handler() -> None:
    dockerfile = (REPO_ROOT / "infra/lambda/Dockerfile").read_text()
    [cmd] = re.findall(r'^CMD \["([\w.]+)"\]', dockerfile, re.M)
    module, _, name = cmd.rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))
    assert processing.MAX_RECEIVES == lambda_handler.MAX_ATTEMPTS


def test_app_settings_named_by_the_stack_exist(synth: Synthesized) -> None:
    fields = {f"RDRIVE_{name.upper()}" for name in Settings.model_fields}
    env = synth.one("AWS::Lambda::Function")["Environment"]["Variables"]
    host = Path(REPO_ROOT / "infra/components/backend_host.sh").read_text()
    named = set(env) | set(re.findall(r"^(RDRIVE_[A-Z_]+)=", host, re.M))
    named |= {"RDRIVE_JWT_SECRET", "RDRIVE_SITE_URL", "RDRIVE_API_URL"}  # from the secret
    # RDRIVE_PROCESSING=events (no in-process processing on AWS) is the app's next setting.
    assert named - fields <= {"RDRIVE_PROCESSING"}


def _statements(synth: Synthesized) -> Iterator[tuple[str, dict[str, Any]]]:
    for logical_id, res in synth.template["Resources"].items():
        props = res.get("Properties", {})
        docs = [props.get("PolicyDocument")] + [
            p["PolicyDocument"] for p in props.get("Policies", [])
        ]
        for doc in filter(None, docs):
            for st in doc["Statement"]:
                yield logical_id, st


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_allow_statement_has_a_wildcard_action(synth: Synthesized) -> None:
    for logical_id, st in _statements(synth):
        if st["Effect"] != "Allow":
            continue  # the TLS-only Deny statements cover every action on purpose
        for action in _as_list(st["Action"]):
            assert action != "*" and not action.endswith(":*"), (logical_id, action)


def test_object_access_is_scoped_to_the_key_prefixes(synth: Synthesized) -> None:
    roles = [
        k
        for k, v in synth.resources("AWS::IAM::Policy").items()
        if "Backend" in k or "Processing" in k
    ]
    assert len(roles) == 2
    for logical_id, st in _statements(synth):
        if logical_id not in roles:
            continue
        actions = _as_list(st["Action"])
        if not any(a.startswith("s3:") for a in actions):
            continue
        for resource in _as_list(st["Resource"]):
            text = json.dumps(resource)
            if actions == ["s3:ListBucket"] and "Processing" in logical_id:
                assert st["Condition"] == {"StringLike": {"s3:prefix": ["thumbs/*"]}}
            elif actions == ["s3:ListBucket"]:
                assert st["Condition"]["StringLikeIfExists"]["s3:prefix"] == [
                    "originals/*",
                    "thumbs/*",
                ]
            else:
                assert re.search(r'/(originals|thumbs)/\*"', text), (logical_id, text)


def test_processing_role_cannot_touch_users_or_list_originals(
    synth: Synthesized,
) -> None:
    """It purges what it refuses (the original, its record) and a Live Photo's video half taken
    into its still (its derived files, listed by their prefix): no users table, no listing of
    originals (test_iam_from_behaviour.py proves the rest)."""
    [policy] = [
        v["Properties"]["PolicyDocument"]
        for k, v in synth.resources("AWS::IAM::Policy").items()
        if k.startswith("ProcessingRole")
    ]
    assert "CatalogUsersTable" not in json.dumps(policy)
    for st in policy["Statement"]:
        actions, text = _as_list(st["Action"]), json.dumps(st["Resource"])
        if "s3:ListBucket" in actions:
            assert st["Condition"] == {"StringLike": {"s3:prefix": ["thumbs/*"]}}
        if "s3:DeleteObject" in actions:
            assert text.endswith(('/originals/*"]]}', '/thumbs/*"]]}')), text
        if "dynamodb:DeleteItem" in actions:
            assert st["Resource"] == {"Fn::GetAtt": [_items_table(synth), "Arn"]}


def _items_table(synth: Synthesized) -> str:
    env = synth.one("AWS::Lambda::Function")["Environment"]["Variables"]
    return str(env["RDRIVE_ITEMS_TABLE"]["Ref"])
