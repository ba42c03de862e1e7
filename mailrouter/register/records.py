"""Between rows and rules: finding records, loading a case's pure state, writing it back.

Also the ``Context`` every operation runs with (who, when, which policy), so
that no function deep inside reads a clock or a global.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from mailrouter.addresses import InvalidAddress, normalize
from mailrouter.config import PolicySettings, Settings
from mailrouter.domain import CaseStatus
from mailrouter.errors import MailrouterError, PolicyError
from mailrouter.register import audit
from mailrouter.register.states import Approval, CaseState, Role, SignatoryTitle
from mailrouter.store.models.base import Base
from mailrouter.store.models.register import Case, CaseApproval, Customer, CustomerEmail

_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}")


class UnknownRecord(MailrouterError):
    """No customer or case matches what was asked for."""


@dataclass(frozen=True, slots=True)
class Context:
    """Who acts, when, and under which policy: passed to every operation."""

    actor: str
    now: datetime
    policy: PolicySettings
    tz: ZoneInfo
    # The configured SPOC ids; empty means none are configured and any id is accepted.
    spoc_ids: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings, actor: str, now: datetime) -> Context:
        return cls(
            actor, now, settings.policy, settings.tz, frozenset(s.id for s in settings.spocs)
        )

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def email(self, address: str) -> str:
        try:
            return normalize(address, fold_subaddress=self.policy.fold_subaddress)
        except InvalidAddress as exc:
            raise PolicyError(str(exc)) from exc


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def phone_key(phone: str) -> str:
    """Digits only, with a UK national 0 and +44 treated alike."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+44") or digits.startswith("0044"):
        digits = "0" + digits.removeprefix("00").removeprefix("44")
    if len(digits) < 6:
        raise PolicyError(f"not a phone number: {phone!r}")
    return digits


def check_reference(reference: str) -> str:
    if not _REFERENCE.fullmatch(reference):
        raise PolicyError(f"a case reference is 1-40 letters, digits and - / _ . ({reference!r})")
    return reference.upper()


def find_case(session: Session, key: str) -> Case:
    """A case by its id or its reference."""
    key = key.strip()
    case = (
        session.get(Case, int(key))
        if key.isdigit()
        else session.scalars(select(Case).where(Case.reference == key.upper())).one_or_none()
    )
    if case is None or case.status == CaseStatus.deleted:
        raise UnknownRecord(f"no case {key!r} on the register")
    return case


def find_customer(session: Session, key: str, ctx: Context) -> Customer:
    """A customer by id, by one of their e-mail addresses, or by their case's reference."""
    key = key.strip()
    customer: Customer | None
    if "@" in key:
        owner = select(CustomerEmail.customer_id).where(CustomerEmail.normalized == ctx.email(key))
        customer = session.scalars(select(Customer).where(Customer.id.in_(owner))).one_or_none()
    elif key.isdigit():
        customer = session.get(Customer, int(key))
    else:
        customer = session.get(Customer, find_case(session, key).customer_id)
    if customer is None:
        raise UnknownRecord(f"no customer {key!r} on the register")
    return customer


def case_of(session: Session, customer: Customer) -> Case:
    query = select(Case).where(Case.customer_id == customer.id, Case.status != CaseStatus.deleted)
    case = session.scalars(query).first()
    if case is None:
        raise UnknownRecord(f"customer {customer.id} has no case on the register")
    return case


def load_state(session: Session, case: Case) -> CaseState:
    rows = session.scalars(
        select(CaseApproval)
        .where(CaseApproval.case_id == case.id, CaseApproval.round == case.round)
        .order_by(CaseApproval.id)
    )
    approvals = tuple(
        Approval(
            role=Role(a.role),
            approver_name=a.approver_name,
            approver_email=a.approver_email,
            decided_on=a.decided_on,
            approved=a.approved,
            title=SignatoryTitle(a.title) if a.title else None,
        )
        for a in rows
    )
    return CaseState(
        status=CaseStatus(case.status),
        round_started_on=case.round_started_on,
        round=case.round,
        approvals=approvals,
        decision_on=case.decision_on,
        expires_on=case.expires_on,
        notified_on=case.notified_on,
        last_review_on=case.last_review_on,
        divert=case.divert_email,
        diversion_from=case.diversion_from,
        closed_on=case.closed_on,
        dormant_since=case.dormant_since,
        last_activity_on=case.last_activity_on,
    )


_STATE_COLUMNS = (
    "round",
    "round_started_on",
    "decision_on",
    "expires_on",
    "notified_on",
    "last_review_on",
    "diversion_from",
    "closed_on",
    "dormant_since",
    "last_activity_on",
)


def store_state(case: Case, state: CaseState, now: datetime) -> None:
    case.status = state.status.value
    case.divert_email = state.divert
    for name in _STATE_COLUMNS:
        setattr(case, name, getattr(state, name))
    case.updated_at = now


def snapshot(row: Base) -> dict[str, Any]:
    """A row's column values as JSON types, for the audit log's before/after."""
    mapper = inspect(row).mapper
    values = {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs}
    values.pop("created_at", None)
    values.pop("updated_at", None)
    data: dict[str, Any] = audit.jsonable(values)
    return data


def record(
    session: Session,
    ctx: Context,
    action: str,
    row: Base,
    *,
    customer_id: int | None,
    case_id: int | None,
    before: object = None,
    after: object = None,
) -> None:
    """Audit one change to ``row`` in the caller's transaction."""
    session.flush()
    identity = inspect(row).identity
    audit.append(
        session,
        actor=ctx.actor,
        action=action,
        at=ctx.now,
        entity=type(row).__tablename__,
        entity_id=identity[0] if identity else "",
        customer_id=customer_id,
        case_id=case_id,
        before=before,
        after=after,
    )
