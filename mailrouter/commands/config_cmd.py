"""`mailrouter check-config`: validate a config file and report every problem."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mailrouter import config


@click.command("check-config")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check_config(path: Path) -> None:
    """Check PATH and list every problem with its key and line; exit 2 if any."""
    settings = config.load(path, os.environ)
    click.echo(f"{path}: OK")
    click.echo(f"  database: {settings.database_url().split('@')[-1]}")
    click.echo(f"  mailboxes: {len(settings.mailboxes)}, SPOCs: {len(settings.spocs)}")
    click.echo(f"  time zone: {settings.general.timezone}, working days: {settings.general.nation}")
