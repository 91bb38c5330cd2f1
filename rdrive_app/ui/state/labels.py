"""How sizes, durations and statuses read on the page (one formatter each)."""

from __future__ import annotations

from rdrive_app.core.domain import MediaItem, Status


def size_label(size: int) -> str:
    """'532 bytes', '4.2 MB', '1.3 TB' (decimal units, as storage and disks count)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


def duration_label(seconds: float | None) -> str:
    """'0:07', '12:05', '1:02:03'."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_label(item: MediaItem) -> str:
    if item.status == Status.FAILED:
        return f"Failed: {item.status_reason or 'unknown reason'}"
    if item.status == Status.PROCESSING:
        return "Processing…"
    if item.status == Status.UPLOADING:
        return "Uploading…"
    return ""
