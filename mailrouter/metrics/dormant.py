"""A dormant customer's renewed contact: kept by case, raised as an urgent flag.

Routing already sends IG an immediate alert (the "recommenced" alert). This
keeps the same event in the queue, with its evidence, until IG decide: one row
per case and dormancy, so later mail in the same dormancy adds to the evidence
instead of raising another flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.domain import CaseMatch, CaseStatus
from mailrouter.metrics.flags import Flag, short_day
from mailrouter.metrics.upsert import insert_new
from mailrouter.store.models.flags_alias import RecommencedContact
from mailrouter.store.models.register import Case

KIND = "dormant-recommenced"
MAX_MESSAGE_IDS = 200


def record(
    session: Session, matches: Sequence[CaseMatch], day: date, message_id: int | None
) -> None:
    for match in matches:
        if match.status is CaseStatus.dormant:
            _record_one(session, match, day, message_id)


def _record_one(session: Session, match: CaseMatch, day: date, message_id: int | None) -> None:
    case = session.get(Case, match.case_id)
    since = (case.dormant_since if case is not None else None) or day
    ids = [message_id] if message_id is not None else []
    inserted = insert_new(
        session,
        RecommencedContact.__table__,
        case_id=match.case_id,
        customer_id=match.customer_id,
        dormant_since=since,
        first_day=day,
        last_day=day,
        messages=1,
        message_ids=ids,
    )
    if inserted:
        return
    query = select(RecommencedContact).where(
        RecommencedContact.case_id == match.case_id, RecommencedContact.dormant_since == since
    )
    row = session.scalars(query.with_for_update().execution_options(populate_existing=True)).one()
    row.messages += 1
    row.last_day = max(row.last_day, day)
    row.message_ids = [*row.message_ids, *ids][:MAX_MESSAGE_IDS]
    session.flush()


def recommenced_flag(row: RecommencedContact, customer: str, reference: str) -> Flag:
    """Urgent: the policy asks IG to consider a dormant case as soon as contact recommences."""
    text = (
        f"Dormant customer {customer} (case {reference}, dormant since"
        f" {short_day(row.dormant_since)} {row.dormant_since.year}) has written again:"
        f" {row.messages} message(s) from {short_day(row.first_day)}."
        " Urgent IG consideration; nothing changes until IG decide"
    )
    evidence: dict[str, object] = {
        "case_id": row.case_id,
        "customer_id": row.customer_id,
        "dormant_since": row.dormant_since.isoformat(),
        "messages": row.messages,
        "message_ids": list(row.message_ids),
    }
    subject = f"customer:{row.customer_id}"
    return Flag(subject, KIND, row.first_day, row.last_day, row.messages, 1.0, text, evidence)
