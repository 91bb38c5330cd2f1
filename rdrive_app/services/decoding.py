"""Running a media operation on a stored blob, in a decoder sandbox (media/sandbox.py).

The one place that joins storage to the sandbox: the child reads the blob through ranged
reads the parent serves, never all of it at once, within the settings' time and pixel limits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdrive_app.core.settings import Settings
from rdrive_app.media.sandbox import SandboxPool, shared_pool
from rdrive_app.storage import Storage


def decoder_pool(name: str, settings: Settings) -> SandboxPool:
    """The process-wide sandbox pool ``name`` ("processing", "renditions") sized by settings."""
    return shared_pool(name, settings.processing_workers, settings.decoder_memory_bytes)


def in_sandbox(
    pool: SandboxPool,
    settings: Settings,
    storage: Storage,
    key: str,
    size: int,
    op: str,
    kwargs: dict[str, Any],
    *,
    timeout: float | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> Any:
    """Media operation ``op`` on the blob at ``key`` (``size`` bytes); ``timeout`` defaults
    to the decoding limit, ``on_progress`` hears the fractions a long operation reports."""
    return pool.run(
        op,
        size,
        lambda start, length: storage.blobs.read_range(key, start, length),
        timeout if timeout is not None else settings.processing_timeout_s,
        on_progress=on_progress,
        max_pixels=settings.max_pixels,
        **kwargs,
    )
