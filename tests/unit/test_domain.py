"""Names and folder paths: the gate between browser input and storage keys."""

import pytest

from rdrive_app.domain import (
    is_same_or_inside,
    normalize_folder,
    numbered_name,
    split_path,
    validate_name,
    validate_username,
)
from rdrive_app.errors import InvalidInput


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
