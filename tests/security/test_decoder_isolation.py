"""Decoder children hold no secret and have a memory ceiling.

The backend's environment holds the JWT key, the Lambda's the AWS credentials; a decoder that a
crafted file takes over must find neither in its environment, and a file that makes a decoder
allocate without bound must fail that file, not the host. Both are read from the real child
(``/proc/<pid>``) that ``Sandbox`` starts, and the ceiling is hit through ``process_item``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.keys import original_key
from rdrive_app.core.settings import Settings
from rdrive_app.media.sandbox import DEFAULT_DECODER_MEMORY, Sandbox, shared_pool
from rdrive_app.services.processing import process_item
from rdrive_app.storage import Storage
from tests.security.support import PHOTO

local_only = pytest.mark.parametrize("storage_settings", ["local"], indirect=True)
MIB = 1024 * 1024

SECRETS = {
    "RDRIVE_JWT_SECRET": "jwt-secret-" + "s" * 40,
    "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE1234",
    "AWS_SECRET_ACCESS_KEY": "fake/secret/access/key/" + "x" * 17,
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEFAKE" + "t" * 60,
    "SOME_SERVICE_TOKEN": "another-secret-the-app-never-heard-of",
}


def _analyse(box: Sandbox, data: bytes) -> int | None:
    result = box.run(
        "analyse_image",
        len(data),
        lambda start, length: data[start : start + length],
        60,
        content_type="image/jpeg",
        max_pixels=10**8,
    )
    return result.info.width


def _proc(pid: int | None, name: str) -> str:
    assert pid is not None, "the child is not running"
    return Path(f"/proc/{pid}/{name}").read_text(errors="replace")


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox()
    yield sandbox
    sandbox.stop()


def test_a_decoder_child_inherits_no_secret(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LANG", "C.UTF-8")
    photo = PHOTO.read_bytes()
    assert _analyse(box, photo) == 100  # what it is left with is enough to decode
    raw = _proc(box.pid, "environ")
    child = dict(entry.split("=", 1) for entry in raw.split("\0") if "=" in entry)
    for name, value in SECRETS.items():
        assert name not in child
        assert value not in raw
    assert not [k for k in child if k.startswith(("AWS_", "RDRIVE_"))]
    assert child["LANG"] == "C.UTF-8"  # the allow-list still passes what decoders may read
    # a fresh interpreter (exec), not a fork: none of the parent's memory (settings) came along
    assert _proc(box.pid, "cmdline").split("\0")[1:4] == ["-P", "-m", "rdrive_app.media.sandbox"]


def test_the_child_runs_under_the_configured_address_space_limit() -> None:
    assert Settings().decoder_memory_bytes == DEFAULT_DECODER_MEMORY  # one default, two places
    box = Sandbox(memory_limit=768 * MIB)
    try:
        assert _analyse(box, PHOTO.read_bytes()) == 100  # started, and decodes under it
        [line] = [x for x in _proc(box.pid, "limits").splitlines() if "address space" in x]
        assert line.split()[3:5] == [str(768 * MIB), str(768 * MIB)]  # soft and hard
    finally:
        box.stop()


def _big_png(width: int, height: int) -> bytes:
    """A valid, plain PNG (within the pixel limit, so screening lets it in) that decodes to
    ``width`` × ``height`` × 4 bytes in Pillow; made row by row, never whole in memory here."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    packer, row = zlib.compressobj(9), b"\x00" + b"\x7f" * (3 * width)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _add(storage: Storage, name: str, data: bytes, content_type: str) -> MediaItem:
    item = MediaItem(
        id=new_id(),
        folder="/",
        name=name,
        kind=Kind.IMAGE,
        content_type=content_type,
        size=len(data),
        uploaded_by="ann",
        status=Status.PROCESSING,
    )
    storage.blobs.put(original_key(item.id), data, content_type)
    return storage.catalog.add_item(item)


@local_only
def test_a_decode_beyond_the_limit_fails_that_item_only(
    storage: Storage, storage_settings: Settings, box: Sandbox
) -> None:
    # The ceiling: what a child needs to decode a small photo, plus 160 MiB; the PNG below
    # decodes to 369 MB (more than twice that: the child's peak also counts what its scaling
    # threads reserved and gave back).
    assert _analyse(box, PHOTO.read_bytes()) == 100
    [peak] = [x for x in _proc(box.pid, "status").splitlines() if x.startswith("VmPeak:")]
    limit = int(peak.split()[1]) * 1024 + 160 * MIB
    settings = storage_settings.model_copy(
        update={"decoder_memory_bytes": limit, "processing_workers": 1}
    )
    big = _add(storage, "big.png", _big_png(9600, 9600), "image/png")
    small = _add(storage, "small.jpg", PHOTO.read_bytes(), "image/jpeg")
    try:
        failed = process_item(storage, settings, big.id)
        assert failed.status == Status.FAILED
        assert failed.status_reason == "the image needs more memory than allowed"
        assert process_item(storage, settings, small.id).status == Status.READY  # it goes on
    finally:
        shared_pool("processing", 1, limit).close()
