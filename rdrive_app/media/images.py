"""Photos: decode within limits, orient, scale, bring to sRGB or tag, and encode WebP.

Speed comes from decoding no more pixels than needed: JPEGs are decoded at 1/2, 1/4 or 1/8
scale by libjpeg itself (``draft``), and every later step (colour transform, rotation) runs on
the already small image. Both sizes come from one decode: the thumb is scaled from the preview.
What cannot be avoided runs on two cores: a large image is scaled in two bands at once, and
the preview is encoded while the thumb is made (Pillow releases the GIL in both).
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import BinaryIO

import pillow_heif
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from rdrive_app.core.domain import Kind
from rdrive_app.media.exif import ORIENTATION, read_exif
from rdrive_app.media.live import live_fields
from rdrive_app.media.types import PREVIEW, SIZES, THUMB, Analysis, MediaError, MediaInfo, fit_size

pillow_heif.register_heif_opener(thumbnails=False)
# Pillow gives a freed image's memory back to the OS and asks for it again for the next image;
# the page faults of fresh memory then cost more than the work done in it (unpacking a decoded
# 8.5 MP HEIC: 22 ms, 4 ms in reused memory). Keep up to 8 of its 16 MB blocks for reuse: a
# decoder child processes one photo after another (media/sandbox.py).
Image.core.set_blocks_max(8)

# Sniffed content type → the only Pillow decoders allowed to read it (less parser surface).
_FORMATS: dict[str, list[str]] = {
    "image/jpeg": ["JPEG", "MPO"],
    "image/png": ["PNG"],
    "image/gif": ["GIF"],
    "image/webp": ["WEBP"],
    "image/tiff": ["TIFF"],
    "image/heic": ["HEIF"],
    "image/heif": ["HEIF"],
    "image/avif": ["AVIF"],
}
# EXIF orientation → the transpose that makes the image upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# The user's clockwise turn → its transpose (Pillow's ROTATE_n turn counter-clockwise).
_TURN = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.createProfile("sRGB")
# A profile's colour space → the image modes it can describe.
_PROFILE_MODES = {"RGB ": ("RGB", "RGBA"), "CMYK": ("CMYK",), "GRAY": ("L",)}
_UNBOUNDED = 1 << 30
_THUMB_PIXELS = SIZES[THUMB][0] * SIZES[THUMB][1]
_KEEP_MAX = 4096  # bytes: the largest profile embedded in every WebP rather than converted to sRGB
_BAND_PIXELS = 500_000  # from this output size up, scaling runs in two bands on two threads


def analyse_image(fp: BinaryIO, content_type: str, *, max_pixels: int, turn: int = 0) -> Analysis:
    """Metadata plus the thumb and preview WebPs of one photo (turned ``turn`` degrees
    clockwise on top of its own orientation; the metadata's size stays unturned); MediaError
    says why not.

    The metadata includes a Live Photo's content identifier and where a Motion Photo's video is
    in ``fp`` (media/live.py)."""
    with _decoding(max_pixels):
        im = _open(fp, content_type)
        exif = read_exif(im)
        orientation = _orientation(im, exif.pop(ORIENTATION, 1))
        width, height = _display_size(im.size, orientation)
        images = _sizes(im, orientation, turn)
        live = live_fields(im, fp)
        info = MediaInfo(kind=Kind.IMAGE, width=width, height=height, **exif, **live)
        return Analysis(info, images)


def render_sizes(
    fp: BinaryIO, content_type: str, *, max_pixels: int, turn: int
) -> dict[str, bytes]:
    """The thumb and preview WebPs alone, turned ``turn`` degrees (when the user turns it)."""
    with _decoding(max_pixels):
        im = _open(fp, content_type)
        return _sizes(im, _orientation(im, read_exif(im).get(ORIENTATION, 1)), turn)


def _sizes(im: Image.Image, orientation: int, turn: int) -> dict[str, bytes]:
    """Both sizes from one decode: the thumb is scaled from the preview."""
    preview, icc = _decode_fitting(im, SIZES[PREVIEW], orientation, turn, keep_profile=True)
    encoding = _pool().submit(encode_webp, preview, icc=icc)  # meanwhile the thumb, beside it
    thumb = encode_webp(fit_image(preview, SIZES[THUMB]), icc=icc)
    return {PREVIEW: encoding.result(), THUMB: thumb}


def render_image(
    fp: BinaryIO, content_type: str, *, max_pixels: int, box: tuple[int, int], turn: int = 0
) -> bytes:
    """One WebP of the photo fitted into ``box`` as shown (never enlarged), turned ``turn``
    degrees; for thumbs and renditions."""
    with _decoding(max_pixels):
        im = _open(fp, content_type)
        orientation = _orientation(im, read_exif(im).get(ORIENTATION, 1))
        picture, icc = _decode_fitting(im, box, orientation, turn, keep_profile=True)
        return encode_webp(picture, icc=icc)


def render_jpeg(fp: BinaryIO, content_type: str, *, max_pixels: int, turn: int) -> bytes:
    """The whole photo as a JPEG, upright and turned ``turn`` degrees (the download of a
    turned photo): full size, sRGB, its EXIF kept but for the orientation, now applied."""
    with _decoding(max_pixels):
        im = _open(fp, content_type)
        exif = im.getexif()
        orientation = _orientation(im, read_exif(im).get(ORIENTATION, 1))
        picture, _ = _decode_fitting(im, (_UNBOUNDED, _UNBOUNDED), orientation, turn)
        exif.pop(ExifTags.Base.Orientation, None)
        return _encode_jpeg(picture.convert("RGB"), exif.tobytes())


def width_box(width: int) -> tuple[int, int]:
    """A box that only bounds the width (renditions are asked for by width)."""
    return (width, _UNBOUNDED)


def fit_image(im: Image.Image, box: tuple[int, int]) -> Image.Image:
    """A copy of ``im`` scaled down to fit ``box``."""
    target = fit_size(im.size, box)
    if target == im.size:
        return im
    # A reduction of 2x or more (a HEIC, which has no scaled decode) first averages whole
    # blocks of pixels (``reduce``, a box filter: a tenth of bicubic's cost on 12 MP), leaving
    # under 2x for the filter (Pillow's ``reducing_gap``). Then bicubic, as Image.thumbnail; but
    # for what is left under 1.5x (a preview from a photo decoded at 1/2 scale, or from a HEIC
    # after the reduce) bilinear, which looks the same there at two thirds of the cost
    # (bench/thumbnails.py).
    factor = max(1, int(min(im.width / target[0], im.height / target[1])))
    slight = target[0] * 1.5 > im.width / factor
    resample = Image.Resampling.BILINEAR if slight else Image.Resampling.BICUBIC
    if im.size == (target[0] * factor, target[1] * factor):
        return im.reduce(factor)  # nothing is left for the filter
    if target[0] * target[1] < _BAND_PIXELS or target[1] < 2:
        return im.resize(target, resample, reducing_gap=1.0)
    # Two bands of rows at once: each reads the source rows its filter reaches (``box``), so
    # the seam is invisible.
    im.load()
    split = target[1] // 2
    scale = im.height / target[1]

    def band(top: int, bottom: int) -> Image.Image:
        rows = (0, top * scale, im.width, min(im.height, bottom * scale))
        return im.resize((target[0], bottom - top), resample, rows, reducing_gap=1.0)

    lower = _pool().submit(band, split, target[1])
    out = Image.new(im.mode, target, None)  # no fill: the bands cover it
    out.paste(band(0, split), (0, 0))
    out.paste(lower.result(), (0, split))
    return out


@functools.cache
def _pool() -> ThreadPoolExecutor:
    """The second core's thread (one is enough: the caller's thread does the other half)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="pixels")


