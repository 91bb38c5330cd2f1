"""Photos from real cameras and phones: orientation, metadata, formats, damage, limits."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat

from rdrive_app.media.exif import gps_position, parse_exif_date
from rdrive_app.media.images import (
    analyse_image,
    fit_image,
    keep_or_convert,
    render_image,
    to_srgb,
    width_box,
)
from rdrive_app.media.types import PREVIEW, THUMB, Analysis, MediaError

LIMIT = 100_000_000
SRGB = ImageCms.createProfile("sRGB")


def analyse(path: Path, content_type: str = "image/jpeg", max_pixels: int = LIMIT) -> Analysis:
    with path.open("rb") as f:
        return analyse_image(f, content_type, max_pixels=max_pixels)


def decoded(data: bytes) -> Image.Image:
    """A WebP as a browser shows it: in sRGB, by the colour profile it embeds (if any)."""
    im = Image.open(io.BytesIO(data))
    assert im.format == "WEBP"
    icc = im.info.get("icc_profile")
    if not icc:
        return im
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    return ImageCms.profileToProfile(im, source, SRGB, outputMode=im.mode) or im


def encoded(im: Image.Image, fmt: str, **options: object) -> io.BytesIO:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    out.seek(0)
    return out


@pytest.fixture(scope="module")
def upright_thumbs(media_dir: Path) -> dict[str, Image.Image]:
    """The *_1.jpg thumbnails (orientation 1 = already upright), at low resolution."""
    folder = media_dir / "photos/orientation"
    return {
        kind: decoded(analyse(folder / f"{kind}_1.jpg").images[THUMB]).convert("L").resize((24, 24))
        for kind in ("landscape", "portrait")
    }


@pytest.mark.parametrize("n", range(1, 9))
@pytest.mark.parametrize("kind", ["landscape", "portrait"])
def test_every_orientation_comes_out_upright(
    media_dir: Path, upright_thumbs: dict[str, Image.Image], kind: str, n: int
) -> None:
    result = analyse(media_dir / f"photos/orientation/{kind}_{n}.jpg")
    thumb = decoded(result.images[THUMB])
    wide = kind == "landscape"
    assert (thumb.width > thumb.height) is wide
    assert (result.info.width > result.info.height) is wide  # type: ignore[operator]
    assert max(thumb.size) == 400
    small = thumb.convert("L").resize((24, 24))
    difference = ImageStat.Stat(ImageChops.difference(small, upright_thumbs[kind])).mean[0]
    assert difference < 8, f"{kind}_{n} differs from upright by {difference:.1f}"  # wrong: > 25


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("TIFF", "image/tiff"), ("WEBP", "image/webp"), ("PNG", "image/png"), ("AVIF", "image/avif")],
)
def test_orientation_in_other_formats(
    media_dir: Path, upright_thumbs: dict[str, Image.Image], fmt: str, content_type: str
) -> None:
    with Image.open(media_dir / "photos/orientation/portrait_6.jpg") as source:
        lossless = {"WEBP": {"lossless": True}, "AVIF": {"quality": 95}}.get(fmt, {})
        icc = source.info["icc_profile"]  # "Generic RGB": without it the colours would differ
        data = encoded(source, fmt, exif=source.getexif(), icc_profile=icc, **lossless)
    result = analyse_image(data, content_type, max_pixels=LIMIT)
    assert (result.info.width, result.info.height) == (450, 600)
    small = decoded(result.images[THUMB]).convert("L").resize((24, 24))
    assert ImageStat.Stat(ImageChops.difference(small, upright_thumbs["portrait"])).mean[0] < 8


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [("DSCN0010.jpg", 43.467448, 11.885127), ("DSCN0021.jpg", 43.467082, 11.884538)],
)
def test_gps_in_decimal_degrees(media_dir: Path, name: str, lat: float, lon: float) -> None:
    info = analyse(media_dir / "photos/gps" / name).info
    assert info.gps is not None
    assert info.gps.lat == pytest.approx(lat, abs=1e-5)
    assert info.gps.lon == pytest.approx(lon, abs=1e-5)
    assert info.camera == "NIKON COOLPIX P6000"
    assert info.taken_at is not None and info.taken_at.year == 2008


@pytest.mark.parametrize(
    ("name", "make", "model", "camera", "taken"),
    [
        (
            "Canon_40D.jpg",
            "Canon",
            "Canon EOS 40D",
            "Canon EOS 40D",
            datetime(2008, 5, 30, 15, 56, 1),
        ),
        (
            "Nikon_D70.jpg",
            "NIKON CORPORATION",
            "NIKON D70",
            "NIKON D70",
            datetime(2008, 3, 15, 9, 52, 1),
        ),
    ],
)
def test_camera_make_and_model(
    media_dir: Path, name: str, make: str, model: str, camera: str, taken: datetime
) -> None:
    info = analyse(media_dir / "photos" / name).info
    assert (info.camera_make, info.camera_model, info.camera) == (make, model, camera)
    assert info.taken_at == taken.replace(tzinfo=UTC)  # no offset: the camera's clock, as UTC
    assert (info.width, info.height) == ((100, 68) if "Canon" in name else (100, 66))


def test_heic_from_an_iphone(media_dir: Path) -> None:
    result = analyse(media_dir / "photos/IMG_5195.HEIC", "image/heic")
    info = result.info
    assert (info.width, info.height) == (2566, 3313)
    assert decoded(result.images[PREVIEW]).size == (1239, 1600)
    assert decoded(result.images[THUMB]).size == (310, 400)
    assert info.camera == "Apple iPhone 11 Pro Max"
    assert info.lens is not None and "back triple camera" in info.lens
    minus5 = timezone(-timedelta(hours=5))
    assert info.taken_at == datetime(2021, 4, 11, 15, 47, 53, 54000, tzinfo=minus5)
    assert info.gps is not None and info.gps.lat == pytest.approx(39.05134, abs=1e-4)
    assert info.gps.lon == pytest.approx(-94.28877, abs=1e-4)


def test_generic_heif(media_dir: Path) -> None:
    result = analyse(media_dir / "photos/samplefilehub.heif", "image/heif")
    assert (result.info.width, result.info.height) == (640, 426)
    assert decoded(result.images[THUMB]).size == (400, 266)


@pytest.mark.parametrize("name", ["Crémieux11.tiff", "BSG1.tiff"])
def test_tiff_including_a_non_ascii_name(media_dir: Path, name: str) -> None:
    path = media_dir / "photos" / name
    result = analyse(path, "image/tiff")
    with Image.open(path) as original:
        assert (result.info.width, result.info.height) == original.size
    assert decoded(result.images[THUMB]).mode in ("RGB", "RGBA")  # opaque alpha may be dropped


def test_display_p3_is_converted_to_srgb(media_dir: Path) -> None:
    with Image.open(media_dir / "photos/IMG_5195.HEIC") as heic:
        p3 = heic.info["icc_profile"]
    swatch = Image.new("RGB", (4, 4), (40, 200, 60))  # a green that P3 and sRGB disagree on
    converted = to_srgb(swatch, p3).getpixel((0, 0))
    assert converted != (40, 200, 60)
    assert converted[1] > 200  # P3 green is more saturated: in sRGB it needs a higher value
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    same = to_srgb(swatch, srgb).getpixel((0, 0))
    assert all(abs(a - b) <= 1 for a, b in zip(same, (40, 200, 60), strict=True))
    assert to_srgb(swatch, b"not a profile").getpixel((0, 0)) == (40, 200, 60)


def test_a_display_p3_photo_keeps_its_profile_in_both_sizes(media_dir: Path) -> None:
    path = media_dir / "photos/IMG_5195.HEIC"
    with Image.open(path) as heic:
        p3 = heic.info["icc_profile"]
        heic.load()
        expected = to_srgb(heic.reduce(8), p3).resize((24, 24))  # converted in the old order
    images = analyse(path, "image/heic").images
    for size in (PREVIEW, THUMB):
        webp = Image.open(io.BytesIO(images[size]))
        assert webp.info["icc_profile"] == p3  # the browser converts, at no cost to us
        shown = decoded(images[size]).resize((24, 24))
        assert ImageStat.Stat(ImageChops.difference(shown, expected)).mean[0] < 3


def test_which_profiles_are_kept(media_dir: Path) -> None:
    swatch = Image.new("RGB", (4, 4), (40, 200, 60))
    with Image.open(media_dir / "photos/orientation/portrait_6.jpg") as jpeg:
        generic = jpeg.info["icc_profile"]  # Apple's "Generic RGB Profile", a matrix profile
    assert keep_or_convert(swatch, generic) == (swatch, generic)
    srgb = ImageCms.ImageCmsProfile(SRGB).tobytes()  # says it is sRGB: untagged is the same
    assert keep_or_convert(swatch, srgb) == (swatch, None)
    assert keep_or_convert(swatch, b"not a profile") == (swatch, None)
    big = generic + bytes(5000)  # over the size worth embedding in every thumbnail
    converted, icc = keep_or_convert(swatch, big)
    assert icc is None and converted.getpixel((0, 0)) == to_srgb(swatch, generic).getpixel((0, 0))
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    assert keep_or_convert(swatch, lab)[1] is None  # not an RGB profile: never embedded


def test_a_large_image_is_scaled_in_two_bands_without_a_seam() -> None:
    ramp = Image.linear_gradient("L").resize((2566, 3313))  # top to bottom: a seam would show
    src = Image.merge(
        "RGB", (ramp, ramp.transpose(Image.Transpose.ROTATE_90).resize(ramp.size), ramp)
    )
    banded = fit_image(src, (1600, 1600))
    assert banded.size == (1239, 1600)
    whole = src.resize(banded.size, Image.Resampling.BILINEAR, reducing_gap=1.0)  # one pass
    extrema = ImageChops.difference(banded, whole).getextrema()
    assert max(high for _, high in extrema) <= 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name", ["corrupted.jpg", "invalid/image00971.jpg", "tests/36-memory_error.jpg"]
)
def test_files_that_crashed_exif_readers_end_cleanly(media_dir: Path, name: str) -> None:
    started = time.monotonic()
    try:
        result = analyse(media_dir / "photos" / name)
    except MediaError as exc:
        assert exc.reason
    else:
        assert decoded(result.images[THUMB]).size[0] > 0
    assert time.monotonic() - started < 10


def test_truncated_jpeg_is_a_media_error(media_dir: Path) -> None:
    data = (media_dir / "photos/gps/DSCN0010.jpg").read_bytes()
    with pytest.raises(MediaError, match="damaged"):
        analyse_image(io.BytesIO(data[: len(data) // 2]), "image/jpeg", max_pixels=LIMIT)


def test_garbage_after_a_jpeg_signature() -> None:
    with pytest.raises(MediaError, match=r"cannot be read|damaged"):
        analyse_image(io.BytesIO(b"\xff\xd8\xff" + b"\x00" * 500), "image/jpeg", max_pixels=LIMIT)


def test_pixel_limit_refuses_with_a_reason() -> None:
    big = encoded(Image.new("RGB", (1500, 1000)), "PNG")
    with pytest.raises(MediaError, match=r"larger than the limit of 1 megapixels"):
        analyse_image(big, "image/png", max_pixels=1_000_000)
    # Far beyond the limit Pillow itself refuses; the reason is the same.
    huge = encoded(Image.new("L", (5000, 5000)), "PNG")
    with pytest.raises(MediaError, match="larger than the limit"):
        analyse_image(huge, "image/png", max_pixels=1_000_000)


def test_animated_gif_uses_the_first_frame() -> None:
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "blue")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    gif.seek(0)
    result = analyse_image(gif, "image/gif", max_pixels=LIMIT)
    r, _, b = decoded(result.images[THUMB]).convert("RGB").getpixel((30, 20))  # type: ignore[misc]
    assert r > 200 and b < 50
    assert (result.info.width, result.info.height) == (60, 40)


def test_alpha_16_bit_and_cmyk_inputs() -> None:
    rgba = encoded(Image.new("RGBA", (50, 50), (255, 0, 0, 0)), "PNG")
    assert decoded(analyse_image(rgba, "image/png", max_pixels=LIMIT).images[THUMB]).mode == "RGBA"
    deep = encoded(Image.new("I;16", (50, 50), 65535), "PNG")
    thumb = decoded(analyse_image(deep, "image/png", max_pixels=LIMIT).images[THUMB])
    assert thumb.convert("L").getpixel((5, 5)) > 240
    cmyk = encoded(Image.new("CMYK", (50, 50), (0, 255, 255, 0)), "JPEG")
    red = decoded(analyse_image(cmyk, "image/jpeg", max_pixels=LIMIT).images[THUMB])
    assert red.mode == "RGB" and red.getpixel((5, 5))[0] > 200  # type: ignore[index]


def test_render_by_width_never_enlarges(media_dir: Path) -> None:
    path = media_dir / "photos/orientation/portrait_6.jpg"
    with path.open("rb") as f:
        small = decoded(render_image(f, "image/jpeg", max_pixels=LIMIT, box=width_box(200)))
    assert small.size == (200, 267)
    with path.open("rb") as f:
        full = decoded(render_image(f, "image/jpeg", max_pixels=LIMIT, box=width_box(2560)))
    assert full.size == (450, 600)


def test_exif_date_and_gps_parsing_edge_cases() -> None:
    assert parse_exif_date("0000:00:00 00:00:00") is None
    assert parse_exif_date("2020:02:30 10:00:00") is None
    assert parse_exif_date("garbage") is None
    assert parse_exif_date("2020:01:02 03:04:05", "+09:30", "5") == datetime(
        2020, 1, 2, 3, 4, 5, 500000, tzinfo=timezone(timedelta(hours=9, minutes=30))
    )
    assert parse_exif_date("2020:01:02 03:04:05\x00", "bad") == datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=UTC
    )
    assert gps_position({}) is None
    assert gps_position({1: "S", 2: (33.0, 30.0, 0.0), 3: "W", 4: (70.0, 39.0, 0.0)}) is not None
    assert gps_position({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}) is None
    assert gps_position({1: "N", 2: (float("nan"), 0.0, 0.0), 3: "E", 4: (1.0,)}) is None
    assert gps_position({1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (1.0,)}) is None
