"""`mailrouter replies queue|list|release|cancel|batching`: SPOCs' replies held for the cadence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select

from mailrouter.actions.compose import clean_line
from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.replies import hold
from mailrouter.store import db
from mailrouter.store.models.register import Case
from mailrouter.store.models.replies import CANCELLED, HELD, QUEUED, SENT, HeldReply

MAX_DRAFT_BYTES = 25 * 1024 * 1024


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}") from exc
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-03-02T09:00+00:00")
    return moment


now_option = click.option(
    "--now", "now_text", default=None, help="Act as if it were this ISO 8601 instant (testing)."
)


@click.group("replies")
def replies() -> None:
    """Replies to stage 2 customers, held until the customer's cadence releases them."""


@replies.command("queue")
@click.argument("case_reference")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--in-reply-to", default=None, help="Message-ID of the customer's message.")
@actor_option
@now_option
@click.pass_obj
def queue(
    app: App,
    *,
    case_reference: str,
    draft: Path,
    in_reply_to: str | None,
    actor: str,
    now_text: str | None,
) -> None:
    """Hold the reply in DRAFT (an .eml file) for CASE_REFERENCE's next release."""
    raw = draft.read_bytes()
    if len(raw) > MAX_DRAFT_BYTES:
        raise click.ClickException(f"the draft is over {MAX_DRAFT_BYTES} bytes")
    settings = app.settings()
    try:
        with db.transaction(app.sessions()) as session:
            reply = hold.capture(
                session,
                case_reference=case_reference,
                raw=raw,
                actor=actor,
                now=_now(now_text),
                settings=settings,
                in_reply_to=in_reply_to,
            )
    except hold.ReplyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Reply {reply.id} held for release on {reply.release_on.isoformat()}.")
    if reply.early_reason:
        click.echo(f"Early: {clean_line(reply.early_reason, 300)}")


@replies.command("list")
@click.option(
    "--state",
    type=click.Choice([HELD, QUEUED, SENT, CANCELLED, "all"]),
    default=None,
    help="Only replies in this state (default: every reply still to be sent).",
)
@click.pass_obj
def list_replies(app: App, state: str | None) -> None:
    """List held replies with their release dates, earliest first."""
    with app.sessions()() as session:
        query = select(HeldReply, Case.reference).join(Case, Case.id == HeldReply.case_id)
        if state is None:
            query = query.where(HeldReply.state.in_((HELD, QUEUED)))
        elif state != "all":
            query = query.where(HeldReply.state == state)
        rows = session.execute(query.order_by(HeldReply.release_on, HeldReply.id)).all()
    if not rows:
        click.echo("No replies" + (f" in state {state}." if state else " waiting."))
        return
    click.echo(f"{'id':>6}  {'case':<16} {'spoc':<12} {'state':<9} {'release':<10}  subject")
    for reply, reference in rows:
        click.echo(
            f"{reply.id:>6}  {clean_line(reference, 16):<16} {clean_line(reply.spoc_id, 12):<12} "
            f"{reply.state:<9} {reply.release_on.isoformat():<10}  {clean_line(reply.subject, 80)}"
        )
        if reply.release_reason:
            click.echo(f"{'':>8}released: {clean_line(reply.release_reason, 300)}")
        elif reply.early_reason:
            click.echo(f"{'':>8}early: {clean_line(reply.early_reason, 300)}")
        if reply.cancel_reason:
            click.echo(f"{'':>8}cancelled: {clean_line(reply.cancel_reason, 300)}")
        if reply.sent_at is not None:
            click.echo(f"{'':>8}sent {reply.sent_at.isoformat()} as {reply.message_id}")


@replies.command("release")
@click.option("--due", is_flag=True, required=True, help="Release every reply due by now.")
@now_option
@click.pass_obj
def release(app: App, due: bool, now_text: str | None) -> None:
    """Queue every reply whose release date has come (safe to run again)."""
    with db.transaction(app.sessions()) as session:
        released = hold.release_due(session, now=_now(now_text), settings=app.settings())
    count = sum(len(r.reply_ids) for r in released)
    click.echo(f"Released {count} replies in {len(released)} messages.")
    for item in released:
        click.echo(f"  {item.key}: replies {', '.join(map(str, item.reply_ids))}")


@replies.command("cancel")
@click.argument("reply_id", type=int)
@click.option("--reason", required=True, help="Why the reply is withdrawn (audited).")
@actor_option
@now_option
@click.pass_obj
def cancel(app: App, reply_id: int, reason: str, actor: str, now_text: str | None) -> None:
    """Withdraw held reply REPLY_ID before it is released."""
    try:
        with db.transaction(app.sessions()) as session:
            hold.cancel(session, reply_id, actor=actor, reason=reason, now=_now(now_text))
    except hold.ReplyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Reply {reply_id} cancelled.")


@replies.command("batching")
@click.argument("case_reference")
@click.argument("setting", type=click.Choice(["on", "off"]))
@actor_option
@click.pass_obj
def batching(app: App, case_reference: str, setting: str, actor: str) -> None:
    """Send a case's replies due on the same day as one message (on) or one each (off)."""
    try:
        with db.transaction(app.sessions()) as session:
            hold.set_batching(
                session, case_reference, setting == "on", actor=actor, now=datetime.now(UTC)
            )
    except hold.ReplyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Batching for {case_reference} is {setting}.")
