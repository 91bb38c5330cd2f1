"""Playback renditions: a file every browser plays, beside a video's untouched original.

Processing probes each video (media/playback.py says whether it is browser-safe and why not);
one that is not gets a rendition here, H.264 + AAC in MP4 (or its streams copied into MP4 when
only the container is wrong). The rendition is made in a decoder sandbox that reads the
original by ranges and writes to a temporary file, which is then stored under the item's
derived prefix: neither the original nor the rendition is ever held in memory. While it is
made the item's ``playback`` says ``preparing`` with its progress; the outcome is ``ready`` or
``failed`` with the reason (the original stays what Download gives, whatever happens).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rdrive_app.core.domain import MediaItem
from rdrive_app.core.playback import MP4, Playback, PlaybackState, player_type
from rdrive_app.core.settings import Settings
from rdrive_app.media.sandbox import SandboxPool
from rdrive_app.media.sniff import SNIFF_BYTES, sniff
from rdrive_app.media.types import PLAY_ORIGINAL, MediaError, PlaybackFile, PlaybackPlan
from rdrive_app.services.decoding import in_sandbox
from rdrive_app.storage import Storage

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 2.0  # how often a rendition's progress is written to the catalog
# Time kept back from a deadline (a Lambda's end) to store the outcome before it comes.
DEADLINE_MARGIN_S = 30.0


def initial_playback(plan: PlaybackPlan | None) -> Playback | None:
    """What a freshly probed video's playback is: the original, or a rendition to prepare."""
    if plan is None:
        return None
    if plan.action == PLAY_ORIGINAL:
        return Playback(PlaybackState.ORIGINAL, plan.mime, type=player_type(plan.mime))
    return Playback(PlaybackState.PREPARING, plan.mime, reason=plan.reason, action=plan.action)


def kept_rendition(storage: Storage, old: Playback | None, new: Playback | None) -> Playback | None:
    """``old`` when it is a finished rendition of the same original that is still stored (a
    re-run of processing keeps it rather than encoding the video again), else ``new``."""
    if (
        old is not None
        and new is not None
        and old.state == PlaybackState.READY
        and old.source_type == new.source_type
        and old.key is not None
        and storage.blobs.size(old.key) is not None
    ):
        return old
    return new


def prepare_playback(
    storage: Storage,
    settings: Settings,
    item: MediaItem,
    dest_key: str,
    *,
    pool: SandboxPool,
    deadline: float | None = None,
) -> Playback:
    """Make the rendition of ``item``'s original preparing in ``item.playback``; returns the
    outcome (ready or failed), recording progress on the item meanwhile."""
    playback = item.playback
    assert playback is not None and playback.state == PlaybackState.PREPARING

    def record(fraction: float) -> None:
        nonlocal playback
        assert playback is not None
        playback = replace(playback, progress=round(min(max(fraction, 0.0), 1.0), 3))
        storage.catalog.update_item(item.id, playback=playback)

    try:
        made = render_playback(
            storage,
            settings,
            item.original_key,
            dest_key,
            action=playback.action,
            pool=pool,
            deadline=deadline,
            on_progress=_throttled(record),
        )
    except MediaError as exc:
        log.info("item %s: no playback rendition: %s", item.id, exc.reason)
        return replace(playback, state=PlaybackState.FAILED, reason=failed_reason(exc.reason))
    return replace(playback, state=PlaybackState.READY, type=made.mime, key=dest_key, progress=1.0)


def render_playback(
    storage: Storage,
    settings: Settings,
    source_key: str,
    dest_key: str,
    *,
    action: str,
    pool: SandboxPool,
    deadline: float | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> PlaybackFile:
    """Write the rendition of the video at ``source_key`` to ``dest_key``; MediaError says
    why it could not be made (a bad stream, the time limit, the memory limit)."""
    size = storage.blobs.size(source_key)
    if size is None:
        raise MediaError("the video's file is missing")
    found = sniff(storage.blobs.read_range(source_key, 0, SNIFF_BYTES))
    with tempfile.TemporaryDirectory(prefix="rdrive-playback-") as work:
        out = Path(work) / "playback.mp4"
        made: PlaybackFile = in_sandbox(
            pool,
            settings,
            storage,
            source_key,
            size,
            "make_playback",
            {
                "out_path": str(out),
                "demuxer": found.demuxer if found else None,
                "action": action,
                "max_long_side": settings.playback_max_long_side,
            },
            timeout=time_allowed(settings, deadline),
            on_progress=on_progress,
        )
        with out.open("rb") as rendition:
            storage.blobs.put(dest_key, rendition, MP4)
    return made


def time_allowed(settings: Settings, deadline: float | None) -> float:
    """Seconds a rendition may take: the setting, or less when the caller must end sooner
    (a Lambda's remaining time); MediaError when too little is left to start one."""
    allowed = settings.playback_timeout_s
    if deadline is not None:
        left = deadline - time.monotonic() - DEADLINE_MARGIN_S
        if left < 1:
            raise MediaError("no time was left to prepare it in this run")
        allowed = min(allowed, left)
    return allowed


def failed_reason(reason: str) -> str:
    """What the viewer says when a video cannot be prepared (the original stays downloadable)."""
    return f"it could not be prepared for playing in this browser: {reason}"[:300]


def _throttled(write: Callable[[float], None]) -> Callable[[float], None]:
    """``write`` at most every PROGRESS_EVERY_S (a rendition reports every second or so)."""
    last = 0.0

    def report(fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            try:
                write(fraction)
            except Exception:  # progress is a courtesy: never let it stop the rendition
                log.warning("could not record rendition progress", exc_info=True)

    return report
