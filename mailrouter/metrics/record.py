"""Counting contacts as they happen: one upsert per counter row, in the caller's transaction.

Design note. ``record_message_metrics`` is called by the router for each message
inside the transaction that writes its decision, so a message is counted exactly
when it is routed (a rolled-back group counts nothing; the retry counts once).
Every write is an ``INSERT ... ON CONFLICT DO UPDATE`` on a small key
(sender, day) or (sender, week, recipient): the cost does not grow with history.
Manual contacts (phone, counter, letter, web form, social media) go through the
same upserts, so the flags see every channel.

With the message's text, the same call also keeps what the near-duplicate and
alias flags read: the sender's ring of recent fingerprints (``repeats``), their
identifying traits and, for a register customer, a writing profile
(``alias_store``). Each is a bounded read and write by key; none scans history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.addresses import normalize
from mailrouter.config import Settings, ThresholdSettings
from mailrouter.deadlines import is_working_day
from mailrouter.domain import CaseMatch
from mailrouter.metrics import alias_store, dormant, repeats
from mailrouter.metrics.fingerprint import vectorise
from mailrouter.metrics.identity import body_text, own_text, traits
from mailrouter.metrics.periods import week_of
from mailrouter.metrics.upsert import upsert
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
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LIVE_CASE = ("monitoring", "stage2")


def is_out_of_hours(local: datetime, nation: str, limits: ThresholdSettings | None = None) -> bool:
    """Outside the configured office hours and working days, or on a bank holiday."""
    limits = limits or ThresholdSettings()
    if WEEKDAYS[local.weekday()] not in limits.working_days:
        return True
    if not is_working_day(local.date(), nation) and local.weekday() < 5:
        return True  # a bank holiday
    opens = time.fromisoformat(limits.office_opens)
    return not opens <= local.time() < time.fromisoformat(limits.office_closes)


def record_message_metrics(
    session: Session,
    record: MessageRecord,
    addresses: list[tuple[str, str]],
    hits_labels: set[str],
    settings: Settings,
    *,
    text: Callable[[], str] | None = None,
    matches: Sequence[CaseMatch] = (),
) -> None:
    """Count one routed message against its sender (no commit; the caller's transaction).

    ``text`` gives the message's plain text when the near-duplicate and alias
    checks should read it; ``matches`` are the register cases the sender is in.
    """
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
        "out_of_hours": int(is_out_of_hours(local, settings.general.nation, settings.thresholds)),
        "abusive": int(bool(hits_labels & ABUSIVE_LABELS)),
        "while_open": int(_matter_open(session, sender, local.date())),
        "complaints": int(COMPLAINT_LABEL in hits_labels),
        "near_duplicates": 0,
    }
    if text is not None:
        counts["near_duplicates"] = _read_text(
            session, sender, record, text(), matches=matches, settings=settings
        )
    dormant.record(session, matches, local.date(), record.id)
    _bump_day(session, sender, local.date(), counts)
    _bump_recipients(session, sender, week_of(local.date()), sorted(recipients))


def _read_text(
    session: Session,
    sender: str,
    record: MessageRecord,
    text: str,
    *,
    matches: Sequence[CaseMatch],
    settings: Settings,
) -> int:
    """Near-duplicate and alias checks on the sender's own words; returns the repeat count."""
    limits = settings.thresholds
    day = record.received_at.astimezone(settings.tz).date()
    own = own_text(text)
    vector = vectorise(body_text(own))
    found = traits(own, record.sender_name or "")
    repeat = 0
    if vector is not None:
        repeat = repeats.record(
            session, sender, vector, day, record.id, threshold=limits.near_duplicate_similarity
        )
    customers = sorted({m.customer_id for m in matches})
    if customers:
        # A register customer's own mail teaches what they write like; it is no alias.
        for customer_id in customers:
            if vector is not None:
                alias_store.update_profile(session, customer_id, vector)
    else:
        alias_store.check_aliases(
            session, sender, found, vector, day, threshold=limits.alias_writing_similarity
        )
    alias_store.record_traits(session, sender, found, day)
    return repeat


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
        "out_of_hours": int(is_out_of_hours(local, settings.general.nation, settings.thresholds)),
        "abusive": 0,
        "while_open": int(_matter_open(session, address, local.date())),
        "complaints": 0,
        "near_duplicates": 0,
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


def _bump_day(session: Session, sender: str, day: date, counts: dict[str, int]) -> None:
    stmt = upsert(session, SenderDay.__table__, ("sender", "day"), add=tuple(counts))
    session.execute(stmt, [{"sender": sender, "day": day, **counts}])


def _bump_recipients(session: Session, sender: str, week: date, recipients: list[str]) -> None:
    if not recipients:
        return
    rows = [{"sender": sender, "week": week, "recipient": r, "messages": 1} for r in recipients]
    keys = ("sender", "week", "recipient")
    session.execute(upsert(session, SenderWeekRecipient.__table__, keys, add=("messages",)), rows)
