"""`mailrouter outbox list|retry`: effects waiting, failing or parked, and retrying parked ones."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy import select

from mailrouter.actions.compose import clean_line
from mailrouter.app import App
from mailrouter.store import outbox as store_outbox
from mailrouter.store.models import OutboxRow, OutboxState


@click.group("outbox")
def outbox() -> None:
    """Forwards, moves and alerts waiting to happen; retry the parked ones."""


@outbox.command("list")
@click.option(
    "--state",
    type=click.Choice([s.value for s in OutboxState]),
    default=None,
    help="Only rows in this state (default: every row not yet done).",
)
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.pass_obj
def list_rows(app: App, state: str | None, limit: int) -> None:
    """List outbox rows, oldest first, with their last error."""
    tz = app.settings().tz
    with app.sessions()() as session:
        query = select(OutboxRow).order_by(OutboxRow.id).limit(limit)
        if state is None:
            query = query.where(OutboxRow.state != OutboxState.done)
        else:
            query = query.where(OutboxRow.state == OutboxState(state))
        rows = session.scalars(query).all()
    if not rows:
        click.echo("No outbox rows" + (f" in state {state}." if state else " waiting."))
        return
    click.echo(f"{'id':>6}  {'kind':<8} {'state':<8} {'tries':>5}  {'not before':<22} key")
    for row in rows:
        when = row.not_before.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        click.echo(
            f"{row.id:>6}  {row.kind:<8} {row.state.value:<8} {row.attempts:>5}  "
            f"{when:<22} {clean_line(row.idempotency_key, 120)}"
        )
        # Errors quote relay and server replies: shown on one line, controls removed.
        if row.last_error:
            click.echo(f"{'':>8}last error: {clean_line(row.last_error, 300)}")
        note = row.payload.get("note")
        if isinstance(note, str):
            click.echo(f"{'':>8}note: {clean_line(note, 300)}")


@outbox.command("retry")
@click.argument("row_ids", nargs=-1, type=int, required=True)
@click.pass_obj
def retry(app: App, row_ids: tuple[int, ...]) -> None:
    """Requeue parked row(s) ROW_IDS to be tried again now, with a fresh attempt count."""
    now = datetime.now(UTC)
    requeued, refused = [], []
    with app.sessions()() as session, session.begin():
        for row_id in row_ids:
            if store_outbox.requeue(session, row_id, now=now):
                requeued.append(row_id)
            else:
                row = session.get(OutboxRow, row_id)
                refused.append(f"{row_id} ({row.state.value if row else 'no such row'})")
    if requeued:
        click.echo(f"Requeued {len(requeued)} row(s): {', '.join(map(str, requeued))}.")
    if refused:
        raise click.ClickException(f"only parked rows can be retried: {', '.join(refused)}")
