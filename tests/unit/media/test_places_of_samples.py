"""Real cameras' and phones' GPS positions, read from the sample files, named as places."""

from __future__ import annotations

from pathlib import Path

import pytest

from rdrive_app.media.images import analyse_image
from rdrive_app.media.places import place_of
from rdrive_app.media.video import analyse_video

LIMIT = 100_000_000


@pytest.mark.parametrize(
    ("name", "content_type", "label"),
    [
        ("photos/gps/DSCN0010.jpg", "image/jpeg", "Arezzo, Tuscany, Italy"),
        ("photos/gps/DSCN0021.jpg", "image/jpeg", "Arezzo, Tuscany, Italy"),
        ("photos/IMG_5195.HEIC", "image/heic", "Blue Springs, Missouri, United States"),
        ("videos/iphone_rotated.mov", "", "East Village, New York, United States"),
    ],
)
def test_sample_files_places(media_dir: Path, name: str, content_type: str, label: str) -> None:
    with (media_dir / name).open("rb") as f:
        if content_type:
            info = analyse_image(f, content_type, max_pixels=LIMIT).info
        else:
            info = analyse_video(f, max_pixels=LIMIT, demuxer=None).info
    place = place_of(info.gps)
    assert place is not None and place.label == label


@pytest.mark.parametrize("name", ["photos/Canon_40D.jpg", "photos/xmp/no_exif.jpg"])
def test_sample_files_without_gps_have_no_place(media_dir: Path, name: str) -> None:
    with (media_dir / name).open("rb") as f:
        info = analyse_image(f, "image/jpeg", max_pixels=LIMIT).info
    assert info.gps is None and place_of(info.gps) is None
