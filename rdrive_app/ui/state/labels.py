"""How sizes, durations and statuses read on the page (one formatter each)."""

from __future__ import annotations

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.playback import PlaybackState


def size_label(size: int) -> str:
    """'532 bytes', '4.2 MB', '1.3 TB' (decimal units, as storage and disks count)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


def file_label(item: MediaItem) -> str:
    """'PDF · 1.2 MB': a plain file's extension (or 'File') and its size."""
    stem, dot, extension = item.name.rpartition(".")
    kind = extension.upper() if dot and stem and len(extension) <= 8 else "File"
    return f"{kind} · {size_label(item.size)}"


def duration_label(seconds: float | None) -> str:
    """'0:07', '12:05', '1:02:03'."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_label(item: MediaItem) -> str:
    """What a tile says under its icon while it has no thumbnail (a plain file: its type and
    size, 'PDF · 1.2 MB')."""
    if item.kind == Kind.FILE and item.status != Status.UPLOADING:
        return file_label(item)
    if item.status == Status.FAILED:
        return f"Failed: {item.status_reason or 'unknown reason'}"
    if item.status == Status.PROCESSING:
        return playback_note(item) or "Processing…"
    if item.status == Status.UPLOADING:
        return "Uploading…"
    return ""


def playback_note(item: MediaItem) -> str:
    """What the viewer says over a video that does not play yet: 'Preparing video 40 %', or
    why it cannot be played here (the original can still be downloaded)."""
    playback = item.playback
    if playback is None:
        return ""
    if playback.state == PlaybackState.PREPARING:
        return f"Preparing video {round(playback.progress * 100)} %"
    if playback.state == PlaybackState.FAILED:
        return f"This video cannot be played here: {playback.reason}. Download it to watch it."
    return ""
