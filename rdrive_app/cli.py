"""The ``rdrive`` command: accounts and library information, for the people who run it.

Errors print one line and exit non-zero; nothing here needs the web app to be running.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rdrive_app.errors import RDriveError
from rdrive_app.services.container import Services, build_services
from rdrive_app.settings import SettingsError, load_settings

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


def main() -> None:
    """Entry point of the ``rdrive`` script."""
    try:
        app()
    except SettingsError as exc:
        typer.echo(f"rdrive: {exc}", err=True)
        sys.exit(1)
