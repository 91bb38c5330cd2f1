"""The deployed backend trusts CloudFront's viewer address, and only the deployed one does.

The stack's user data writes ``RDRIVE_TRUSTED_PROXY=cloudfront`` into the container's
environment; the image itself does not set it (the same image may run without CloudFront,
where the header would be the client's to write); and every backend path reaches the origin
with the managed policy that adds ``CloudFront-Viewer-Address`` to the origin request.
"""

from __future__ import annotations

import json
import re
from typing import Any

from infra.config import BACKEND_PATHS
from rdrive_app.core.settings import Settings, TrustedProxy
from tests.infra.conftest import REPO_ROOT, Synthesized

# AWS managed origin request policy "AllViewerExceptHostHeader": every viewer header but Host,
# plus CloudFront's own headers, CloudFront-Viewer-Address among them.
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _backend_env(synth: Synthesized) -> dict[str, str]:
    """The settings the host script writes to /etc/rdrive.env (``--env-file`` of the container)."""
    script = "".join(_strings(synth.one("AWS::EC2::Instance")["UserData"]))
    block = re.search(r"cat > /etc/rdrive\.env <<'ENV'\n(.*?)\nENV\n", script, re.S)
    assert block is not None, "the host script no longer writes /etc/rdrive.env"
    return dict(line.split("=", 1) for line in block.group(1).splitlines())


def test_the_stack_tells_the_backend_it_runs_behind_cloudfront(synth: Synthesized) -> None:
    env = _backend_env(synth)
    assert env["RDRIVE_TRUSTED_PROXY"] == "cloudfront"
    settings = Settings.model_validate({"trusted_proxy": env["RDRIVE_TRUSTED_PROXY"]})
    assert settings.trusted_proxy is TrustedProxy.CLOUDFRONT


def test_the_image_trusts_no_proxy_header_by_itself() -> None:
    assert "RDRIVE_TRUSTED_PROXY" not in (REPO_ROOT / "Dockerfile").read_text()
    assert Settings().trusted_proxy is TrustedProxy.NONE


def test_every_backend_path_forwards_the_viewer_address(synth: Synthesized) -> None:
    config = synth.one("AWS::CloudFront::Distribution")["DistributionConfig"]
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    for path in BACKEND_PATHS:
        assert behaviors[path]["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST, path
    assert json.dumps(config).count(ALL_VIEWER_EXCEPT_HOST) == len(BACKEND_PATHS)
