"""ZIP downloads through the app's API, against a copy of the same bytes in the same run.

Run: ``python -m bench.zip`` (part of ``make bench``). Options: ``--files N``, ``--file-mb N``,
``--photos N``.

* big files: the streamed ZIP of 1 GiB of originals, read by ``curl -o /dev/null``, against
  ``cat FILES | cat > /dev/null`` (goal >= 0.8x); time to first byte is shown too;
* many small photos: the ZIP of a folder of 2 000 photos of 64 KiB (``/api/folders/download``)
  in files per second against ``tar -c`` of the same files piped to ``cat`` (goal >= 0.8x);
* memory: the app's peak RSS growth while it streams (goal < 100 MB);
* ZIP64: a 4.5 GiB entry (zeros, never on disk) streamed by DownloadService is written out
  sparsely and opened with ``zipfile``: the sizes must read back right.

The items carry the CRC-32 processing stores (services/processing.py ``digests``), so a ZIP is
a copy; "without stored CRC" shows what a library processed before that pays until the
backfill (or a first ZIP) stores them. Each contender keeps its best of three interleaved runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import zipfile
import zlib
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

ROUNDS = 3


def add_items(app: App, paths: list[Path], folder: str = "/", crc: bool = True) -> list[str]:
    """Catalog records (ready) for blobs already in the data dir, as processing leaves them."""
    from rdrive_app.storage.local.catalog import SQLiteCatalog

    catalog = SQLiteCatalog(Path(app.env["RDRIVE_DATA_DIR"]) / "catalog.sqlite3")
    if folder != "/":
        catalog.create_folder(folder)
    ids = []
    for path in paths:
        video = path.stat().st_size > MIB
        item = MediaItem(
            id=path.name,
            folder=folder,
            name=f"{path.name}.mp4" if video else f"{path.name}.jpg",
            kind=Kind.VIDEO if video else Kind.IMAGE,
            content_type="video/mp4" if video else "image/jpeg",
            size=path.stat().st_size,
            uploaded_by="bench",
            status=Status.READY,
            crc32=_crc_of(path) if crc else None,
        )
        ids.append(catalog.add_item(item).id)
    catalog.close()
    return ids


def _crc_of(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        while chunk := f.read(4 * MIB):
            crc = zlib.crc32(chunk, crc)
    return crc


def first_byte_s(url: str, headers: dict[str, str]) -> float:
    import httpx

    t0 = time.perf_counter()
    with httpx.stream("GET", url, headers=headers, timeout=60) as resp:
        resp.raise_for_status()
        next(resp.iter_raw(65536))
        return time.perf_counter() - t0


def tar_s(folder: Path) -> float:
    """Seconds for ``tar -c`` of a folder's files, piped to another process."""
    t0 = time.perf_counter()
    first = subprocess.Popen(["tar", "-c", "-C", str(folder), "."], stdout=subprocess.PIPE)
    subprocess.run(["cat"], stdin=first.stdout, stdout=subprocess.DEVNULL, check=True)
    assert first.stdout is not None
    first.stdout.close()
    first.wait()
    return time.perf_counter() - t0


def _best(runs: list[float]) -> float:
    return min(runs)


def big_files(tmp: Path, files: int, file_mb: int) -> list[Figure]:
    blob_dir = tmp / "data" / "blobs" / "objects" / "originals"
    blob_dir.mkdir(parents=True)
    paths = [make_video(blob_dir / new_id(), file_mb * MIB) for _ in range(files)]
    unstored = [make_video(blob_dir / new_id(), file_mb * MIB) for _ in range(files)]
    total = files * file_mb * MIB
    with App(tmp / "data") as app:
        ids = add_items(app, paths)
        old_ids = add_items(app, unstored, crc=False)
        url = f"{app.url}/api/media/download?ids={','.join(ids)}"
        ttfb = first_byte_s(url, app.auth)
        cat_s(paths)  # warm the page cache for both
        zips, cats = [], []
        with RssWatch(app.pid) as watch:
            for _ in range(ROUNDS):
                seconds, got = curl_s(url, app.auth)
                zips.append(seconds)
                cats.append(cat_s(paths))
        cat_s(unstored)
        old_url = f"{app.url}/api/media/download?ids={','.join(old_ids)}"
        old_s, _ = curl_s(old_url, app.auth)  # computes and stores the CRCs on the way
        cat_old_s = cat_s(unstored)
    assert got > total
    zip_s, baseline_s = _best(zips), _best(cats)
    return [
        at_least(
            f"ZIP of {total / GIB:.1f} GiB (curl) vs cat|cat",
            baseline_s / zip_s,
            0.8,
            f"cat {total / 1e9 / baseline_s:.2f} GB/s, zip {got / 1e9 / zip_s:.2f} GB/s, "
            f"first byte {ttfb * 1000:.0f} ms",
        ),
        Figure(
            "  the same without stored CRC (backfill pending)",
            cat_old_s / old_s,
            "info",
            True,
            f"zip {total / 1e9 / old_s:.2f} GB/s",
        ),
        at_most("app RSS growth (MB) while zipping", watch.growth_mb, 100),
    ]


def small_photos(tmp: Path, photos: int) -> Figure:
    blob_dir = tmp / "small" / "blobs" / "objects" / "originals"
    blob_dir.mkdir(parents=True)
    paths = []
    for _ in range(photos):
        path = blob_dir / new_id()
        path.write_bytes(os.urandom(64 * 1024))
        paths.append(path)
    with App(tmp / "small") as app:
        add_items(app, paths, folder="/Holiday")
        url = f"{app.url}/api/folders/download?path=/Holiday"
        tar_s(blob_dir)  # warm
        zips, tars = [], []
        for _ in range(ROUNDS):
            zips.append(curl_s(url, app.auth)[0])
            tars.append(tar_s(blob_dir))
    zip_s, baseline_s = _best(zips), _best(tars)
    return at_least(
        f"ZIP of a folder of {photos} photos vs tar -c",
        baseline_s / zip_s,
        0.8,
        f"tar {photos / baseline_s:.0f} files/s, zip {photos / zip_s:.0f} files/s",
    )


def run(files: int = 8, file_mb: int = 128, photos: int = 2000) -> list[Figure]:
    with scratch("zip") as tmp:
        figures = big_files(tmp, files, file_mb)
        figures.append(small_photos(tmp, photos))
    return [*figures, zip64_check()]


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

    def update_item(self, item_id: str, **fields: object) -> MediaItem:
        return self._item  # the CRC a ZIP computed is not kept here


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
    parser.add_argument("--photos", type=int, default=2000)
    args = parser.parse_args(argv)
    figures = run(args.files, args.file_mb, args.photos)
    return report(figures)


if __name__ == "__main__":
    raise SystemExit(main())
