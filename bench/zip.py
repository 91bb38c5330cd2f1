"""ZIP downloads: ~1 GB of files through the app's /api/media/download, against `cat`.

Run: ``python -m bench.zip`` (part of ``make bench``). Options: ``--files N``, ``--file-mb N``.

* speed: the streamed ZIP of the items, read by ``curl -o /dev/null``, against
  ``cat FILES | cat > /dev/null`` (goal >= 0.5x); time to first byte is shown too;
* memory: the app's peak RSS growth while it streams (goal < 100 MB);
* ZIP64: a 4.5 GiB entry (zeros, never on disk) streamed by DownloadService is written out
  sparsely and opened with ``zipfile``: the sizes must read back right.
"""

from __future__ import annotations

import argparse
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from bench.common import (
    GIB,
    MIB,
    App,
    Figure,
    RssWatch,
    at_least,
    at_most,
    make_video,
    report,
    scratch,
)
from bench.range import cat_s, curl_s
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.services.downloads import DownloadService
from rdrive_app.storage import Storage


def add_items(app: App, paths: list[Path]) -> list[str]:
    """Catalog records (ready) for blobs already in the data dir, as processing leaves them."""
    from rdrive_app.storage.local.catalog import SQLiteCatalog

    catalog = SQLiteCatalog(Path(app.env["RDRIVE_DATA_DIR"]) / "catalog.sqlite3")
    ids = []
    for path in paths:
        item = MediaItem(
            id=path.name,
            folder="/",
            name=f"{path.name}.mp4",
            kind=Kind.VIDEO,
            content_type="video/mp4",
            size=path.stat().st_size,
            uploaded_by="bench",
            status=Status.READY,
        )
        ids.append(catalog.add_item(item).id)
    catalog.close()
    return ids


def first_byte_s(url: str, headers: dict[str, str]) -> float:
    import httpx

    t0 = time.perf_counter()
    with httpx.stream("GET", url, headers=headers, timeout=60) as resp:
        resp.raise_for_status()
        next(resp.iter_raw(65536))
        return time.perf_counter() - t0


def run(files: int = 8, file_mb: int = 128) -> list[Figure]:
    with scratch("zip") as tmp:
        blob_dir = tmp / "data" / "blobs" / "objects" / "originals"
        blob_dir.mkdir(parents=True)
        paths = [make_video(blob_dir / new_id(), file_mb * MIB) for _ in range(files)]
        total = files * file_mb * MIB
        with App(tmp / "data") as app:
            ids = add_items(app, paths)
            url = f"{app.url}/api/media/download?ids={','.join(ids)}"
            ttfb = first_byte_s(url, app.auth)
            cat_s(paths)  # warm the page cache for both
            with RssWatch(app.pid) as watch:
                zip_s, got = curl_s(url, app.auth)
            baseline_s = cat_s(paths)
    assert got > total
    return [
        at_least(
            f"ZIP of {total / GIB:.1f} GiB (curl) vs cat|cat",
            baseline_s / zip_s,
            0.5,
            f"cat {total / 1e9 / baseline_s:.2f} GB/s, zip {got / 1e9 / zip_s:.2f} GB/s, "
            f"first byte {ttfb * 1000:.0f} ms",
        ),
        at_most("app RSS growth (MB) while zipping", watch.growth_mb, 100),
        zip64_check(),
    ]


class _Zeros:
    """A blob store whose every blob is zeros (for the ZIP64 check, nothing on disk)."""

    def __init__(self, size: int) -> None:
        self._size = size

    def iter_chunks(self, key: str, chunk_size: int = MIB) -> Iterator[bytes]:
        block = bytes(4 * MIB)
        left = self._size
        while left > 0:
            yield block[: min(len(block), left)]
            left -= len(block)


class _OneItem:
    def __init__(self, item: MediaItem) -> None:
        self._item = item

    def get_item(self, item_id: str) -> MediaItem:
        return self._item


def zip64_check(size: int = 4 * GIB + GIB // 2) -> Figure:
    item = MediaItem(
        id=new_id(), folder="/", name="huge.mp4", kind=Kind.VIDEO, content_type="video/mp4",
        size=size, uploaded_by="bench", status=Status.READY,
    )  # fmt: skip
    storage = Storage(blobs=_Zeros(size), catalog=_OneItem(item))  # type: ignore[arg-type]
    download = DownloadService(storage).zip_items([item.id])
    t0 = time.perf_counter()
    with scratch("zip64") as tmp:
        out = tmp / "huge.zip"
        with out.open("wb") as f:
            for chunk in download.chunks:
                if f.tell() < MIB or f.tell() + len(chunk) > download.length - MIB:
                    f.write(chunk)
                else:
                    f.seek(len(chunk), 1)  # a hole: the zeros need not be written
            f.truncate()
        with zipfile.ZipFile(out) as zf:
            (info,) = zf.infolist()
            with zf.open(info) as member:
                head = member.read(16)
        ok = info.file_size == size and out.stat().st_size == download.length and head == bytes(16)
    secs = time.perf_counter() - t0
    return Figure(
        "ZIP64 entry of 4.5 GiB reads back (1 = yes)",
        float(ok),
        "= 1",
        ok,
        f"streamed in {secs:.1f} s, {download.length} bytes",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--file-mb", type=int, default=128)
    args = parser.parse_args(argv)
    figures = run(args.files, args.file_mb)
    return report(figures)


if __name__ == "__main__":
    raise SystemExit(main())
