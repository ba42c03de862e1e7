"""`mailrouter explain KEY` and `mailrouter diverted list|ack`: decisions and their reading."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy import select

from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.store.models import MessageRecord
from mailrouter.store.models.routing import CaseContact, DecisionRow


def _find(app: App, key: str) -> tuple[MessageRecord, DecisionRow | None]:
    with app.sessions()() as session:
        query = select(MessageRecord)
        if key.isdigit():
            query = query.where(MessageRecord.id == int(key))
        else:
            # A key is "{source}:{source_key}" and a source_key has a colon of its own.
            source, _, rest = key.partition(":")
            query = query.where(MessageRecord.source == source, MessageRecord.source_key == rest)
        record = session.scalars(query).first()
        if record is None:
            raise click.ClickException(f"no message with key {key!r}")
        decision = session.scalars(
            select(DecisionRow).where(DecisionRow.message_pk == record.id)
        ).first()
        return record, decision


@click.command("explain")
@click.argument("message_key")
@click.pass_obj
def explain(app: App, message_key: str) -> None:
    """Show what was decided about a message, and why (KEY or message number)."""
    record, decision = _find(app, message_key)
    click.echo(f"message {record.id}: {record.source}:{record.source_key}")
    click.echo(f"  from: {record.sender or '(none)'}   subject: {record.subject[:120]!r}")
    click.echo(f"  received: {record.received_at.isoformat()}   status: {record.status}")
    if record.quarantine_reason:
        click.echo(f"  quarantined: {record.quarantine_reason}")
    if decision is None:
        click.echo("  not decided yet")
        return
    click.echo(f"  verdict: {decision.verdict} (decided {decision.decided_at.isoformat()})")
    if not decision.hits:
        click.echo("  no step matched: no action beyond contact metrics")
    for hit in decision.hits:
        click.echo(f"  - {hit['step']}: {hit['detail']}")
    for found in decision.detections or []:
        due = f", due {found['deadline']}" if found.get("deadline") else ""
        evidence = str(found.get("evidence") or "")[:200]
        click.echo(
            f"  detected {found['label']} ({found['confidence']}, {found.get('detector', '')}"
            f"{due}): {evidence!r}"
        )


@click.group("diverted")
def diverted() -> None:
    """Diverted mail and whether its SPOC has read it."""


@diverted.command("list")
@click.option("--unread", is_flag=True, help="Only mail not yet acknowledged.")
@click.pass_obj
def list_diverted(app: App, unread: bool) -> None:
    """List diverted mail, oldest first."""
    with app.sessions()() as session:
        query = (
            select(CaseContact, MessageRecord)
            .join(MessageRecord, MessageRecord.id == CaseContact.message_pk)
            .where(CaseContact.kind.in_(("diverted", "copied")))
            .order_by(CaseContact.recorded_at)
        )
        if unread:
            query = query.where(CaseContact.read_at.is_(None))
        rows = session.execute(query).all()
    if not rows:
        click.echo("No diverted mail." if not unread else "No unread diverted mail.")
    for contact, record in rows:
        state = f"read by {contact.read_by}" if contact.read_at else "UNREAD"
        click.echo(
            f"{record.id:>6}  case {contact.case_id:<5} {record.received_at:%Y-%m-%d %H:%M}  "
            f"{state:<20} {record.subject[:60]!r}"
        )


@diverted.command("ack")
@click.argument("message_ids", nargs=-1, type=int, required=True)
@actor_option
@click.pass_obj
def ack(app: App, message_ids: tuple[int, ...], actor: str) -> None:
    """Record that the SPOC has read diverted message(s) MESSAGE_IDS."""
    now = datetime.now(UTC)
    with app.sessions()() as session, session.begin():
        contacts = session.scalars(
            select(CaseContact).where(
                CaseContact.message_pk.in_(message_ids),
                CaseContact.kind.in_(("diverted", "copied")),
            )
        ).all()
        found = {c.message_pk for c in contacts}
        for contact in contacts:
            if contact.read_at is None:
                contact.read_at, contact.read_by = now, actor
    missing = sorted(set(message_ids) - found)
    click.echo(f"Marked {len(found)} message(s) read by {actor}.")
    if missing:
        raise click.ClickException(f"not diverted mail: {', '.join(map(str, missing))}")
