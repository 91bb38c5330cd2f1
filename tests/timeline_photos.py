"""Small JPEGs with a date taken (EXIF DateTimeOriginal), for the timeline's tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PIL import ExifTags, Image

SHAPES = ((48, 32), (32, 48), (40, 40), (64, 27))  # landscape, portrait, square, panorama


def dated_jpeg(path: Path, taken: datetime, size: tuple[int, int], shade: int = 0) -> Path:
    """A JPEG of ``size`` whose EXIF says it was taken at ``taken``."""
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken.strftime(
        "%Y:%m:%d %H:%M:%S"
    )
    colour = (shade % 256, (shade * 7) % 256, (shade * 13) % 256)
    Image.new("RGB", size, colour).save(path, exif=exif)
    return path


def spread(start: datetime, count: int, *, days: int, per_day: int) -> list[datetime]:
    """``count`` times going back from ``start``: ``per_day`` photos on every ``days``-th day."""
    return [
        start - timedelta(days=(n // per_day) * days, minutes=(n % per_day) * 7)
        for n in range(count)
    ]


def write_photos(folder: Path, times: list[datetime], prefix: str) -> list[tuple[str, datetime]]:
    """One photo per time (newest first), named ``<prefix>NNNN.jpg``; returns (name, time)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n, taken in enumerate(times):
        name = f"{prefix}{n:04d}.jpg"
        dated_jpeg(folder / name, taken, SHAPES[n % len(SHAPES)], n)
        made.append((name, taken))
    return made
