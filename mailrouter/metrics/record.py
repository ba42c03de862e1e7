"""Counting contacts as they happen: one upsert per counter row, in the caller's transaction.

Design note. ``record_message_metrics`` is called by the router for each message
inside the transaction that writes its decision, so a message is counted exactly
when it is routed (a rolled-back group counts nothing; the retry counts once).
Every write is an ``INSERT ... ON CONFLICT DO UPDATE`` on a small key
(sender, day) or (sender, week, recipient): the cost does not grow with history.
Manual contacts (phone, counter, letter, web form, social media) go through the
same upserts, so the flags see every channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mailrouter.addresses import normalize
from mailrouter.config import Settings
from mailrouter.deadlines import is_working_day
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.metrics import ContactLogEntry, SenderDay, SenderWeekRecipient
from mailrouter.store.models.register import Case, CustomerEmail, LegalHold

CHANNELS = ("phone", "counter", "letter", "web-form", "social-media", "email")
# Detector labels that count as abusive language (threats are abusive too).
ABUSIVE_LABELS = frozenset({"abuse", "threat"})
COMPLAINT_LABEL = "complaint"
RECIPIENT_ROLES = frozenset({"to", "cc", "envelope-to"})
# A message to hundreds of addresses is one mailing, not hundreds of staff; the
# cap also keeps the per-message work bounded.
MAX_RECIPIENTS = 50
OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(18, 0)
LIVE_CASE = ("monitoring", "stage2")


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def is_out_of_hours(local: datetime, nation: str) -> bool:
    """Evenings, weekends and bank holidays where the council is."""
    if not is_working_day(local.date(), nation):
        return True
    return not OFFICE_OPENS <= local.time() < OFFICE_CLOSES


def record_message_metrics(
    session: Session,
    record: MessageRecord,
    addresses: list[tuple[str, str]],
    hits_labels: set[str],
    settings: Settings,
) -> None:
    """Count one routed message against its sender (no commit; the caller's transaction)."""
    if not record.sender:
        return
    sender = record.sender
    local = record.received_at.astimezone(settings.tz)
    senior_staff = {normalize(a) for a in settings.contacts.senior_staff}
    recipients = _recipients(addresses, sender, record.mailbox, settings)
    counts = {
        "messages": 1,
        "manual": 0,
        "senior": int(bool(recipients & senior_staff)),
        "out_of_hours": int(is_out_of_hours(local, settings.general.nation)),
        "abusive": int(bool(hits_labels & ABUSIVE_LABELS)),
        "while_open": int(_matter_open(session, sender, local.date())),
        "complaints": int(COMPLAINT_LABEL in hits_labels),
    }
    _bump_day(session, sender, local.date(), counts)
    _bump_recipients(session, sender, week_of(local.date()), sorted(recipients))


def record_manual_contact(
    session: Session,
    *,
    sender: str,
    channel: str,
    at: datetime,
    note: str,
    actor: str,
    settings: Settings,
    recipient: str | None = None,
) -> ContactLogEntry:
    """Log a contact that did not arrive by e-mail and count it like one."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
    if at.tzinfo is None:
        raise ValueError("the contact time needs a time zone")
    address = normalize(sender, fold_subaddress=settings.policy.fold_subaddress)
    staff = normalize(recipient) if recipient else None
    entry = ContactLogEntry(
        sender=address, channel=channel, at=at, note=note, recipient=staff, actor=actor
    )
    session.add(entry)
    local = at.astimezone(settings.tz)
    counts = {
        "messages": 1,
        "manual": 1,
        "senior": int(staff in {normalize(a) for a in settings.contacts.senior_staff}),
        "out_of_hours": int(is_out_of_hours(local, settings.general.nation)),
        "abusive": 0,
        "while_open": int(_matter_open(session, address, local.date())),
        "complaints": 0,
    }
    _bump_day(session, address, local.date(), counts)
    if staff:
        _bump_recipients(session, address, week_of(local.date()), [staff])
    session.flush()
    return entry


def _recipients(
    addresses: Iterable[tuple[str, str]], sender: str, mailbox: str | None, settings: Settings
) -> set[str]:
    found = {a for role, a in addresses if role in RECIPIENT_ROLES and a != sender}
    # A personal mailbox is one member of staff even when the mail was Bcc'd to it.
    for box in settings.mailboxes:
        if box.name == mailbox and box.personal:
            found.add(f"mailbox:{box.name}")
    return set(sorted(found)[:MAX_RECIPIENTS])


def _matter_open(session: Session, sender: str, day: date) -> bool:
    """Whether the council is handling a matter for this sender: a live case or open hold."""
    customer = select(CustomerEmail.customer_id).where(CustomerEmail.normalized == sender)
    live = select(Case.id).where(Case.customer_id.in_(customer), Case.status.in_(LIVE_CASE))
    held = select(LegalHold.id).where(
        LegalHold.customer_id.in_(customer),
        LegalHold.opened_on <= day,
        LegalHold.released_on.is_(None),
    )
    return session.scalars(live.union_all(held).limit(1)).first() is not None


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def _bump_day(session: Session, sender: str, day: date, counts: dict[str, int]) -> None:
    table = SenderDay.__table__
    stmt = _insert(session, table).values(sender=sender, day=day, **counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=["sender", "day"],
        set_={name: table.c[name] + stmt.excluded[name] for name in counts},
    )
    session.execute(stmt)


def _bump_recipients(session: Session, sender: str, week: date, recipients: list[str]) -> None:
    if not recipients:
        return
    table = SenderWeekRecipient.__table__
    rows = [{"sender": sender, "week": week, "recipient": r, "messages": 1} for r in recipients]
    stmt = _insert(session, table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["sender", "week", "recipient"],
        set_={"messages": table.c.messages + 1},
    )
    session.execute(stmt)
