"""`mailrouter retention run [--dry-run]`: purge mail and sender data past retention.

The daemon runs the same thing daily; this is for a first run after an upgrade
(which may have years of mail to age out) and for seeing what would go first.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.retention.rules import KEEP_REASONS, PURGE_CATEGORIES
from mailrouter.retention.run import Summary, estimate, run


@click.group("retention")
def retention() -> None:
    """Retention of stored mail and per-sender data ([retention] in the config)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Report what would go; change nothing.")
@actor_option
@click.pass_obj
def run_cmd(app: App, *, dry_run: bool, actor: str) -> None:
    """Purge what is past retention, per [retention]; print what went, per category."""
    settings = app.settings()
    sessions = app.sessions()
    now = datetime.now(UTC)
    total = estimate(sessions, settings, now)
    with click.progressbar(length=total, label="Messages", file=sys.stderr) as bar:
        summary = run(
            sessions, settings, now=now, dry_run=dry_run, actor=actor, progress=bar.update
        )
    _report(summary)


def _report(summary: Summary) -> None:
    verb = "Would purge" if summary.dry_run else "Purged"
    click.echo(f"{verb}:")
    for category in PURGE_CATEGORIES:
        click.echo(f"  {category}: {summary.purged[category]}")
    click.echo(f"  raw message bytes: {summary.raw_erased}")
    for table, rows in summary.sender_rows.items():
        click.echo(f"  {table} rows: {rows}")
    if not summary.dry_run:
        click.echo(f"  raw files removed: {summary.files_removed}")
    click.echo("Old enough but kept:")
    for reason in KEEP_REASONS:
        click.echo(f"  {reason}: {summary.kept[reason]}")
    if summary.dry_run:
        click.echo("Dry run: nothing was changed.")
