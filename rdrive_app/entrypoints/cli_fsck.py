"""``rdrive fsck``: check that the catalog and the blob store agree, and repair them.

Kept apart from entrypoints/cli.py (which registers it) so the reconciler's command and its
report live next to each other; the checks themselves are services/upkeep/fsck.py, which the
app also runs hourly.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rdrive_app.core.settings import SettingsError, load_settings

Repair = Annotated[
    bool, typer.Option("--repair", help="Fix what is found (default: only report it).")
]


def fsck_command(repair: Repair = False) -> None:
    """Check the library: items without files, files without items, lost thumbnails, moves
    that stopped half-way. Exits 1 when something is wrong and was not repaired."""
    from rdrive_app.services.processing import EventQueue, process_item
    from rdrive_app.services.upkeep.fsck import fsck
    from rdrive_app.services.wiring import build_services

    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(f"rdrive: {exc}", err=True)
        raise typer.Exit(code=1) from None
    # Wired like the app, but with no worker pool: lost thumbnails are made again here, in
    # this process, before the command returns.
    storage = build_services(settings, processing=EventQueue()).storage
    report = fsck(
        storage,
        repair=repair,
        reprocess=lambda item_id: process_item(storage, settings, item_id),
    )
    for line in report.lines():
        typer.echo(line)
    if not report.clean and not repair:
        typer.echo("run `rdrive fsck --repair` to fix these")
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add ``fsck`` to the ``rdrive`` command."""
    app.command("fsck")(fsck_command)
