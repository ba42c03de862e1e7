"""`mailrouter ingest [--once]`, `mailrouter status`, `mailrouter quarantine list|show|retry`.

Everything printed from a message is cleaned of control characters first
(``headertext.display``): a sender must not be able to drive the terminal.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime

import click
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import logs, mailbox_health, quarantine
from mailrouter.app import App
from mailrouter.config import Settings
from mailrouter.headertext import display
from mailrouter.ingest import source_name
from mailrouter.ingest_runner import ingest_once, run_ingest
from mailrouter.rawstore import from_settings
from mailrouter.store.models import MailboxState


@click.command("ingest")
@click.option("--once", is_flag=True, help="Store everything pending, then exit.")
@click.pass_obj
def ingest(app: App, once: bool) -> None:
    """Fetch mail from every configured mailbox into the database.

    Without --once, keeps watching (IDLE, or polling) until stopped with
    SIGTERM or Ctrl-C; `mailrouter run` does this as part of the daemon.
    """
    settings, sessions = app.settings(), app.sessions()
    logs.configure(settings.logging.level, settings.logging.format)
    if not settings.mailboxes:
        raise click.ClickException("no mailboxes are configured ([[mailboxes]] in the config)")
    if not once:
        asyncio.run(_until_signalled(settings, sessions))
        return
    failed = False
    for report in asyncio.run(ingest_once(settings, sessions)):
        where = source_name(report.mailbox, report.folder)
        click.echo(
            f"{where}: {report.stored} stored, {report.quarantined} quarantined, "
            f"{report.duplicates} duplicates skipped"
            + (f", FAILED: {display(report.error, 300)}" if report.error else "")
        )
        failed = failed or report.error is not None
    if failed:
        raise click.ClickException("some mailboxes failed (see `mailrouter status`)")


async def _until_signalled(settings: Settings, sessions: sessionmaker[Session]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_ingest(settings, sessions, stop)


def _when(value: datetime | None, settings: Settings) -> str:
    return value.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if value else "never"


@click.command("status")
@click.pass_obj
def status(app: App) -> None:
    """Health of every watched mailbox folder: last success, failures, last error."""
    settings = app.settings()
    states = {(s.mailbox, s.folder): s for s in mailbox_health.all_states(app.sessions())}
    configured = [(m.name, f) for m in settings.mailboxes for f in m.folders]
    extra = [key for key in states if key not in configured]
    if not configured and not extra:
        click.echo("No mailboxes are configured.")
        return
    click.echo(
        f"{'MAILBOX/FOLDER':<32} {'STATUS':<9} {'LAST SUCCESS':<17} FAILS {'STORED':>8}  ERROR"
    )
    for key in [*configured, *extra]:
        click.echo(_status_line(key, states.get(key), settings, configured=key in configured))


def _status_line(
    key: tuple[str, str], state: MailboxState | None, settings: Settings, *, configured: bool
) -> str:
    where = source_name(*key)
    if state is None:
        return f"{where:<32} {'new':<9} {'never':<17} {0:>5} {0:>8}  (not checked yet)"
    error = display(state.last_error, 80) if state.status == "failing" else ""
    if state.status == "failing" and state.failing_since is not None:
        error = f"since {_when(state.failing_since, settings)}: {error}"
        if state.alerted_at is not None:
            error += " [alert sent]"
    if not configured:
        error = "(no longer configured) " + error
    return (
        f"{where:<32} {state.status:<9} {_when(state.last_success_at, settings):<17} "
        f"{state.consecutive_failures:>5} {state.messages_stored:>8}  {error}"
    )


@click.group("quarantine")
def quarantine_group() -> None:
    """Messages that could not be parsed (or routed), kept raw with the reason."""


@quarantine_group.command("list")
@click.option("--limit", default=100, show_default=True, help="At most this many.")
@click.option("--source", default=None, help='Only this "mailbox/folder".')
@click.pass_obj
def list_cmd(app: App, limit: int, source: str | None) -> None:
    """List quarantined messages, oldest first."""
    records = quarantine.list_quarantined(app.sessions(), limit=limit, source=source)
    if not records:
        click.echo("No quarantined messages.")
    for record in records:
        click.echo(
            f"{record.id:>7}  {record.ingested_at:%Y-%m-%d %H:%M}  "
            f"{display(record.source, 40):<32} {display(record.quarantine_reason, 120)}"
        )


@quarantine_group.command("show")
@click.argument("message_pk", type=int)
@click.pass_obj
def show(app: App, message_pk: int) -> None:
    """Show one quarantined message's record (never its body)."""
    record, addresses = quarantine.get(app.sessions(), message_pk)
    fields = {
        "message": str(record.id),
        "key": f"{record.source}:{record.source_key}",
        "status": record.status,
        "reason": record.quarantine_reason or "",
        "subject": record.subject,
        "from": record.sender or "",
        "message-id": record.message_id or "",
        "size": f"{record.size} bytes",
        "raw sha256": record.raw_sha256,
        "ingested": record.ingested_at.isoformat(),
    }
    for name, value in fields.items():
        click.echo(f"{name + ':':<12} {display(value, 500)}")
    for line in addresses:
        click.echo(f"{'address:':<12} {display(line, 400)}")
    for name, value in sorted((record.headers or {}).items()):
        click.echo(f"{'header:':<12} {display(name, 60)}: {display(value, 300)}")


@quarantine_group.command("retry")
@click.argument("message_pks", type=int, nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Every quarantined message.")
@click.pass_obj
def retry(app: App, message_pks: tuple[int, ...], retry_all: bool) -> None:
    """Parse quarantined messages again with the current limits."""
    if not message_pks and not retry_all:
        raise click.UsageError("name message numbers, or use --all")
    settings, sessions = app.settings(), app.sessions()
    ids = quarantine.quarantined_ids(sessions) if retry_all else list(message_pks)
    results = quarantine.retry(
        sessions, from_settings(settings), settings, ids, now=datetime.now(UTC)
    )
    for result in results:
        detail = f": {display(result.reason, 200)}" if result.reason else ""
        click.echo(f"{result.message_pk:>7}  {result.status}{detail}")
    released = sum(1 for r in results if r.status == "parsed")
    click.echo(f"{released} of {len(results)} parsed and released for routing.")
