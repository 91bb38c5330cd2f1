"""What the media functions find in a file, as plain data that pickles across processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rdrive_app.core.domain import GPS, Kind
from rdrive_app.core.playback import PLAY_ORIGINAL as PLAY_ORIGINAL  # re-exported: media's
from rdrive_app.core.playback import PLAY_REMUX as PLAY_REMUX  # plans name their action
from rdrive_app.core.playback import PLAY_TRANSCODE as PLAY_TRANSCODE  # with these

THUMB = "thumb"
PREVIEW = "preview"
# Name → bounding box. The grid shows ``thumb``; the viewer shows ``preview``.
SIZES: dict[str, tuple[int, int]] = {THUMB: (400, 400), PREVIEW: (1600, 1600)}


def fit_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit ``box``, keeping the aspect ratio."""
    w, h = size
    scale = min(1.0, box[0] / w, box[1] / h)
    return (max(1, round(w * scale)), max(1, round(h * scale)))


class MediaError(Exception):
    """The file cannot be used; ``reason`` is shown to the user as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The real type of a file, known from its first bytes."""

    kind: Kind
    content_type: str
    demuxer: str | None = None  # FFmpeg input format for videos, so probing never guesses


@dataclass(frozen=True, slots=True)
class PlaybackPlan:
    """What a video needs before every browser plays it, found when it is probed."""

    action: str  # PLAY_ORIGINAL, PLAY_REMUX or PLAY_TRANSCODE
    mime: str  # the original's type with an RFC 6381 codecs parameter, for canPlayType
    reason: str | None = None  # why the original is not played as it is (None when it is)


@dataclass(frozen=True, slots=True)
class PlaybackFile:
    """A playback rendition that was written: its type (with codecs) and its shape."""

    mime: str
    width: int
    height: int
    duration: float | None
    size: int


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """Metadata of one photo or video; dimensions are as displayed (after orientation)."""

    kind: Kind
    width: int | None = None
    height: int | None = None
    taken_at: datetime | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    lens: str | None = None
    gps: GPS | None = None
    duration: float | None = None
    rotation: int | None = None
    codec: str | None = None
    # Live Photos: Apple's content identifier, the same in a still and its video half.
    content_id: str | None = None
    # Motion Photos: (offset, length) of the MP4 a phone appended to the still.
    motion_span: tuple[int, int] | None = None
    # Videos: how a browser gets a file it can play (see media/playback.py).
    playback: PlaybackPlan | None = None

    @property
    def camera(self) -> str | None:
        """'Canon EOS 40D', 'NIKON D70', 'Apple iPhone 6': make is dropped when the model has it."""
        make, model = self.camera_make, self.camera_model
        if not model:
            return make
        if not make or model.lower().startswith(make.split()[0].lower()):
            return model
        return f"{make} {model}"


@dataclass(frozen=True, slots=True)
class Analysis:
    """A processed file: its metadata and its derived WebP images by size name."""

    info: MediaInfo
    images: dict[str, bytes] = field(default_factory=dict)
