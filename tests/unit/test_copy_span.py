"""Spans of a file copied into the local store's writers: in the kernel, the plain way where
the kernel cannot, and never short."""

from __future__ import annotations

from pathlib import Path

import pytest

from rdrive_app.core.errors import TooLarge
from rdrive_app.storage.local import files
from rdrive_app.storage.local.files import AtomicWriter

DATA = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture(params=[True, False], ids=["kernel", "plain"])
def kernel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(files, "KERNEL_COPIES", request.param)
    return bool(request.param)


@pytest.mark.parametrize("digest", [False, True], ids=["token", "md5"])
def test_a_span_is_copied_exactly(tmp_path: Path, kernel: bool, digest: bool) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(DATA)
    with AtomicWriter(tmp_path / "out.bin", digest=digest) as writer:
        writer.write(b"head")
        writer.append_file(source, 1000, 300_000)
        writer.write(b"tail")
        writer.commit()
    assert (tmp_path / "out.bin").read_bytes() == b"head" + DATA[1000:301_000] + b"tail"
    assert writer.size == 300_008


def test_a_file_shorter_than_the_span_is_refused(tmp_path: Path, kernel: bool) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(DATA[:1000])
    with AtomicWriter(tmp_path / "out.bin") as writer, pytest.raises(OSError, match="short"):
        writer.append_file(source, 0, 2000)
    assert not (tmp_path / "out.bin").exists()


def test_the_limit_holds_for_a_copied_span(tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(DATA)
    with AtomicWriter(tmp_path / "out.bin", limit=1000) as writer, pytest.raises(TooLarge):
        writer.append_file(source)
