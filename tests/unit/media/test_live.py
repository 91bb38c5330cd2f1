"""Live Photo and Motion Photo metadata read from stills (media/live.py through analyse_image)."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from PIL import Image

from rdrive_app.media.images import analyse_image
from rdrive_app.media.live import apple_content_id, content_id_from_text, live_fields, motion_span
from rdrive_app.media.range_reader import open_ranges
from rdrive_app.media.types import MediaInfo
from tests.media_factory import (
    apple_makernote,
    live_photo_jpeg,
    motion_photo_heic,
    motion_photo_jpeg,
    small_mp4,
)

UUID = "0B5F1C2E-7A44-4C1B-9F3A-2D6E8C9B1A07"
LIMIT = 100_000_000


def info(path: Path, content_type: str = "image/jpeg") -> MediaInfo:
    with path.open("rb") as f:
        return analyse_image(f, content_type, max_pixels=LIMIT).info


@pytest.fixture(scope="module")
def mp4() -> bytes:
    return small_mp4()


def test_the_real_iphone_heic_carries_its_content_identifier(media_dir: Path) -> None:
    found = info(media_dir / "photos/IMG_5195.HEIC", "image/heic")
    assert found.content_id == "570F1469-09C7-4E50-9875-05F21D5BD166"
    assert found.motion_span is None
    assert found.camera == "Apple iPhone 11 Pro Max"  # the rest of its metadata is unchanged


def test_a_real_iphone_jpeg_whose_makernote_has_no_identifier(media_dir: Path) -> None:
    # An older iPhone's MakerNote (10 entries, no tag 0x0011): read, but nothing to pair by.
    assert info(media_dir / "photos/hdr/iphone_hdr_YES.jpg").content_id is None


def test_a_live_photo_jpeg(tmp_path: Path) -> None:
    found = info(live_photo_jpeg(tmp_path / "IMG_0001.JPG", UUID))
    assert (found.content_id, found.motion_span, found.camera) == (UUID, None, "Apple iPhone 12")


def test_lower_case_identifiers_compare_as_upper_case(tmp_path: Path) -> None:
    assert info(live_photo_jpeg(tmp_path / "a.jpg", UUID.lower())).content_id == UUID
    assert content_id_from_text(f" {UUID.lower()}\x00") == UUID
    assert content_id_from_text("not-a-uuid") is None
    assert content_id_from_text(None) is None


def test_no_makernote_or_another_makers(tmp_path: Path, media_dir: Path) -> None:
    assert info(media_dir / "photos/Canon_40D.jpg").content_id is None  # Canon's MakerNote
    assert info(live_photo_jpeg(tmp_path / "a.jpg", None)).content_id is None  # no tag 0x0011
    assert (
        info(live_photo_jpeg(tmp_path / "b.jpg", None, makernote=b"Nikon\x00")).content_id is None
    )


def _corrupt(note: bytes) -> list[bytes]:
    """Damaged copies of an Apple MakerNote: every cut, and lying counts, types and offsets."""
    entry_at = 16 + 12  # the second entry: tag 0x0011 after one LONG
    cuts = [note[:n] for n in range(len(note))]
    not_ascii = note[: entry_at + 2] + struct.pack(">H", 7) + note[entry_at + 4 :]
    too_long = note[: entry_at + 4] + struct.pack(">I", 10**6) + note[entry_at + 8 :]
    past_end = note[: entry_at + 8] + struct.pack(">I", len(note) - 3) + note[entry_at + 12 :]
    little_endian = note[:12] + b"II" + note[14:]
    not_a_uuid = note[:-37] + b"X" * 36 + b"\x00"
    return [*cuts, not_ascii, too_long, past_end, little_endian, not_a_uuid]


def test_a_broken_makernote_gives_no_identifier_and_never_fails() -> None:
    note = apple_makernote(UUID)
    assert apple_content_id(note) == UUID
    for damaged in _corrupt(note):
        assert apple_content_id(damaged) is None, damaged
    # A count past the entries there are: the walk stops at the end, whatever it found by then.
    assert apple_content_id(note[:14] + b"\xff\xff" + note[16:]) == UUID
    without = apple_makernote(None, extra=3)
    assert apple_content_id(without[:14] + b"\xff\xff" + without[16:]) is None
    assert apple_content_id(b"Apple iOS\x00") is None
    assert apple_content_id("Apple iOS") is None


def test_a_photo_with_a_broken_makernote_is_still_a_photo(tmp_path: Path) -> None:
    note = apple_makernote(UUID)
    path = live_photo_jpeg(tmp_path / "a.jpg", None, makernote=note[:-20])
    found = info(path)
    assert (found.content_id, found.width, found.height) == (None, 64, 48)


@pytest.mark.parametrize("style", ["container", "microvideo"])
def test_a_motion_photo_jpeg_locates_its_mp4(tmp_path: Path, mp4: bytes, style: str) -> None:
    path = motion_photo_jpeg(tmp_path / "PXL_0001.MP.jpg", mp4, style)
    found = info(path)
    assert found.motion_span is not None
    offset, length = found.motion_span
    assert path.read_bytes()[offset : offset + length] == mp4
    assert (found.width, found.height, found.content_id) == (64, 48, None)


def test_a_heic_motion_photo_locates_its_mp4(tmp_path: Path, mp4: bytes) -> None:
    path = motion_photo_heic(tmp_path / "PXL_0002.MP.heic", mp4)
    found = info(path, "image/heic")
    assert found.motion_span is not None
    offset, length = found.motion_span
    assert path.read_bytes()[offset : offset + length] == mp4


@pytest.mark.parametrize("style", ["container", "microvideo"])
@pytest.mark.parametrize(
    "lie", [10_000, 7, 0, -1], ids=["past-the-file", "short", "zero", "one-more"]
)
def test_a_lying_xmp_gives_no_span(tmp_path: Path, mp4: bytes, style: str, lie: int) -> None:
    claimed = lie if lie >= 0 else len(mp4) + 1  # 'one more': the offset lands a byte early
    path = motion_photo_jpeg(tmp_path / "a.jpg", mp4, style, claimed=claimed)
    assert info(path).motion_span is None


def test_an_xmp_pointing_at_something_else_gives_no_span(tmp_path: Path) -> None:
    not_mp4 = b"\x00\x00\x00\x20moov" + b"\x00" * 200  # a box, but no ftyp
    assert info(motion_photo_jpeg(tmp_path / "a.jpg", not_mp4)).motion_span is None


def _read(data: bytes):
    return lambda start, n: data[start : start + n]


def test_both_xmp_spellings_attributes_and_elements(mp4: bytes) -> None:
    data = b"\xff\xd8" + b"\x00" * 100 + mp4
    size = len(data)
    elements = (
        "<rdf:Description><GCamera:MotionPhoto>1</GCamera:MotionPhoto><Container:Directory>"
        "<rdf:Seq><rdf:li><Container:Item><Item:Semantic>Primary</Item:Semantic>"
        "<Item:Mime>image/jpeg</Item:Mime></Container:Item></rdf:li>"
        "<rdf:li><Container:Item><Item:Semantic>MotionPhoto</Item:Semantic>"
        f"<Item:Length>{len(mp4)}</Item:Length></Container:Item></rdf:li>"
        "</rdf:Seq></Container:Directory></rdf:Description>"
    )
    assert motion_span(elements, size, _read(data)) == (102, len(mp4))
    attributes = f'<rdf:Description Camera:MicroVideo="1" Camera:MicroVideoOffset="{len(mp4)}"/>'
    assert motion_span(attributes.encode(), size, _read(data)) == (102, len(mp4))
    # The MotionPhoto item must be the directory's last; a flag of 0 means a still.
    assert motion_span(elements.replace("MotionPhoto<", "GainMap<"), size, _read(data)) is None
    assert motion_span(elements.replace(">1</GCamera", ">0</GCamera"), size, _read(data)) is None
    assert motion_span(attributes.replace('Video="1"', 'Video="0"'), size, _read(data)) is None
    assert motion_span(None, size, _read(data)) is None
    assert motion_span("<x:xmpmeta/>", size, _read(data)) is None


def test_through_ranged_reads_the_file_is_left_where_it_was(tmp_path: Path, mp4: bytes) -> None:
    # As processing reads a stored original: a buffered file over ranged reads (range_reader.py).
    data = motion_photo_jpeg(tmp_path / "a.jpg", mp4).read_bytes()
    fp = open_ranges(_read(data), len(data), block=512)
    with Image.open(fp) as im:
        fp.seek(123)
        assert live_fields(im, fp)["motion_span"] == (len(data) - len(mp4), len(mp4))
        assert fp.tell() == 123
    fp.seek(0)
    assert analyse_image(fp, "image/jpeg", max_pixels=LIMIT).info.motion_span is not None


@pytest.mark.parametrize(
    "forged",
    ["<a:MotionPhoto " * 8192, ' x:MotionPhoto="' * 8192, "<a:MotionPhoto x" + "=" * 200_000],
    ids=["tags-never-closed", "quotes-never-closed", "long-attributes"],
)
def test_a_forged_xmp_is_read_in_linear_time(forged: str) -> None:
    # Before the repeats were bounded, the first one took about 5 s (329 s at 1 MiB).
    started = time.perf_counter()
    assert motion_span(forged, 10**6, _read(b"")) is None
    assert time.perf_counter() - started < 0.5
