"""Thumbnails per second for 12-megapixel JPEGs: rDrive's pipeline against two baselines.

Run: ``python -m bench.thumbnails`` (part of ``make bench``). Options: ``--images N``,
``--rounds N``. All three contenders make the same output from the same files in one run:

* naive Pillow — ``Image.open(path).resize(size).save(out, "WEBP")``: decodes all 12 MP.
* pyvips — ``pyvips.Image.thumbnail(path, 400)`` then ``webpsave_buffer``: libvips'
  shrink-on-load, with its default thread pool.
* rdrive — ``rdrive_app.media.images``: JPEG decoded at 1/8 scale by libjpeg (``draft``),
  then orientation and sRGB conversion on the small image, WebP at the same quality.

"thumb" is the grid thumbnail (fits 400 × 400). "thumb+preview" is what processing makes per
photo (1600 long side and 400): rdrive decodes once, the baselines as they would naturally.
The images are generated (seeded): blurred shapes, fine texture and sensor-like grain, saved at
JPEG quality 90, about 3.4 MB each, which is what a 12 MP phone photo weighs. Decoding cost
follows the compressed size (the entropy decoding cannot be scaled down), so ``--grain`` shows
how the ratios move with it.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyvips
from PIL import Image, ImageDraw, ImageFilter

from rdrive_app.media.images import analyse_image, render_image
from rdrive_app.media.types import SIZES, THUMB, fit_size

WIDTH, HEIGHT = 4000, 3000
QUALITY = 80
LIMIT = 100_000_000
THUMB_BOX = SIZES[THUMB]

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


def run(paths: list[Path], rounds: int) -> dict[str, dict[str, float]]:
    """Images per second of each contender on each task.

    Rounds interleave the contenders and each keeps its best round, so a busy moment on the
    machine does not land on one contender only.
    """
    suites: dict[str, dict[str, Contender]] = {
        "thumb": {"naive Pillow": naive_thumb, "pyvips": vips_thumb, "rdrive": rdrive_thumb},
        "thumb+preview": {"naive Pillow": naive_both, "pyvips": vips_both, "rdrive": rdrive_both},
    }
    best: dict[str, dict[str, float]] = {task: {} for task in suites}
    for task, contenders in suites.items():
        for fn in contenders.values():
            fn(paths[0])  # warm caches and lazy imports
        for _ in range(rounds):
            for name, fn in contenders.items():
                started = time.perf_counter()
                for path in paths:
                    fn(path)
                elapsed = time.perf_counter() - started
                best[task][name] = min(best[task].get(name, elapsed), elapsed)
    return {
        task: {name: len(paths) / seconds for name, seconds in times.items()}
        for task, times in best.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--grain", type=float, default=0.10, help="sensor-like noise share (more = bigger files)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"generating {args.images} {WIDTH}x{HEIGHT} JPEGs ...", flush=True)
        paths = generate(Path(tmp), args.images, args.grain)
        mean_mb = statistics.mean(p.stat().st_size for p in paths) / 1e6
        print(f"mean size {mean_mb:.1f} MB; pyvips {pyvips.version(0)}.{pyvips.version(1)}")
        results = run(paths, args.rounds)
    header = ("task", "naive Pillow", "pyvips", "rdrive", "vs naive", "vs vips")
    print("\n{:<15}{:>14}{:>10}{:>10}{:>10}{:>9}".format(*header))
    for task, rates in results.items():
        naive, vips, ours = rates["naive Pillow"], rates["pyvips"], rates["rdrive"]
        print(
            f"{task:<15}{naive:>12.1f}/s{vips:>8.1f}/s{ours:>8.1f}/s"
            f"{ours / naive:>9.2f}x{ours / vips:>8.2f}x"
        )
    thumb = results["thumb"]
    print(
        f"\ngoal (thumb): >= 4x naive Pillow: {thumb['rdrive'] / thumb['naive Pillow']:.2f}x, "
        f">= 1.0x pyvips: {thumb['rdrive'] / thumb['pyvips']:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
