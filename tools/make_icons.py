"""Draw rDrive's app icons (the web manifest's and the home screen's) into assets/icons/.

Run once, and again only when the design changes: ``python -m tools.make_icons``. The PNGs are
committed, so neither the app nor the export needs Pillow to serve them.

The design is the top bar's "images" mark: a white photo (a sun over two hills) on the app's
indigo accent. The "any" icons are a rounded square on a transparent ground; the maskable one and
the Apple touch icon fill their whole square (the launcher or iOS cuts the shape), with the photo
kept inside the maskable safe zone (the centre circle of 80 % of the width).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "assets" / "icons"
INDIGO = (62, 99, 221, 255)  # Radix indigo 9, the app's accent (rxconfig: accent_color)
WHITE = (255, 255, 255, 255)
HILL = (62, 99, 221, 255)
SUPERSAMPLE = 4  # drawn at 4x and reduced: smooth edges without an anti-aliasing library


def _photo(draw: ImageDraw.ImageDraw, size: int, glyph: float) -> None:
    """The white photo with its sun and hills, ``glyph`` of ``size`` wide, centred."""
    w = size * glyph
    h = w * 0.78
    left, top = (size - w) / 2, (size - h) / 2
    right, bottom = left + w, top + h
    draw.rounded_rectangle((left, top, right, bottom), radius=w * 0.12, fill=WHITE)
    inset = w * 0.09
    il, it, ir, ib = left + inset, top + inset, right - inset, bottom - inset
    iw, ih = ir - il, ib - it
    sun = iw * 0.1
    cx, cy = il + iw * 0.74, it + ih * 0.27
    draw.ellipse((cx - sun, cy - sun, cx + sun, cy + sun), fill=HILL)
    draw.polygon([(il, ib), (il + iw * 0.36, it + ih * 0.38), (il + iw * 0.66, ib)], fill=HILL)
    draw.polygon([(il + iw * 0.42, ib), (il + iw * 0.70, it + ih * 0.55), (ir, ib)], fill=HILL)


def draw_icon(size: int, *, full_bleed: bool, glyph: float) -> Image.Image:
    """One icon of ``size`` pixels: full-bleed indigo, or a rounded indigo square."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, big, big), fill=INDIGO)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=INDIGO)
    _photo(draw, big, glyph)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return image.convert("RGB") if full_bleed else image


# file name → (size, full bleed, the photo's share of the width)
ICONS: dict[str, tuple[int, bool, float]] = {
    "icon-192.png": (192, False, 0.62),
    "icon-512.png": (512, False, 0.62),
    "icon-maskable-512.png": (512, True, 0.5),  # inside the safe zone's 80 % circle
    "apple-touch-icon.png": (180, True, 0.6),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, full_bleed, glyph) in ICONS.items():
        draw_icon(size, full_bleed=full_bleed, glyph=glyph).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
