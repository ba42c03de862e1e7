"""`mailrouter db upgrade|current`: the schema, migrated by Alembic."""

from __future__ import annotations

import click

from mailrouter.app import App
from mailrouter.store import db as store_db


@click.group("db")
def db() -> None:
    """Database schema: migrate and inspect."""


@db.command("upgrade")
@click.pass_obj
def upgrade(app: App) -> None:
    """Migrate the database to this version's schema (safe to run again)."""
    before, after = store_db.upgrade(app.engine())
    if before == after:
        click.echo(f"Database already at {after}; nothing to do.")
    else:
        click.echo(f"Database migrated from {before or 'empty'} to {after}.")


@db.command("current")
@click.pass_obj
def current(app: App) -> None:
    """Show the schema revision and whether it is current."""
    revision = store_db.current_revision(app.engine())
    head = store_db.head_revision()
    state = "current" if revision == head else f"needs upgrade to {head}"
    click.echo(f"{revision or 'empty'} ({state})")
