"""`register export`: the register as rows in the import format (docs/register-import.md).

An export can be re-imported into an empty register: the columns, the
status words and the measure codes are the importer's own.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.domain import CaseStatus
from mailrouter.register import audit
from mailrouter.register.import_rows import COLUMNS
from mailrouter.register.measures import SpecialMeasures, to_codes
from mailrouter.register.records import Context
from mailrouter.store.models.register import (
    Case,
    CaseApproval,
    CaseNotice,
    Customer,
    CustomerAlias,
    CustomerEmail,
)

_STATUS_WORDS = {"monitoring": "stage 1", "stage2": "stage 2", "dormant": "dormant"}
_ROLE_COLUMNS = {
    "manager": ("manager", "manager_email"),
    "head-of-service": ("business_case_by", "business_case_email"),
    "senior-ig-officer": ("ig_signoff_by", "ig_signoff_email"),
    "signatory": ("signatory", "signatory_email"),
}


def export_rows(session: Session, ctx: Context) -> list[dict[str, str]]:
    """Every live or dormant case as one row; the export itself is audited (ids only)."""
    cases = list(
        session.scalars(select(Case).where(Case.status != CaseStatus.deleted).order_by(Case.id))
    )
    emails = _grouped(session, CustomerEmail.customer_id, CustomerEmail.address)
    rows = [_row(session, case, emails) for case in cases]
    audit.append(
        session,
        actor=ctx.actor,
        action="cases.exported",
        at=ctx.now,
        entity="cases",
        entity_id="all",
        after={"case_ids": [c.id for c in cases]},
    )
    return rows


def _grouped(session: Session, key: Any, value: Any) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for owner, item in session.execute(select(key, value).order_by(value)):
        found[owner].append(item)
    return found


def _row(session: Session, case: Case, emails: dict[int, list[str]]) -> dict[str, str]:
    customer = session.get_one(Customer, case.customer_id)
    aliases = session.scalars(select(CustomerAlias).where(CustomerAlias.customer_id == customer.id))
    kinds: dict[str, list[str]] = defaultdict(list)
    for alias in aliases:
        kinds[alias.kind].append(alias.value)
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(
        reference=case.reference,
        full_name=customer.full_name,
        emails="; ".join(emails.get(customer.id, [])),
        phones="; ".join(kinds["phone"]),
        other_names="; ".join(kinds["name"]),
        postal_address=customer.postal_address or "",
        status=_STATUS_WORDS.get(case.status, case.status),
        opened_on=case.opened_on,
        extreme_reason=case.extreme_reason or "",
        spoc=case.spoc_id or "",
        deputy_spoc=case.deputy_spoc_id or "",
        measures=to_codes(SpecialMeasures.from_json(case.measures)),
        expires_on=case.expires_on or "",
        last_review_on=case.last_review_on or "",
        dormant_since=case.dormant_since or "",
        pre_policy="Y" if customer.pre_policy else "N",
        repeated_history="Y" if customer.repeated_history else "N",
        staff_note=customer.staff_note or "",
    )
    if case.status != CaseStatus.dormant and case.decision_on:
        row.update(_decision(session, case))
    return {k: "" if v is None else str(v) for k, v in row.items()}


def _decision(session: Session, case: Case) -> dict[str, Any]:
    found: dict[str, Any] = {"decision_date": case.decision_on}
    approvals = session.scalars(
        select(CaseApproval).where(
            CaseApproval.case_id == case.id, CaseApproval.round == case.round
        )
    )
    for approval in approvals:
        name_column, email_column = _ROLE_COLUMNS[approval.role]
        found[name_column] = approval.approver_name
        found[email_column] = approval.approver_email or ""
        if approval.title:
            found["signatory_title"] = approval.title
    notice = session.scalars(
        select(CaseNotice)
        .where(
            CaseNotice.case_id == case.id,
            CaseNotice.round == case.round,
            CaseNotice.kind.in_(("stage1", "stage2")),
        )
        .order_by(CaseNotice.sent_on)
    ).first()
    if notice is not None:
        found.update(notified_on=notice.sent_on, notice_channel=notice.channel)
    return found
