"""`mailrouter report`: governance reports for IG and managers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from mailrouter.app import App
from mailrouter.reports.output import Format, governance_report, write_governance
from mailrouter.reports.quarter import Quarter


@click.group()
def report() -> None:
    """Governance reports (quarterly, CSV and HTML)."""


def _quarter(_ctx: click.Context, _param: click.Parameter, value: str) -> Quarter:
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@report.command("governance")
@click.option("--quarter", required=True, callback=_quarter, help="Calendar quarter, e.g. 2026Q4.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder for the files.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "html", "both"]),
    default="both",
    show_default=True,
)
@click.pass_obj
def governance(app: App, quarter: Quarter, out_dir: Path, fmt: Format) -> None:
    """The quarterly governance report: arrangements, movements, reviews, durations, volume.

    CSV is one file per table (governance-<quarter>-<table>.csv); HTML is one
    self-contained, printable page (governance-<quarter>.html).
    """
    settings = app.settings()
    result = governance_report(app.sessions(), settings, quarter)
    for path in write_governance(result, out_dir, fmt, datetime.now(settings.tz)):
        click.echo(str(path))