def _encode_jpeg(im: Image.Image, exif: bytes) -> bytes:
    """JPEG bytes at quality 92; without the EXIF when it does not fit a JPEG's 64 KB segment."""
    out = io.BytesIO()
    try:
        im.save(out, "JPEG", quality=92, exif=exif)
    except ValueError:  # EXIF data is too long
        out = io.BytesIO()
        im.save(out, "JPEG", quality=92)
    return out.getvalue()


def encode_webp(im: Image.Image, quality: int = 80, icc: bytes | None = None) -> bytes:
    """WebP bytes, tagged with the colour profile ``icc`` when the pixels are not sRGB. A
    thumbnail gets encoder effort 2 (within ~5% of effort 4's size at half the time: a grid
    loads dozens of them); a preview or rendition effort 0, 8% bigger than effort 2 at two
    thirds of its time, which was a third of a 12 MP photo's processing (bench/thumbnails.py)."""
    out = io.BytesIO()
    small = im.width * im.height <= _THUMB_PIXELS
    im.save(out, "WEBP", quality=quality, method=2 if small else 0, icc_profile=icc or b"")
    return out.getvalue()


def keep_or_convert(im: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """RGB(A) pixels and the profile they are in: None for sRGB.

    A small RGB display profile (Display P3 from phones: 548 bytes; Adobe RGB) is kept and
    embedded instead of converting the pixels: every browser colour-manages a tagged WebP
    (and wide-gamut screens then show the photo's own colours), and the conversion cost as
    much as a third of a HEIC's decode. A profile that says it is sRGB is dropped (untagged
    means sRGB); any other (CMYK, grey, a LUT profile, a big one) is converted by to_srgb.
    """
    profile = _profile(icc)
    if icc and profile is not None and im.mode in ("RGB", "RGBA"):
        p = profile.profile
        if p.xcolor_space == "RGB " and "sRGB" in (p.profile_description or ""):
            return im, None
        if p.xcolor_space == "RGB " and p.is_matrix_shaper and len(icc) <= _KEEP_MAX:
            return im, icc
    return to_srgb(im, icc), None


def to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB(A) pixels converted from their embedded profile to sRGB.

    Photos from phones are often Display P3; shown untagged they look dull or wrong. A profile
    that cannot be used (broken, or for another colour space) is ignored rather than failing.
    """
    profile = _profile(icc)
    if profile is not None and im.mode in _PROFILE_MODES.get(profile.profile.xcolor_space, ()):
        try:
            out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(im, profile, _SRGB, outputMode=out_mode) or im
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if _has_alpha(im) else "RGB")
    return im


def _profile(icc: bytes | None) -> ImageCms.ImageCmsProfile | None:
    if not icc:
        return None
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


@contextmanager
def _decoding(max_pixels: int) -> Iterator[None]:
    """Pillow's own bomb check set to our limit; every decoder failure becomes a MediaError."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(f"the image is larger than the limit of {_mp(max_pixels)}") from None
    except UnidentifiedImageError:
        raise MediaError("the image cannot be read: its data is not a valid image") from None
    except MemoryError:
        raise MediaError("the image needs more memory than allowed") from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError) as exc:
        raise MediaError(f"the image is damaged ({_short(exc)})") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _open(fp: BinaryIO, content_type: str) -> Image.Image:
    formats = _FORMATS.get(content_type)
    if formats is None:
        raise MediaError("not a photo or video")
    im = Image.open(fp, formats=formats)
    w, h = im.size
    if w < 1 or h < 1:
        raise MediaError("the image has no pixels")
    limit = Image.MAX_IMAGE_PIXELS  # set by the caller; None would mean no limit
    if limit is not None and w * h > limit:  # also checked by Pillow, but not for every format
        raise MediaError(f"the image is larger than the limit of {_mp(limit)}")
    return im


