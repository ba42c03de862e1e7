"""`mailrouter register import|export|sar-export`: the register in and out of files."""

from __future__ import annotations

import csv
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.register import importer
from mailrouter.register.export import export_rows
from mailrouter.register.import_rows import COLUMNS
from mailrouter.register.service import Register
from mailrouter.store import db

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("import")
@click.argument("path", type=_FILE)
@actor_option
@click.pass_obj
def import_cmd(app: App, *, path: Path, actor: str) -> None:
    """Import a council's register from PATH (.csv or .xlsx; see docs/register-import.md).

    Every row is checked first and every problem is listed with its row number;
    if there is any problem, nothing is imported.
    """
    register = Register(app.sessions(), app.settings())
    total = importer.count_rows(path)
    started = time.monotonic()
    with (
        click.progressbar(length=total, label="Checking ", file=sys.stderr) as checking,
        click.progressbar(length=total, label="Importing", file=sys.stderr) as writing,
    ):
        try:
            summary = register.import_file(
                path,
                actor=actor,
                now=datetime.now(UTC),
                checked=checking.update,
                written=writing.update,
            )
        except importer.ImportRejected as exc:
            click.echo("", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            raise click.ClickException(f"{path.name}: {exc}") from exc
    seconds = time.monotonic() - started
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.by_status.items()))
    click.echo(
        f"Imported {summary.rows} cases from {path.name} in {seconds:.1f}s "
        f"({statuses}; {summary.diverting} diverting e-mail)."
    )


@click.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this CSV file (default: standard output).",
)
@actor_option
@click.pass_obj
def export_cmd(app: App, *, output: Path | None, actor: str) -> None:
    """Write the register as CSV in the import format (staff notes included: handle with care)."""
    register = Register(app.sessions(), app.settings())
    with db.transaction(register.sessions) as session:
        rows = export_rows(session, register.context(actor, datetime.now(UTC)))
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if output:
            handle.close()
    if output:
        click.echo(f"{len(rows)} cases written to {output}.", err=True)


@click.command("sar-export")
@click.argument("customer")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder for the JSON and HTML files.",
)
@actor_option
@click.pass_obj
def sar_export(app: App, *, customer: str, output_dir: Path, actor: str) -> None:
    """Everything held on CUSTOMER, for a subject access request (staff notes withheld)."""
    register = Register(app.sessions(), app.settings())
    json_path, html_path = register.sar_export(
        customer, output_dir, actor=actor, now=datetime.now(UTC)
    )
    click.echo(f"Written {json_path} and {html_path}.")
