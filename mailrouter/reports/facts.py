"""The register's own history, read into typed rows for the governance report.

The case history comes from the audit chain (every register change writes the
case before and after), so a report for a past quarter shows the register as
it stood then, not as it stands today. Each row is dated by the day it
describes (a review's date, a closure's date), not the day it was typed in.
Cases whose audit payloads were erased by a deletion drop out of the history:
they were dormant for two years before they could be deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailrouter.reports.quarter import Quarter
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.register import AuditRow, Case, CaseReview, Customer
from mailrouter.store.models.routing import CaseContact

LIVE = ("monitoring", "stage2")


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    """The fields of a case the report needs, as one audit row left them."""

    status: str
    opened_on: date
    round_started_on: date
    decision_on: date | None = None
    expires_on: date | None = None
    last_review_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One audited change to a case, in chain order, dated by the day it describes."""

    case_id: int
    seq: int
    action: str
    on: date
    before_status: str | None
    after: CaseSnapshot


@dataclass(frozen=True, slots=True)
class CaseInfo:
    case_id: int
    reference: str
    customer_name: str


@dataclass(frozen=True, slots=True)
class ReviewFact:
    case_id: int
    reviewed_on: date
    outcome: str


@dataclass(frozen=True, slots=True)
class MailboxCount:
    """Contacts of one case (or diverted messages) that arrived at one mailbox."""

    mailbox: str
    case_id: int
    messages: int


@dataclass(frozen=True, slots=True)
class Facts:
    history: tuple[HistoryRow, ...]
    cases: Mapping[int, CaseInfo]
    reviews: tuple[ReviewFact, ...]
    # Every contact recorded against a case up to the quarter end, by mailbox:
    # what ties a case to a service (cases carry no service of their own).
    contacts: tuple[MailboxCount, ...]
    # Mail diverted in the quarter, by mailbox and case.
    diverted: tuple[MailboxCount, ...]


def load(session: Session, quarter: Quarter, tz: ZoneInfo) -> Facts:
    start, after = quarter.instants(tz)
    return Facts(
        history=tuple(_history(session, tz)),
        cases=_cases(session),
        reviews=tuple(
            ReviewFact(case_id, reviewed_on, outcome)
            for case_id, reviewed_on, outcome in session.execute(
                select(CaseReview.case_id, CaseReview.reviewed_on, CaseReview.outcome).where(
                    CaseReview.reviewed_on.between(quarter.start, quarter.end)
                )
            )
        ),
        contacts=_by_mailbox(session, CaseContact.recorded_at < after, kinds=None),
        diverted=_by_mailbox(
            session,
            MessageRecord.received_at >= start,
            MessageRecord.received_at < after,
            kinds=("diverted",),
        ),
    )


def _cases(session: Session) -> dict[int, CaseInfo]:
    query = select(Case.id, Case.reference, Customer.full_name).join(
        Customer, Customer.id == Case.customer_id
    )
    return {cid: CaseInfo(cid, ref, name) for cid, ref, name in session.execute(query)}


def _by_mailbox(
    session: Session, *conditions: Any, kinds: tuple[str, ...] | None
) -> tuple[MailboxCount, ...]:
    query = (
        select(MessageRecord.mailbox, CaseContact.case_id, func.count())
        .join(MessageRecord, MessageRecord.id == CaseContact.message_pk)
        .where(*conditions)
        .group_by(MessageRecord.mailbox, CaseContact.case_id)
    )
    if kinds is not None:
        query = query.where(CaseContact.kind.in_(kinds))
    return tuple(
        MailboxCount(mailbox or "", case_id, count)
        for mailbox, case_id, count in session.execute(query)
    )


def _history(session: Session, tz: ZoneInfo) -> list[HistoryRow]:
    query = (
        select(AuditRow.seq, AuditRow.case_id, AuditRow.action, AuditRow.at, AuditRow.payload)
        .where(
            AuditRow.case_id.is_not(None),
            AuditRow.action.like("case.%"),
            AuditRow.payload.is_not(None),
        )
        .order_by(AuditRow.seq)
        .execution_options(yield_per=2000)
    )
    rows: list[HistoryRow] = []
    for seq, case_id, action, at, payload in session.execute(query):
        if case_id is None or payload is None:
            continue
        row = history_row(seq, case_id, action, at.astimezone(tz).date(), payload)
        if row is not None:
            rows.append(row)
    return rows


def history_row(
    seq: int, case_id: int, action: str, recorded_on: date, payload: Mapping[str, Any]
) -> HistoryRow | None:
    """One audit row as history; None when it carries no case state."""
    before, after = payload.get("before"), payload.get("after")
    if action == "case.imported" and isinstance(after, Mapping):
        after = after.get("case")
    if not isinstance(after, Mapping) or "status" not in after:
        return None
    snap = CaseSnapshot(
        status=str(after["status"]),
        opened_on=_day(after.get("opened_on")) or recorded_on,
        round_started_on=_day(after.get("round_started_on")) or recorded_on,
        decision_on=_day(after.get("decision_on")),
        expires_on=_day(after.get("expires_on")),
        last_review_on=_day(after.get("last_review_on")),
        closed_on=_day(after.get("closed_on")),
    )
    status = before.get("status") if isinstance(before, Mapping) else None
    before_status = str(status) if status is not None else None
    on = _effective_day(action, before_status, snap, after, recorded_on)
    return HistoryRow(case_id, seq, action, on, before_status, snap)


def _effective_day(
    action: str,
    before_status: str | None,
    snap: CaseSnapshot,
    after: Mapping[str, Any],
    recorded_on: date,
) -> date:
    if action in ("case.opened", "case.imported"):
        if action == "case.imported" and snap.status not in LIVE:
            return snap.closed_on or recorded_on
        return snap.round_started_on if action == "case.imported" else snap.opened_on
    if before_status != snap.status:
        if snap.status in LIVE:
            return snap.round_started_on
        return snap.closed_on or recorded_on
    for key, field in (
        ("review", "reviewed_on"),
        ("approval", "decided_on"),
        ("notice", "sent_on"),
    ):
        nested = after.get(key)
        if isinstance(nested, Mapping):
            day = _day(nested.get(field))
            if day is not None:
                return day
    return recorded_on


def _day(value: object) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
