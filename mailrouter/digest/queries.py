"""Reads for the digests: plain rows, nothing decided here.

Diverted mail is the ``case_contacts`` rows of kind "diverted" or "copied"
(as ``mailrouter diverted list`` shows them) with their message, case,
customer and routing hits. Only unread mail, and mail recorded since the
previous digest, is read; excerpts are taken from the raw message only when
``digest.excerpt_chars`` asks for them, and through ``text.excerpt``, which
never runs or keeps markup.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mailrouter.actions.compose import clean_line
from mailrouter.config import Settings
from mailrouter.digest.model import (
    DeletionItem,
    DivertedRow,
    HeldRow,
    HoldItem,
    MailboxItem,
    ParkedItem,
)
from mailrouter.rawstore import RawStore, from_settings
from mailrouter.register.deletion import deletions_due
from mailrouter.register.queries import CaseSummary, list_cases
from mailrouter.register.records import Context
from mailrouter.store.models.ingest import MailboxState
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.metrics import FlagRow
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.store.models.register import Case, Customer, LegalHold
from mailrouter.store.models.replies import HELD, HeldReply
from mailrouter.store.models.routing import CaseContact, DecisionRow
from mailrouter.text import excerpt

log = logging.getLogger(__name__)

DIVERTED_KINDS = ("diverted", "copied")
ACTOR = "digest"


def diverted(
    session: Session,
    settings: Settings,
    *,
    since: datetime,
    spoc_ids: Iterable[str] | None = None,
) -> list[DivertedRow]:
    """Unread diverted mail, and any recorded since ``since``, of the given SPOCs' cases."""
    query = (
        select(
            CaseContact,
            MessageRecord,
            Case.reference,
            Case.spoc_id,
            Customer.full_name,
            Case.deputy_spoc_id,
        )
        .join(MessageRecord, MessageRecord.id == CaseContact.message_pk)
        .join(Case, Case.id == CaseContact.case_id)
        .join(Customer, Customer.id == Case.customer_id)
        .where(
            CaseContact.kind.in_(DIVERTED_KINDS),
            Case.spoc_id.is_not(None),
            or_(CaseContact.read_at.is_(None), CaseContact.recorded_at >= since),
        )
        .order_by(CaseContact.recorded_at, CaseContact.id)
    )
    if spoc_ids is not None:
        query = query.where(Case.spoc_id.in_(list(spoc_ids)))
    rows = session.execute(query).all()
    hits = _hits(session, [contact.message_pk for contact, *_ in rows])
    chars = settings.digest.excerpt_chars
    raw_store = from_settings(settings) if chars > 0 else None
    found: list[DivertedRow] = []
    seen: set[tuple[int, int]] = set()
    for contact, record, reference, spoc_id, name, deputy in rows:
        # A message diverted and copied to the same case is one item.
        if (contact.case_id, record.id) in seen:
            continue
        seen.add((contact.case_id, record.id))
        text = ""
        if raw_store is not None:
            text = _excerpt(session, raw_store, record.raw_sha256, record.id, chars)
        found.append(
            DivertedRow(
                message_pk=record.id,
                case_id=contact.case_id,
                case_reference=reference,
                customer_name=name,
                spoc_id=str(spoc_id),
                recorded_at=contact.recorded_at,
                received_at=record.received_at,
                mailbox=record.mailbox or record.source,
                subject=record.subject,
                sender=record.sender_name or record.sender or "",
                read_at=contact.read_at,
                hits=hits.get(record.id, ()),
                excerpt=text,
                deputy_spoc_id=deputy,
            )
        )
    return found


