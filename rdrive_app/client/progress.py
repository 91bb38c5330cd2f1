"""The progress bar and summary of `rdrive import` (rich, which comes with typer)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from rdrive_app.client.importer import ImportReport

MAX_LISTED = 50


class RichProgress:
    """One bar per phase: files done, bytes, rate and time left; safe from many threads."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(stderr=True)
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._files = 0

    def begin(self, phase: str, files: int, total_bytes: int) -> None:
        self._bar = Progress(
            TextColumn(f"{phase:<9}"),
            BarColumn(),
            TextColumn("{task.fields[done]}/{task.fields[files]} files"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=self._console,
        )
        self._bar.start()
        self._files = 0
        self._task = self._bar.add_task(phase, total=total_bytes, done=0, files=files)

    def advance(self, nbytes: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, nbytes)

    def file_done(self) -> None:
        if self._bar is not None and self._task is not None:
            self._files += 1
            self._bar.update(self._task, done=self._files)

    def end(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _listing(title: str, rows: list[str], console: Console) -> None:
    if not rows:
        return
    console.print(f"{title} ({len(rows)}):")
    for row in rows[:MAX_LISTED]:
        console.print(f"  {row}", markup=False, highlight=False)
    if len(rows) > MAX_LISTED:
        console.print(f"  … and {len(rows) - MAX_LISTED} more")


def print_summary(report: ImportReport, console: Console) -> None:
    """What was uploaded, skipped and why, and what failed."""
    verb = "would upload" if report.dry_run else "uploaded"
    mib = report.uploaded_bytes / 1024**2
    if report.dry_run:
        _listing("would upload", report.uploaded, console)
    _listing(
        "skipped, already in the library", [f"{p}: {w}" for p, w in report.duplicates], console
    )
    _listing("skipped, not a photo or video", report.not_media, console)
    _listing("failed", [f"{p}: {why}" for p, why in report.failed], console)
    console.print(
        f"{verb} {len(report.uploaded)} files ({mib:.1f} MiB); "
        f"{len(report.duplicates)} already there, {len(report.not_media)} not media, "
        f"{len(report.failed)} failed",
        highlight=False,
    )
