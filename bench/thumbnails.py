"""Thumbnails of 12-megapixel JPEGs and HEICs: rDrive's pipeline against the decoder's own limit.

Run: ``python -m bench.thumbnails`` (part of ``make bench``). Options: ``--images N``,
``--rounds N``. In one run, on the same files:

* the goals: the grid thumbnail (fits 400 × 400) costs <= 1.3x libjpeg-turbo's own scaled
  decode of the file (``djpeg -scale 1/8``, Debian's libjpeg-turbo-progs); the thumbnail +
  preview pair processing makes per photo (1600 long side and 400) <= 1.3x the scaled decodes
  the two need (``djpeg -scale 1/2`` for the preview plus ``-scale 1/8`` for the thumbnail);
  a HEIC's pair <= 1.3x pillow-heif's own decode of it (HEIC has no scaled decode);
* for comparison: naive Pillow (``Image.open(path).resize(size).save(out, "WEBP")``, all 12 MP
  decoded) and pyvips (``thumbnail`` with shrink-on-load).

Each contender keeps its best of ``--rounds`` interleaved rounds, so a busy moment on the
machine does not land on one contender only. djpeg runs as a process per file (as a person
would run it); its start-up, a millisecond, is counted against it.
The JPEGs are generated (seeded): blurred shapes, fine texture and sensor-like grain, saved at
JPEG quality 90, about 3.4 MB each, which is what a 12 MP phone photo weighs. Decoding cost
follows the compressed size (the entropy decoding cannot be scaled down). The HEIC is the
iPhone photo in ../shared/testdata/media.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pillow_heif
import pyvips
from PIL import Image, ImageDraw, ImageFilter

from bench.common import SAMPLE_MP4, Figure, at_most, report
from rdrive_app.media.images import analyse_image, render_image
from rdrive_app.media.types import SIZES, THUMB, fit_size

WIDTH, HEIGHT = 4000, 3000
QUALITY = 80
LIMIT = 100_000_000
THUMB_BOX = SIZES[THUMB]
HEIC = SAMPLE_MP4.parents[1] / "photos" / "IMG_5195.HEIC"

Contender = Callable[[Path], int]


def generate(folder: Path, count: int, grain: float = 0.10) -> list[Path]:
    """``count`` distinct photo-like 12 MP JPEGs in ``folder``; ``grain`` is the noise share."""
    paths = []
    for seed in range(count):
        rng = random.Random(seed)
        small = (WIDTH // 4, HEIGHT // 4)
        sky = Image.linear_gradient("L").resize(small)
        base = Image.new("L", small, rng.randrange(60, 200))
        im = Image.merge("RGB", (sky, sky.transpose(Image.Transpose.ROTATE_180), base))
        draw = ImageDraw.Draw(im)
        for _ in range(120):
            x, y, r = rng.randrange(small[0]), rng.randrange(small[1]), rng.randrange(5, 120)
            draw.ellipse(
                (x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in "rgb")
            )
        im = im.filter(ImageFilter.GaussianBlur(1.5)).resize(
            (WIDTH, HEIGHT), Image.Resampling.BICUBIC
        )
        extent = (-2.0 + seed * 0.01, -1.2, 1.0, 1.2)
        im = Image.blend(
            im, Image.effect_mandelbrot((WIDTH, HEIGHT), extent, 40).convert("RGB"), 0.12
        )
        im = Image.blend(im, Image.effect_noise((WIDTH, HEIGHT), 64).convert("RGB"), grain)
        path = folder / f"photo_{seed:02d}.jpg"
        im.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def _webp(im: Image.Image) -> int:
    out = io.BytesIO()
    im.save(out, "WEBP", quality=QUALITY)
    return len(out.getvalue())


def naive_thumb(path: Path) -> int:
    im = Image.open(path)
    return _webp(im.resize(fit_size(im.size, THUMB_BOX)))


def vips_thumb(path: Path) -> int:
    im = pyvips.Image.thumbnail(str(path), THUMB_BOX[0], height=THUMB_BOX[1])
    return len(im.webpsave_buffer(Q=QUALITY))


def rdrive_thumb(path: Path) -> int:
    with path.open("rb") as f:
        return len(render_image(f, "image/jpeg", max_pixels=LIMIT, box=THUMB_BOX))


def naive_both(path: Path) -> int:
    im = Image.open(path)
    im.load()
    return sum(_webp(im.resize(fit_size(im.size, box))) for box in SIZES.values())


def vips_both(path: Path) -> int:
    preview = pyvips.Image.thumbnail(str(path), 1600, height=1600).copy_memory()  # decode once
    thumb = preview.thumbnail_image(THUMB_BOX[0], height=THUMB_BOX[1])
    return len(preview.webpsave_buffer(Q=QUALITY)) + len(thumb.webpsave_buffer(Q=QUALITY))


def rdrive_both(path: Path) -> int:
    with path.open("rb") as f:
        return sum(len(b) for b in analyse_image(f, "image/jpeg", max_pixels=LIMIT).images.values())


def djpeg(scale: str) -> Contender:
    def decode(path: Path) -> int:
        args = ["djpeg", "-scale", scale, "-outfile", "/dev/null", str(path)]
        return subprocess.run(args, check=True).returncode

    return decode


def heif_decode(path: Path) -> int:
    heif = pillow_heif.open_heif(str(path), convert_hdr_to_8bit=True)
    return len(heif.data)


def rdrive_heic_both(path: Path) -> int:
    with path.open("rb") as f:
        return sum(len(b) for b in analyse_image(f, "image/heic", max_pixels=LIMIT).images.values())


SUITES: dict[str, dict[str, Contender]] = {
    "thumb": {
        "naive Pillow": naive_thumb, "pyvips": vips_thumb, "djpeg 1/8": djpeg("1/8"),
        "rdrive": rdrive_thumb,
    },
    "thumb+preview": {
        "naive Pillow": naive_both, "pyvips": vips_both, "djpeg 1/2": djpeg("1/2"),
        "rdrive": rdrive_both,
    },
}  # fmt: skip
HEIC_SUITE: dict[str, Contender] = {"pillow-heif decode": heif_decode, "rdrive": rdrive_heic_both}


def best_seconds(
    paths: list[Path], contenders: dict[str, Contender], rounds: int
) -> dict[str, float]:
    """Seconds per image of each contender, its best round."""
    for fn in contenders.values():
        fn(paths[0])  # warm caches and lazy imports
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, fn in contenders.items():
            started = time.perf_counter()
            for path in paths:
                fn(path)
            elapsed = (time.perf_counter() - started) / len(paths)
            best[name] = min(best.get(name, elapsed), elapsed)
    return best


def measure(images: int = 20, rounds: int = 5, grain: float = 0.10) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"generating {images} {WIDTH}x{HEIGHT} JPEGs ...", flush=True)
        paths = generate(Path(tmp), images, grain)
        mean_mb = statistics.mean(p.stat().st_size for p in paths) / 1e6
        print(f"mean size {mean_mb:.1f} MB; pyvips {pyvips.version(0)}.{pyvips.version(1)}")
        costs = {task: best_seconds(paths, suite, rounds) for task, suite in SUITES.items()}
    heic = best_seconds([HEIC] * 5, HEIC_SUITE, rounds)
    for task, seconds in [*costs.items(), ("heic pair", heic)]:
        line = ", ".join(f"{name} {s * 1000:.1f} ms" for name, s in seconds.items())
        print(f"  {task:<14} per image: {line}")
    thumb, pair = costs["thumb"], costs["thumb+preview"]
    needed = pair["djpeg 1/2"] + thumb["djpeg 1/8"]
    heif = heic["pillow-heif decode"]
    return [
        at_most("thumbnail vs djpeg -scale 1/8 (cost)", thumb["rdrive"] / thumb["djpeg 1/8"], 1.3,
                f"{thumb['rdrive'] * 1000:.1f} vs {thumb['djpeg 1/8'] * 1000:.1f} ms; "
                f"{thumb['naive Pillow'] / thumb['rdrive']:.1f}x faster than naive"),
        at_most("thumb+preview vs djpeg 1/2 + 1/8 (cost)", pair["rdrive"] / needed, 1.3,
                f"{pair['rdrive'] * 1000:.1f} vs {needed * 1000:.1f} ms; "
                f"{pair['naive Pillow'] / pair['rdrive']:.1f}x faster than naive"),
        at_most("HEIC thumb+preview vs pillow-heif decode", heic["rdrive"] / heif, 1.3,
                f"{heic['rdrive'] * 1000:.1f} vs {heif * 1000:.1f} ms"),
    ]  # fmt: skip


def run() -> list[Figure]:
    return measure()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--grain", type=float, default=0.10, help="sensor-like noise share (more = bigger files)"
    )
    args = parser.parse_args(argv)
    return report(measure(args.images, args.rounds, args.grain))


if __name__ == "__main__":
    sys.exit(main())
