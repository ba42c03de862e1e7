"""What the console shows, read from the database: small typed rows, cheap queries.

Every function takes an open session and only reads. Counts are single
aggregate queries (most on indexed columns), so ``/metrics`` and ``/health``
stay cheap at scrape time whatever the size of the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from mailrouter.store.models import (
    Case,
    CaseContact,
    FlagRow,
    HeldReply,
    MailboxState,
    MessageRecord,
    OutboxRow,
)
from mailrouter.store.models.replies import HELD

READ_KINDS = ("diverted", "copied")


@dataclass(frozen=True, slots=True)
class FolderHealth:
    mailbox: str
    folder: str
    status: str  # "new", "ok" or "failing"
    consecutive_failures: int
    last_success_at: datetime | None
    failing_since: datetime | None


@dataclass(frozen=True, slots=True)
class Counts:
    ingested: int
    routed: int
    diverted: int
    quarantined: int
    outbox_by_state: dict[str, int]
    held_replies_due: int
    unread_diverted: int
    open_flags: int


@dataclass(frozen=True, slots=True)
class DivertedItem:
    message_pk: int
    case_id: int
    case_reference: str
    mailbox: str
    subject: str
    received_at: datetime
    read_at: datetime | None
    read_by: str | None


@dataclass(frozen=True, slots=True)
class UnreadForSpoc:
    spoc_id: str
    unread: int
    oldest: datetime


@dataclass(frozen=True, slots=True)
class HeldItem:
    id: int
    case_reference: str
    spoc_id: str
    subject: str
    captured_at: datetime
    release_on: date
    early_reason: str | None


@dataclass(frozen=True, slots=True)
class FlagItem:
    id: int
    kind: str
    subject: str
    urgent: bool
    status: str
    explanation: str
    period_end: date
    case_reference: str | None


def ping(session: Session) -> None:
    session.execute(text("SELECT 1"))


def folder_health(session: Session) -> list[FolderHealth]:
    query = select(
        MailboxState.mailbox,
        MailboxState.folder,
        MailboxState.status,
        MailboxState.consecutive_failures,
        MailboxState.last_success_at,
        MailboxState.failing_since,
    ).order_by(MailboxState.mailbox, MailboxState.folder)
    return [FolderHealth(*row) for row in session.execute(query)]


def outbox_by_state(session: Session) -> dict[str, int]:
    query = select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
    return {str(getattr(state, "value", state)): n for state, n in session.execute(query)}


def _count(session: Session, query: Select[int]) -> int:
    return int(session.scalar(query) or 0)


def counts(session: Session, today: date) -> Counts:
    # One pass over each large table, counting several things at once.
    ingested, routed, quarantined = session.execute(
        select(
            func.count(),
            func.count(MessageRecord.routed_at),
            func.count().filter(MessageRecord.status == "quarantined"),
        )
    ).one()
    diverted, unread = session.execute(
        select(
            func.count().filter(CaseContact.kind == "diverted"),
            func.count().filter(CaseContact.read_at.is_(None)),
        ).where(CaseContact.kind.in_(READ_KINDS))
    ).one()
    return Counts(
        ingested=int(ingested),
        routed=int(routed),
        diverted=int(diverted),
        quarantined=int(quarantined),
        outbox_by_state=outbox_by_state(session),
        held_replies_due=_count(
            session,
            select(func.count()).where(HeldReply.state == HELD, HeldReply.release_on <= today),
        ),
        unread_diverted=int(unread),
        open_flags=_count(session, select(func.count()).where(FlagRow.status == "open")),
    )


def diverted_item(session: Session, message_pk: int) -> DivertedItem | None:
    """The diverted (or copied) contact for one message; the first if it has several cases."""
    query = (
        select(CaseContact, MessageRecord, Case.reference)
        .join(MessageRecord, MessageRecord.id == CaseContact.message_pk)
        .join(Case, Case.id == CaseContact.case_id)
        .where(CaseContact.message_pk == message_pk, CaseContact.kind.in_(READ_KINDS))
        .order_by(CaseContact.id)
        .limit(1)
    )
    row = session.execute(query).first()
    if row is None:
        return None
    contact, record, reference = row
    return DivertedItem(
        message_pk=record.id,
        case_id=contact.case_id,
        case_reference=reference,
        mailbox=record.mailbox or "",
        subject=record.subject,
        received_at=record.received_at,
        read_at=contact.read_at,
        read_by=contact.read_by,
    )


def unread_by_spoc(session: Session) -> list[UnreadForSpoc]:
    spoc = func.coalesce(Case.spoc_id, "")
    query = (
        select(spoc, func.count(), func.min(MessageRecord.received_at))
        .select_from(CaseContact)
        .join(Case, Case.id == CaseContact.case_id)
        .join(MessageRecord, MessageRecord.id == CaseContact.message_pk)
        .where(CaseContact.kind.in_(READ_KINDS), CaseContact.read_at.is_(None))
        .group_by(spoc)
        .order_by(spoc)
    )
    return [UnreadForSpoc(s, n, oldest) for s, n, oldest in session.execute(query)]


def held_replies(session: Session, limit: int = 500) -> list[HeldItem]:
    query = (
        select(HeldReply, Case.reference)
        .join(Case, Case.id == HeldReply.case_id)
        .where(HeldReply.state == HELD)
        .order_by(HeldReply.release_on, HeldReply.id)
        .limit(limit)
    )
    return [
        HeldItem(r.id, ref, r.spoc_id, r.subject, r.captured_at, r.release_on, r.early_reason)
        for r, ref in session.execute(query)
    ]


def open_flags(session: Session, limit: int = 500) -> list[FlagItem]:
    query = (
        select(FlagRow)
        .where(FlagRow.status == "open")
        .order_by(FlagRow.urgent.desc(), FlagRow.created_at, FlagRow.id)
        .limit(limit)
    )
    return [
        FlagItem(
            f.id,
            f.kind,
            f.subject,
            f.urgent,
            f.status,
            f.explanation,
            f.period_end,
            f.case_reference,
        )
        for f in session.scalars(query)
    ]
