"""Everything the register holds on one case, as plain data for `show` and SAR exports.

With ``redact=True`` (a subject access export) staff-only notes are replaced
by a marker and representatives' contact details are withheld as third-party
data; their role stays, so the customer can see that someone is recorded.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.register import audit
from mailrouter.register.measures import SpecialMeasures
from mailrouter.store.models.base import Base
from mailrouter.store.models.register import (
    Case,
    CaseApproval,
    CaseNotice,
    CaseReview,
    Customer,
    CustomerAlias,
    CustomerEmail,
    LegalHold,
    Representative,
)

STAFF_ONLY = "[withheld: staff-only note]"
THIRD_PARTY = "[withheld: third-party information]"
_HIDDEN = {"staff_note", "approver_key", "measures", "created_at", "updated_at"}


def _row(row: Base, *, redact: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for attr in row.__mapper__.column_attrs:
        if attr.key in _HIDDEN:
            continue
        data[attr.key] = getattr(row, attr.key)
    if hasattr(row, "staff_note"):
        note = row.staff_note
        data["staff_note"] = STAFF_ONLY if redact and note else note
    result: dict[str, Any] = audit.jsonable(data)
    return result


def _rows(session: Session, model: type[Base], where: Any, *, redact: bool) -> list[dict[str, Any]]:
    order = model.__table__.c.id
    return [
        _row(r, redact=redact) for r in session.scalars(select(model).where(where).order_by(order))
    ]


def case_detail(session: Session, case: Case, *, redact: bool = False) -> dict[str, Any]:
    customer = session.get_one(Customer, case.customer_id)
    measures = SpecialMeasures.from_json(case.measures)
    return {
        "customer": _row(customer, redact=redact),
        "emails": _rows(
            session, CustomerEmail, CustomerEmail.customer_id == customer.id, redact=redact
        ),
        "aliases": _rows(
            session, CustomerAlias, CustomerAlias.customer_id == customer.id, redact=redact
        ),
        "representatives": _representatives(session, customer.id, redact=redact),
        "legal_holds": _rows(
            session, LegalHold, LegalHold.customer_id == customer.id, redact=redact
        ),
        "case": _row(case, redact=redact),
        "special_measures": measures.describe(),
        "special_measures_data": measures.to_json(),
        "approvals": _rows(session, CaseApproval, CaseApproval.case_id == case.id, redact=redact),
        "notices": _rows(session, CaseNotice, CaseNotice.case_id == case.id, redact=redact),
        "reviews": _rows(session, CaseReview, CaseReview.case_id == case.id, redact=redact),
    }


def _representatives(session: Session, customer_id: int, *, redact: bool) -> list[dict[str, Any]]:
    reps = _rows(session, Representative, Representative.customer_id == customer_id, redact=False)
    if redact:
        for rep in reps:
            for key in ("name", "email", "phone"):
                if rep.get(key):
                    rep[key] = THIRD_PARTY
    return reps
