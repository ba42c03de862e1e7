"""`mailrouter contact add`: log a contact that did not come by e-mail.

Phone calls, counter visits, letters, web forms and social-media posts count
towards the same flags as e-mail; without them the metrics under-count.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.metrics.record import CHANNELS, record_manual_contact
from mailrouter.store import db


@click.group("contact")
def contact() -> None:
    """Contacts entered by hand (phone, counter, letter, web form, social media)."""


@contact.command("add")
@click.option("--sender", required=True, help="The person's e-mail address (their identity).")
@click.option("--channel", required=True, type=click.Choice(CHANNELS))
@click.option("--at", "at_text", help="When, as ISO 8601 (default now); local time if no offset.")
@click.option("--to", "recipient", help="The member of staff contacted (an address).")
@click.option("--note", default="", help="What the contact was about (kept with the entry).")
@actor_option
@click.pass_obj
def add(
    app: App,
    *,
    sender: str,
    channel: str,
    at_text: str | None,
    recipient: str | None,
    note: str,
    actor: str,
) -> None:
    """Record one contact and count it with the sender's e-mail."""
    settings = app.settings()
    try:
        at = datetime.fromisoformat(at_text) if at_text else datetime.now(UTC)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 time: {at_text}", param_hint="--at") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=settings.tz)
    with db.transaction(app.sessions()) as session:
        entry = record_manual_contact(
            session,
            sender=sender,
            channel=channel,
            at=at,
            note=note,
            actor=actor,
            settings=settings,
            recipient=recipient,
        )
        entry_id = entry.id
    click.echo(f"Contact {entry_id} ({channel}) recorded.")
