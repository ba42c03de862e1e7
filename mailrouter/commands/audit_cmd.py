"""`mailrouter audit verify|log`: the register's tamper-evident audit log."""

from __future__ import annotations

import click
from sqlalchemy import select

from mailrouter.app import App
from mailrouter.register import audit as audit_log
from mailrouter.store.models.register import AuditRow


@click.group("audit")
def audit() -> None:
    """The audit log of every register change and read."""


@audit.command("verify")
@click.pass_obj
def verify(app: App) -> None:
    """Walk the hash chain; exit 1 naming the first row that was altered or removed."""
    with app.sessions()() as session:
        result = audit_log.verify(session)
    if not result.ok:
        raise click.ClickException(
            f"audit log broken at row {result.broken_seq}: {result.problem} "
            f"({result.rows} rows before it are intact)"
        )
    click.echo(f"Audit log intact: {result.rows} rows; head hash {result.head_hash}")
    click.echo("Note the head hash somewhere safe: a later verify must extend it.")


@audit.command("log")
@click.option("--case", "case_id", type=int, help="Only rows about this case id.")
@click.option("--limit", default=50, show_default=True)
@click.pass_obj
def log(app: App, case_id: int | None, limit: int) -> None:
    """The latest audit rows (who, when, what), newest last."""
    query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
    if case_id is not None:
        query = query.where(AuditRow.case_id == case_id)
    with app.sessions()() as session:
        rows = list(session.scalars(query))
    for row in reversed(rows):
        where = f"case {row.case_id}" if row.case_id else f"{row.entity} {row.entity_id}"
        click.echo(
            f"{row.seq:>7}  {row.at:%Y-%m-%d %H:%M:%S}  {row.actor:<20} {row.action:<24} {where}"
        )
