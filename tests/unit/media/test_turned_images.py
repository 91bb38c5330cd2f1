"""A user's quarter turn, on top of the camera's orientation: thumbs, renditions, the JPEG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from rdrive_app.media.images import analyse_image, render_image, render_jpeg, render_sizes
from rdrive_app.media.types import PREVIEW, THUMB
from tests.media_factory import MARK_LEFT, MARK_TOP, edge_colour, looks, marked_photo

LIMIT = 100_000_000
# turn → (the side the red top edge ends on, the side the blue left edge ends on)
WHERE = {
    0: ("top", "left"),
    90: ("right", "top"),
    180: ("bottom", "right"),
    270: ("left", "bottom"),
}


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def assert_turned(im: Image.Image, turn: int) -> None:
    red, blue = WHERE[turn]
    assert looks(edge_colour(im, red), MARK_TOP), (turn, red, edge_colour(im, red))
    assert looks(edge_colour(im, blue), MARK_LEFT), (turn, blue, edge_colour(im, blue))


@pytest.mark.parametrize("orientation", [1, 6])
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_thumb_and_preview_are_turned_clockwise(orientation: int, turn: int) -> None:
    data = marked_photo((600, 400), orientation)
    result = analyse_image(io.BytesIO(data), "image/jpeg", max_pixels=LIMIT, turn=turn)
    assert (result.info.width, result.info.height) == (600, 400)  # as the camera shows it
    for name in (THUMB, PREVIEW):
        im = opened(result.images[name])
        assert (im.width > im.height) is (turn in (0, 180)), (name, im.size)
        assert_turned(im, turn)
    alone = render_sizes(io.BytesIO(data), "image/jpeg", max_pixels=LIMIT, turn=turn)
    assert opened(alone[THUMB]).size == opened(result.images[THUMB]).size


def test_a_rendition_width_is_the_width_as_shown() -> None:
    data = marked_photo((600, 400), 6)
    box = (200, 1 << 30)
    upright = opened(render_image(io.BytesIO(data), "image/jpeg", max_pixels=LIMIT, box=box))
    turned = opened(
        render_image(io.BytesIO(data), "image/jpeg", max_pixels=LIMIT, box=box, turn=90)
    )
    assert upright.size == (200, 133)
    assert turned.size == (200, 300)
    assert_turned(turned, 90)


def test_the_turned_jpeg_is_full_size_with_its_exif_but_no_orientation() -> None:
    data = marked_photo((600, 400), 6)
    out = opened(render_jpeg(io.BytesIO(data), "image/jpeg", max_pixels=LIMIT, turn=90))
    assert out.format == "JPEG" and out.size == (400, 600)
    assert_turned(out, 90)
    exif = out.getexif()
    assert exif.get(0x010F) == "rDrive tests"
    assert 0x0112 not in exif  # turned already: a viewer must not turn it again
