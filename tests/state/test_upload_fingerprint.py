"""The browser builds the same upload fingerprint as core.fingerprint.upload_fingerprint.

The script's ``uploadFingerprint`` runs in Node on sample files (long names, accents, emoji at
the length limit) and must give exactly what the one Python definition gives; and the script
puts it in every chosen file, where UploadState checks it.
"""

from __future__ import annotations

import pytest

from rdrive_app.core.fingerprint import MAX_FINGERPRINT_CHARS, upload_fingerprint
from tests.state.js_source import NODE, function_body, node_json, returned_object_keys, script

JS = script("rdrive_upload.js")
CASES = [
    ("IMG_0001.JPG", 4_182_003, 1_717_171_717_000),
    ("été à Nîmes.heic", 0, 0),
    ("clip.mp4", 314_572_800, 1),
    ("a|b|c.jpg", 12, 34),
    ("x" * 700, 5, 6),
    ("é" * 590 + "🌅🌅🌅🌅🌅🌅🌅🌅.jpg", 123_456, 1_600_000_000_123),  # astral plane at the limit
    ("🌅" * 650, 1, 2),
    ("", 0, 0),
]


def _run_in_node(cases: list[tuple[str, int, int]]) -> list[str]:
    program = (
        "const MAX_FINGERPRINT_CHARS = "
        + str(MAX_FINGERPRINT_CHARS)
        + ";\n"
        + function_body(JS, "uploadFingerprint")
        + "\nconst cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        + "\nprocess.stdout.write(JSON.stringify(cases.map((c) => uploadFingerprint(...c))));"
    )
    return node_json(program, stdin=cases)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_script_builds_the_python_fingerprint():
    assert _run_in_node(CASES) == [upload_fingerprint(*case) for case in CASES]


def test_the_script_limits_the_fingerprint_as_python_does():
    assert f"MAX_FINGERPRINT_CHARS = {MAX_FINGERPRINT_CHARS};" in JS


def test_every_chosen_file_carries_the_script_fingerprint():
    assert "fingerprint" in returned_object_keys(JS, "fileMeta")
    assert "fingerprint: uploadFingerprint(file.name, file.size, lastModified)" in JS
    assert JS.count("function uploadFingerprint") == 1
