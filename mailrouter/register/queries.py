"""The register's read side: what the router asks for every message, and lists for people.

``active_diversion_for`` is the router's question ("does mail from this
address go to a SPOC today?"). It is one query on the unique index of
``customer_emails.normalized`` joined to ``cases`` by ``customer_id``, and it
uses the same rule as ``states.diversion_effective``: stage 2, decided, a
divert measure, notified on or before ``on``, not past expiry, with a SPOC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.orm import Session

from mailrouter.config import PolicySettings, Settings
from mailrouter.domain import CaseMatch, CaseStatus
from mailrouter.register import policy_dates
from mailrouter.register.measures import Cadence
from mailrouter.store.models.register import Case, Customer, CustomerEmail

RegisterLookup = Callable[[Session, Sequence[str], datetime], tuple[CaseMatch, ...]]


@dataclass(frozen=True, slots=True)
class DiversionTarget:
    case_id: int
    case_reference: str
    customer_id: int
    spoc_id: str
    deputy_spoc_id: str | None
    cadence: Cadence
    # The stage 2 decision date: the cadence is anchored to it.
    decision_on: date
    # The date the customer was notified: nothing is diverted before it.
    effective_from: date
    expires_on: date


def diverting(on: date) -> ColumnElement[bool]:
    """SQL for "this case diverts e-mail on ``on``" (``states.diversion_effective``)."""
    return and_(
        Case.status == CaseStatus.stage2.value,
        Case.divert_email.is_(True),
        Case.decision_on.is_not(None),
        Case.diversion_from.is_not(None),
        Case.diversion_from <= on,
        Case.expires_on >= on,
        Case.spoc_id.is_not(None),
    )


def active_diversion_for(
    session: Session, normalized_address: str, on: date
) -> DiversionTarget | None:
    """Where mail from ``normalized_address`` goes on ``on``; None if it is not diverted."""
    query = (
        select(
            Case.id,
            Case.reference,
            Case.customer_id,
            Case.spoc_id,
            Case.deputy_spoc_id,
            Case.reply_cadence,
            Case.decision_on,
            Case.diversion_from,
            Case.expires_on,
        )
        .join(CustomerEmail, CustomerEmail.customer_id == Case.customer_id)
        .where(CustomerEmail.normalized == normalized_address, diverting(on))
    )
    row = session.execute(query).first()
    if row is None:
        return None
    return DiversionTarget(
        case_id=row.id,
        case_reference=row.reference,
        customer_id=row.customer_id,
        spoc_id=row.spoc_id,
        deputy_spoc_id=row.deputy_spoc_id,
        cadence=row.reply_cadence or "fortnightly",
        decision_on=row.decision_on,
        effective_from=row.diversion_from,
        expires_on=row.expires_on,
    )


def register_lookup(settings: Settings) -> RegisterLookup:
    """The router's ``RegisterLookup``: every live or dormant case an address belongs to.

    SPOCs are named by id in the register and resolved here against the
    config; when the case's SPOC is marked absent, the deputy receives the mail.
    """
    spocs = {s.id: s for s in settings.spocs}

    def lookup(session: Session, addresses: Sequence[str], now: datetime) -> tuple[CaseMatch, ...]:
        on = now.astimezone(settings.tz).date()
        query = (
            select(Case, Customer.full_name, case((diverting(on), True), else_=False))
            .join(Customer, Customer.id == Case.customer_id)
            .join(CustomerEmail, CustomerEmail.customer_id == Case.customer_id)
            .where(CustomerEmail.normalized.in_(sorted(set(addresses))))
            .where(Case.status != CaseStatus.deleted.value)
            .order_by(Case.id)
        )
        matches: dict[int, CaseMatch] = {}
        for row, name, effective in session.execute(query):
            spoc_id = row.spoc_id
            spoc = spocs.get(spoc_id) if spoc_id else None
            if spoc is not None and spoc.absent:
                deputy = row.deputy_spoc_id or spoc.deputy
                spoc = spocs.get(deputy, spoc)
            matches[row.id] = CaseMatch(
                case_id=row.id,
                customer_id=row.customer_id,
                customer_name=name,
                status=CaseStatus(row.status),
                diversion_effective=bool(effective),
                spoc_email=spoc.email if spoc else None,
                spoc_name=spoc.name if spoc else None,
                reference=row.reference,
            )
        return tuple(matches.values())

    return lookup


@dataclass(frozen=True, slots=True)
class CaseSummary:
    case_id: int
    reference: str
    customer_id: int
    customer_name: str
    status: str
    spoc_id: str | None
    decision_on: date | None
    notified_on: date | None
    expires_on: date | None
    review_due: date | None
    review_deadline: date | None
    diverting: bool
    lapsed: bool


def list_cases(
    session: Session, on: date, policy: PolicySettings, status: str | None = None
) -> list[CaseSummary]:
    query = (
        select(Case, Customer.full_name, case((diverting(on), True), else_=False))
        .join(Customer, Customer.id == Case.customer_id)
        .order_by(Case.id)
    )
    if status:
        query = query.where(Case.status == status)
    return [
        _summary(row, name, bool(flag), on, policy) for row, name, flag in session.execute(query)
    ]


def _summary(row: Case, name: str, flag: bool, on: date, policy: PolicySettings) -> CaseSummary:
    due = deadline = None
    live = row.status in (CaseStatus.monitoring, CaseStatus.stage2)
    if live and row.decision_on and row.expires_on:
        args = (row.decision_on, row.last_review_on, row.expires_on, policy)
        due = policy_dates.review_due_on(*args)
        deadline = policy_dates.review_deadline(*args)
    return CaseSummary(
        case_id=row.id,
        reference=row.reference,
        customer_id=row.customer_id,
        customer_name=name,
        status=row.status,
        spoc_id=row.spoc_id,
        decision_on=row.decision_on,
        notified_on=row.notified_on,
        expires_on=row.expires_on,
        review_due=due,
        review_deadline=deadline,
        diverting=flag,
        lapsed=live and policy_dates.lapsed(row.expires_on, on),
    )