def _hits(session: Session, message_pks: list[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    if not message_pks:
        return {}
    rows = session.execute(
        select(DecisionRow.message_pk, DecisionRow.hits).where(
            DecisionRow.message_pk.in_(sorted(set(message_pks)))
        )
    ).all()
    return {
        message_pk: tuple(
            (str(hit.get("step", "")), str(hit.get("detail", "")))
            for hit in (hits or [])
            if isinstance(hit, dict)
        )
        for message_pk, hits in rows
    }


def _excerpt(
    session: Session, raw_store: RawStore, sha256: str, message_pk: int, chars: int
) -> str:
    try:
        return excerpt(raw_store.get(session, sha256), chars)
    except Exception as exc:  # a missing or unreadable original costs the excerpt, not the digest
        log.warning("digest.excerpt_failed message=%d error=%s", message_pk, type(exc).__name__)
        return ""


def held(session: Session, *, spoc_ids: Iterable[str] | None = None) -> list[HeldRow]:
    """Replies still held for their release date."""
    query = (
        select(HeldReply, Case.reference, Customer.full_name, Case.deputy_spoc_id)
        .join(Case, Case.id == HeldReply.case_id)
        .join(Customer, Customer.id == Case.customer_id)
        .where(HeldReply.state == HELD)
        .order_by(HeldReply.release_on, HeldReply.id)
    )
    if spoc_ids is not None:
        query = query.where(HeldReply.spoc_id.in_(list(spoc_ids)))
    return [
        HeldRow(
            reply_id=reply.id,
            case_id=reply.case_id,
            case_reference=reference,
            customer_name=name,
            spoc_id=reply.spoc_id,
            subject=reply.subject,
            release_on=reply.release_on,
            early_reason=reply.early_reason,
            deputy_spoc_id=deputy,
        )
        for reply, reference, name, deputy in session.execute(query).all()
    ]


def cases(session: Session, settings: Settings, day: date) -> list[CaseSummary]:
    return list_cases(session, day, settings.policy)


def open_flags(session: Session) -> list[tuple[int, str, str, str, bool, datetime]]:
    rows = session.execute(
        select(
            FlagRow.id,
            FlagRow.kind,
            FlagRow.subject,
            FlagRow.explanation,
            FlagRow.urgent,
            FlagRow.created_at,
        )
        .where(FlagRow.status == "open")
        .order_by(FlagRow.id)
    ).all()
    return [(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def deletions(session: Session, settings: Settings, now: datetime) -> list[DeletionItem]:
    ctx = Context.from_settings(settings, ACTOR, now)
    return [
        DeletionItem(
            clean_line(d.reference, 60), d.due_on, tuple(clean_line(b) for b in d.blocked_by)
        )
        for d in deletions_due(session, ctx)
    ]


def legal_holds(session: Session) -> list[HoldItem]:
    rows = session.execute(
        select(LegalHold, Customer.full_name)
        .join(Customer, Customer.id == LegalHold.customer_id)
        .where(LegalHold.released_on.is_(None))
        .order_by(LegalHold.opened_on, LegalHold.id)
    ).all()
    return [
        HoldItem(
            clean_line(name, 120),
            clean_line(h.kind.upper(), 20),
            clean_line(h.reference, 200),
            h.opened_on,
        )
        for h, name in rows
    ]


def parked(session: Session, tz: ZoneInfo) -> list[ParkedItem]:
    rows = session.scalars(
        select(OutboxRow).where(OutboxRow.state == OutboxState.parked).order_by(OutboxRow.id)
    ).all()
    return [
        ParkedItem(
            row.id,
            clean_line(row.kind, 60),
            clean_line(row.last_error or "", 300),
            row.created_at.astimezone(tz),
        )
        for row in rows
    ]


def unhealthy_mailboxes(session: Session, tz: ZoneInfo) -> list[MailboxItem]:
    rows = session.scalars(
        select(MailboxState)
        .where(MailboxState.status == "failing")
        .order_by(MailboxState.mailbox, MailboxState.folder)
    ).all()
    return [
        MailboxItem(
            clean_line(row.mailbox, 120),
            clean_line(row.folder, 200),
            row.failing_since.astimezone(tz) if row.failing_since else None,
            row.consecutive_failures,
            clean_line(row.last_error or "", 300),
        )
        for row in rows
    ]


def unread(session: Session) -> list[tuple[str, datetime]]:
    """(SPOC id, recorded at) of every unread diverted message."""
    rows = session.execute(
        select(Case.spoc_id, CaseContact.recorded_at)
        .join(Case, Case.id == CaseContact.case_id)
        .where(
            CaseContact.kind.in_(DIVERTED_KINDS),
            CaseContact.read_at.is_(None),
            Case.spoc_id.is_not(None),
        )
    ).all()
    return [(str(spoc_id), recorded_at) for spoc_id, recorded_at in rows]