def _orientation(im: Image.Image, tagged: int) -> int:
    """The orientation still to apply: Pillow's TIFF reader turns the image upright itself
    (and reports the upright size); libheif does the same for HEIF, leaving no tag."""
    return 1 if im.format == "TIFF" else tagged


def _display_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _decode_fitting(
    im: Image.Image,
    box: tuple[int, int],
    orientation: int,
    turn: int = 0,
    *,
    keep_profile: bool = False,
) -> tuple[Image.Image, bytes | None]:
    """Decode ``im`` (lazily opened) to fit ``box`` upright and then turned ``turn`` degrees
    clockwise, as RGB or RGBA: in sRGB, or with ``keep_profile`` in the profile returned with
    it when keep_or_convert keeps that (None: sRGB)."""
    icc = im.info.get("icc_profile")
    icc = icc if isinstance(icc, bytes) else None
    upright_box = (box[1], box[0]) if turn in (90, 270) else box
    stored_box = _display_size(upright_box, orientation)  # the box in the file's orientation
    target = fit_size(im.size, stored_box)
    if im.format in ("JPEG", "MPO") and target != im.size:
        im.draft(None, target)  # libjpeg scales while decoding: at least ``target``
    im.load()
    im = _normalise_mode(im)
    im = fit_image(im, stored_box)
    im, icc = keep_or_convert(im, icc) if keep_profile else (to_srgb(im, icc), None)
    transpose = _TRANSPOSE.get(orientation)
    im = im.transpose(transpose) if transpose is not None else im
    turned = _TURN.get(turn)
    return (im.transpose(turned) if turned is not None else im), icc


def _normalise_mode(im: Image.Image) -> Image.Image:
    """Bring any decoded mode to one that scales smoothly (before resizing, not after)."""
    if im.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return im
    if im.mode.startswith("I;16"):  # 16-bit greyscale (PNG, TIFF)
        return im.convert("I").point(lambda v: v / 257).convert("L")
    if im.mode in ("I", "F"):  # 32-bit: no fixed range, so stretch what is there
        low, high = im.getextrema()
        assert isinstance(low, int | float) and isinstance(high, int | float)  # one band
        span = (high - low) or 1
        return im.point(lambda v: (v - low) * 255 / span).convert("L")
    return im.convert("RGBA" if _has_alpha(im) else "RGB")


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info


def _mp(pixels: int) -> str:
    return f"{pixels / 1_000_000:g} megapixels"


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]
