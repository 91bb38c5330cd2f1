"""The ``rdrive`` command: accounts, library information and imports, for the people who run it.

Errors print one line and exit non-zero; nothing here needs the web app to be running, except
`rdrive import --url`, which talks to one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from rdrive_app.client.importer import ImportTarget
from rdrive_app.core.errors import RDriveError
from rdrive_app.core.settings import SettingsError, load_settings
from rdrive_app.services.wiring import Services, build_services

app = typer.Typer(help="rDrive: a private photo and video drive.", no_args_is_help=True)
users_app = typer.Typer(help="Manage the (at most two) accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"rdrive: {message}", err=True)
    return typer.Exit(code=1)


def _services() -> Services:
    try:
        return build_services(load_settings())
    except SettingsError as exc:
        raise _fail(str(exc)) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise _fail("no password on standard input")
        return line.rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat password", hide_input=True)
    if first != second:
        raise _fail("the two passwords differ")
    return first


@users_app.command("add")
def users_add(name: str, password_stdin: PasswordStdin = False) -> None:
    """Create an account (asks for the password twice)."""
    services = _services()
    password = _read_password(password_stdin)
    try:
        user = services.accounts.add_user(name, password)
    except RDriveError as exc:
        raise _fail(exc.detail) from None
    typer.echo(f"created account {user.name}")


@users_app.command("list")
def users_list() -> None:
    """List the accounts."""
    for user in _services().accounts.list_users():
        typer.echo(f"{user.name}\tcreated {user.created_at:%Y-%m-%d %H:%M} UTC")


@users_app.command("passwd")
def users_passwd(name: str, password_stdin: PasswordStdin = False) -> None:
    """Change a password; every session of that account is signed out."""
    services = _services()
    password = _read_password(password_stdin)
    try:
        services.accounts.change_password(name, password)
    except RDriveError as exc:
        raise _fail(exc.detail) from None
    typer.echo(f"password changed for {name}; older sessions are signed out")


@users_app.command("reset-2fa")
def users_reset_2fa(name: str) -> None:
    """Turn off an account's two-factor codes and recovery codes (a lost phone); the
    password alone signs in again until they are set up anew."""
    try:
        removed = _services().accounts.reset_second_factor(name)
    except RDriveError as exc:
        raise _fail(exc.detail) from None
    if removed:
        typer.echo(f"two-factor codes turned off for {name}; set them up again in Settings")
    else:
        typer.echo(f"{name} had no two-factor codes")


@users_app.command("remove")
def users_remove(name: str) -> None:
    """Delete an account (the photos it uploaded stay in the shared library)."""
    try:
        _services().accounts.remove_user(name)
    except RDriveError as exc:
        raise _fail(exc.detail) from None
    typer.echo(f"removed account {name}")


@users_app.command("ensure-first")
def users_ensure_first(
    name: Annotated[str, typer.Option(help="Name of the first account.")] = "admin",
) -> None:
    """Create the first account when there is none, and print its password once."""
    created = _services().accounts.ensure_first_user(name)
    if created is None:
        typer.echo("rdrive: accounts exist already; sign in with yours")
        return
    user, password = created
    bar = "=" * 64
    typer.echo(
        f"{bar}\n  rDrive's first account (shown once, write it down):\n"
        f"    username: {user}\n    password: {password}\n{bar}"
    )


@app.command("info")
def info() -> None:
    """Show the backend, where data lives and how much is in the library."""
    services = _services()
    settings = services.settings
    items, folders = services.storage.catalog.count()
    typer.echo(f"backend:  {settings.backend.value}")
    if settings.backend.value == "local":
        typer.echo(f"data dir: {settings.data_dir.resolve()}")
    else:
        typer.echo(f"bucket:   {settings.bucket}")
        typer.echo(f"tables:   {settings.items_table}, {settings.users_table}")
    typer.echo(f"accounts: {len(services.accounts.list_users())} of {settings.max_users}")
    typer.echo(f"items:    {items}")
    typer.echo(f"folders:  {folders}")


@app.command("import")
def import_dir(
    directory: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="The folder on disk to bring in, with its sub-folders."),
    ],
    folder: Annotated[str, typer.Option(help="Where in rDrive to put it.")] = "/",
    url: Annotated[
        str | None,
        typer.Option(
            help="A running rDrive (e.g. http://localhost:8000) to import into over "
            "HTTP; token from RDRIVE_TOKEN, else asks for name and password."
        ),
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="The account to import as (default: the first).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be uploaded; change nothing.")
    ] = False,
) -> None:
    """Import every photo and video under DIR, keeping its sub-folders.

    Files already in the library (same sha256) are skipped and listed, and so are files that are not photos or videos. Run it again to finish an interrupted import: nothing is uploaded twice.
    """  # noqa: E501 (one line per paragraph: the help text is re-wrapped)
    from rich.console import Console

    from rdrive_app.client.importer import Importer
    from rdrive_app.client.progress import RichProgress, print_summary

    console = Console(stderr=True)
    target = _http_target(url, as_user) if url else _local_target(as_user)
    try:
        report = Importer(target, RichProgress(console)).run(directory, folder, dry_run=dry_run)
    except RDriveError as exc:
        raise _fail(exc.detail) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; run the same command again to finish the import") from None
    print_summary(report, Console())
    if not report.ok:
        raise typer.Exit(code=1)


def _local_target(as_user: str | None) -> ImportTarget:
    from rdrive_app.client.inprocess import InProcessTarget

    services = _services()
    users = services.accounts.list_users()
    if not users:
        raise _fail("there is no account yet: create one with `rdrive users add NAME`")
    if as_user is None:
        name = min(users, key=lambda u: u.created_at).name
    elif as_user in {u.name for u in users}:
        name = as_user
    else:
        raise _fail(f"no account {as_user}")
    return InProcessTarget(services, name)


def _http_target(url: str, as_user: str | None) -> ImportTarget:
    from rdrive_app.client.http import HttpTarget, RDriveClient

    token = os.environ.get("RDRIVE_TOKEN")
    if not token:
        name = as_user or typer.prompt("Name")
        password = typer.prompt("Password", hide_input=True)
        try:
            token = RDriveClient.login(url, name, password)
        except RDriveError as exc:
            raise _fail(f"cannot sign in: {exc.detail}") from None
    return HttpTarget(RDriveClient(url, token))


from rdrive_app.entrypoints.cli_aws import register as _register_aws  # noqa: E402
from rdrive_app.entrypoints.cli_fsck import register as _register_fsck  # noqa: E402

_register_fsck(app)
_register_aws(app)


def main() -> None:
    """Entry point of the ``rdrive`` script."""
    try:
        app()
    except SettingsError as exc:
        typer.echo(f"rdrive: {exc}", err=True)
        sys.exit(1)
