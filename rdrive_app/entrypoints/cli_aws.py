"""``rdrive aws setup``: the AWS backend's bucket and tables on any S3/DynamoDB endpoint.

For running the aws backend without AWS (moto's server, LocalStack, MinIO with DynamoDB Local):
it makes what the CDK stack makes on AWS, with the same bucket rules, and says what it did.
Settings come from the environment as for the app (RDRIVE_BUCKET, RDRIVE_ITEMS_TABLE,
RDRIVE_USERS_TABLE, RDRIVE_AWS_REGION, RDRIVE_SITE_URL for CORS) plus AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import os

import typer

from rdrive_app.core.settings import SettingsError, load_settings

aws_app = typer.Typer(help="The aws backend without AWS (moto, LocalStack, MinIO).")

ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_DYNAMODB")


@aws_app.command("setup")
def aws_setup() -> None:
    """Make the media bucket (CORS for RDRIVE_SITE_URL only, lifecycle, Block Public Access,
    versioning) and the two tables on AWS_ENDPOINT_URL. Safe to run again."""
    from rdrive_app.storage import ensure_aws_resources

    endpoints = {v: os.environ[v] for v in ENDPOINT_VARIABLES if os.environ.get(v)}
    if not endpoints:
        typer.echo(
            "rdrive: AWS_ENDPOINT_URL is not set. On AWS the CDK stack makes the bucket and "
            "tables (make deploy); this command is for an S3/DynamoDB endpoint such as "
            "`python -m moto.server -p 5000` (AWS_ENDPOINT_URL=http://localhost:5000).",
            err=True,
        )
        raise typer.Exit(code=1)
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(f"rdrive: {exc}", err=True)
        raise typer.Exit(code=1) from None
    where = ", ".join(f"{k}={v}" for k, v in endpoints.items())
    typer.echo(f"aws setup on {where} (region {settings.aws_region})")
    for line in ensure_aws_resources(settings):
        typer.echo(line)
    typer.echo("ready: run the app with RDRIVE_BACKEND=aws and these same settings")


def register(app: typer.Typer) -> None:
    """Add ``aws`` (``rdrive aws setup``) to the ``rdrive`` command."""
    app.add_typer(aws_app, name="aws")
