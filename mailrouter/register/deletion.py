"""Retention: which dormant cases are due for deletion, and deleting one properly.

Deletion is refused for an exempt customer (arrangements before the policy, a
repeated history) and while any legal hold is open: destroying records to
frustrate a request is an offence. Any contact recorded against the case after
it went dormant (the router's ``case_contacts``, where that table exists)
restarts the 24 months, as does activity IG records by hand. What remains is a
tombstone (ids, dates, reason), the audit chain with its payloads about the
person erased, and nothing else of theirs in the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import column, delete, func, inspect, select, table
from sqlalchemy.orm import Session

from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import audit, policy_dates, states
from mailrouter.register.people import exemptions, open_holds
from mailrouter.register.records import Context, load_state, snapshot
from mailrouter.store.models.base import UTCDateTime
from mailrouter.store.models.register import (
    Case,
    CaseApproval,
    CaseNotice,
    CaseReview,
    Customer,
    CustomerAlias,
    CustomerEmail,
    DeletionTombstone,
    LegalHold,
    Representative,
)

# Owned by routing; read only if present, so the register works without it.
_CONTACTS = table("case_contacts", column("case_id"), column("recorded_at", UTCDateTime()))


@dataclass(frozen=True, slots=True)
class DueDeletion:
    case_id: int
    reference: str
    due_on: date
    blocked_by: tuple[str, ...]


def last_contact_on(session: Session, ctx: Context, case_id: int) -> date | None:
    if not inspect(session.connection()).has_table("case_contacts"):
        return None
    latest = session.scalar(
        select(func.max(_CONTACTS.c.recorded_at)).where(_CONTACTS.c.case_id == case_id)
    )
    return latest.astimezone(ctx.tz).date() if latest is not None else None


def _state_with_contacts(session: Session, ctx: Context, case: Case) -> states.CaseState:
    state = load_state(session, case)
    contact = last_contact_on(session, ctx, case.id)
    if contact is not None and state.dormant_since is not None and contact > state.dormant_since:
        state = states.record_activity(state, contact)
    return state


def deletions_due(session: Session, ctx: Context) -> list[DueDeletion]:
    """Dormant cases past their retention date, with anything that blocks deletion."""
    found: list[DueDeletion] = []
    dormant = select(Case).where(Case.status == CaseStatus.dormant).order_by(Case.id)
    for case in session.scalars(dormant):
        state = _state_with_contacts(session, ctx, case)
        assert state.dormant_since is not None
        due = policy_dates.deletion_due_on(state.dormant_since, state.last_activity_on, ctx.policy)
        if due > ctx.today:
            continue
        customer = session.get_one(Customer, case.customer_id)
        blocked = (*open_holds(session, customer.id), *exemptions(customer))
        found.append(DueDeletion(case.id, case.reference, due, blocked))
    return found


def delete_case(session: Session, ctx: Context, case: Case, reason: str) -> DeletionTombstone:
    """Delete the case and the person's data; keep a tombstone and the (redacted) audit chain."""
    if not reason.strip():
        raise PolicyError("record the reason for the deletion")
    customer = session.get_one(Customer, case.customer_id)
    state = _state_with_contacts(session, ctx, case)
    states.delete(
        state,
        ctx.today,
        policy=ctx.policy,
        exemptions=exemptions(customer),
        holds=open_holds(session, customer.id),
    )
    tombstone = DeletionTombstone(
        case_id=case.id,
        customer_id=customer.id,
        case_reference=case.reference,
        opened_on=case.opened_on,
        dormant_since=case.dormant_since,
        deleted_on=ctx.today,
        reason=reason,
        actor=ctx.actor,
        deleted_at=ctx.now,
    )
    session.add(tombstone)
    _erase(session, case.id, customer.id)
    session.flush()
    audit.redact_customer(session, customer.id, ctx.now)
    audit.append(
        session,
        actor=ctx.actor,
        action=audit.DELETED,
        at=ctx.now,
        entity="deletion_log",
        entity_id=tombstone.id,
        customer_id=customer.id,
        case_id=case.id,
        after=snapshot(tombstone),
    )
    return tombstone


def _erase(session: Session, case_id: int, customer_id: int) -> None:
    session.flush()
    for model in (CaseApproval, CaseNotice, CaseReview):
        session.execute(delete(model).where(model.case_id == case_id))
    session.execute(delete(Case).where(Case.id == case_id))
    for owned in (LegalHold, CustomerAlias, CustomerEmail, Representative):
        session.execute(delete(owned).where(owned.customer_id == customer_id))
    session.execute(delete(Customer).where(Customer.id == customer_id))
