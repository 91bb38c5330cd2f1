"""Device names for the sessions list, from real User-Agent headers and hostile ones."""

from __future__ import annotations

import pytest

from rdrive_app.auth.user_agents import MAX_NAME_CHARS, UNKNOWN, device_name


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Mobile Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
            "Firefox on Windows",
        ),
        ("rclone/v1.60.1", "rclone"),
        ("python-httpx/0.28.1", "python-httpx"),
        ("", UNKNOWN),
        (None, UNKNOWN),
        ("\x00\x01/2", UNKNOWN),
    ],
)
def test_device_names(header: str | None, name: str) -> None:
    assert device_name(header) == name


def test_a_huge_header_is_cut_to_a_short_name() -> None:
    assert len(device_name("x" * 100_000)) <= MAX_NAME_CHARS
