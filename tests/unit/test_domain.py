"""Names and folder paths: the gate between browser input and storage keys."""

import pytest

from rdrive_app.core.domain import (
    is_same_or_inside,
    normalize_folder,
    numbered_name,
    split_path,
    validate_name,
    validate_username,
)
from rdrive_app.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("/", "/"),
        ("/spain2024", "/spain2024"),
        ("/spain2024/beach/", "/spain2024/beach"),
        ("//a///b", "/a/b"),
        ("/Cre\u0301mieux", "/Crémieux"),
    ],
)
def test_folder_paths_are_normalised(raw, clean):
    assert normalize_folder(raw) == clean


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "spain",
        "../etc",
        "/a/../b",
        "/a/./b",
        "/a/\x00b",
        "/a/\nb",
        "/" + "x" * 300,
        None,
        42,
        "/a\\b",
    ],
)
def test_bad_folder_paths_are_refused(bad):
    with pytest.raises(InvalidInput):
        normalize_folder(bad)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        " ",
        ".",
        "..",
        "a/b",
        "a\\b",
        "a\x00b",
        "tab\there",
        "x" * 256,
        "é" * 128,
        " lead",
        "trail ",
        b"bytes",
    ],
)
def test_bad_names_are_refused_with_a_reason(bad):
    with pytest.raises(InvalidInput) as err:
        validate_name(bad)
    assert err.value.detail


def test_names_are_nfc_and_may_use_255_bytes():
    assert validate_name("Cre\u0301mieux11.tiff") == "Crémieux11.tiff"
    assert validate_name("x" * 255) == "x" * 255
    assert validate_name("日本の写真.jpg") == "日本の写真.jpg"


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("evil\u202egpj.exe.jpg", "U+202E"),  # right-to-left override: reads as another name
        ("a\u2066b.jpg", "U+2066"),  # bidi isolate
        ("zero\u200bwidth.jpg", "U+200B"),
        ("\ufeffbom.jpg", "U+FEFF"),
        ("soft\xadhyphen.jpg", "U+00AD"),
        ("line\u2028sep.jpg", "separators"),
        ("para\u2029sep.jpg", "separators"),
        ("half\ud800.jpg", "surrogates"),  # only JSON can carry one; never reaches storage
    ],
)
def test_invisible_and_direction_characters_are_refused(bad: str, why: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate_name(bad)
    assert why in err.value.detail


def test_joiners_and_flag_tags_are_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467.jpg"  # an emoji sequence with ZWJ
    scotland = "\U0001f3f4" + "".join(map(chr, [0xE0067, 0xE0062, 0xE0073, 0xE0063, 0xE0074]))
    persian = "\u0646\u0627\u0645\u0647\u200c\u0647\u0627.jpg"  # ZWNJ in a plural
    for name in (family, scotland + "\U000e007f.jpg", persian):
        assert validate_name(name) == name


def test_free_name_candidates():
    assert numbered_name("IMG_1.jpg", 0) == "IMG_1.jpg"
    assert numbered_name("IMG_1.jpg", 1) == "IMG_1 (1).jpg"
    assert numbered_name("README", 2) == "README (2)"
    assert numbered_name(".hidden", 1) == ".hidden (1)"


def test_path_helpers():
    assert split_path("/a/b") == ("/a", "b")
    assert split_path("/a") == ("/", "a")
    assert is_same_or_inside("/a/b", "/a")
    assert not is_same_or_inside("/ab", "/a")
    with pytest.raises(InvalidInput):
        split_path("/")


@pytest.mark.parametrize("bad", ["", "a b", "x" * 65, "ro/ot", "../x", None])
def test_bad_usernames(bad):
    with pytest.raises(InvalidInput):
        validate_username(bad)
