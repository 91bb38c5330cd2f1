"""How a video reaches a browser's player, and the video half of a Live or Motion Photo.

A phone's HEVC or a camcorder's MTS does not play in Chrome or Firefox, so processing makes a
playback rendition (H.264 + AAC in MP4) beside the untouched original; ``Playback`` records
which file a player gets and how far the rendition is. A Live Photo's still carries its video
half as ``Motion``: one item, two files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

MP4 = "video/mp4"
PLAY_ORIGINAL = "original"  # browser-safe as it is: the original is what the player gets
PLAY_REMUX = "remux"  # the streams are browser-safe, the container is not: copy into MP4
PLAY_TRANSCODE = "transcode"  # re-encode to H.264 + AAC in MP4
# Containers any browser that plays MP4 also plays (same demuxer): their type is said as MP4
# to a player, whose canPlayType answers "" for "video/quicktime" in Chrome.
_PLAYS_AS_MP4 = ("video/quicktime", "video/x-m4v")


class PlaybackState(StrEnum):
    """``original``: plays as uploaded; ``preparing``: a rendition is being made; ``ready``:
    the rendition plays; ``failed``: none could be made (the original stays downloadable)."""

    ORIGINAL = "original"
    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Playback:
    """Which file of a video a browser plays. ``source_type`` is the original's type with its
    codecs (a player that can play it, as Safari plays HEVC, may prefer the original)."""

    state: PlaybackState
    source_type: str
    type: str | None = None  # what plays (with codecs); None until something does
    key: str | None = None  # the rendition's blob key; None when the original plays
    progress: float = 0.0  # 0..1 while preparing
    reason: str | None = None  # why a rendition was needed, or why it failed
    action: str = PLAY_ORIGINAL  # how the rendition is made: PLAY_REMUX or PLAY_TRANSCODE

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Playback:
        data: dict[str, Any] = json.loads(text)
        data["state"] = PlaybackState(data["state"])
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Motion:
    """The short video of a Live Photo or Motion Photo, kept under the still's derived files.

    ``name`` is the video half's own file name (a ZIP holds it beside the still); None when
    the video was embedded in the still itself (an Android Motion Photo).
    """

    key: str
    content_type: str
    size: int
    name: str | None = None
    play_key: str | None = None  # a browser-safe file: ``key`` itself or its rendition
    play_type: str | None = None
    crc32: int | None = None  # the video's CRC-32 (its ZIP entry), when known

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Motion:
        return cls(**json.loads(text))


def player_type(mime: str) -> str:
    """``mime`` as a player's ``<source type>`` should say it: MOV and M4V as MP4."""
    for container in _PLAYS_AS_MP4:
        if mime.startswith(container):
            return MP4 + mime[len(container) :]
    return mime
