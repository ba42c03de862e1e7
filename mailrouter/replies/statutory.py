"""The customer's open statutory requests, as the release rules need them (reads only).

A request is a statutory-request hit ("SAR, due 2026-03-02") on a message
recorded against the case. It is open until a reply that answers that very
message has been queued or sent. A deadline more than ``OVERDUE_WINDOW`` in
the past is left to IG: it was answered some other way (by post, in person)
or is already overdue, and holding every later reply to it would only stop
the cadence working.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.replies.cadence import StatutoryDeadline, statutory_deadline_in
from mailrouter.store.models.replies import QUEUED, SENT, HeldReply
from mailrouter.store.models.routing import CaseContact, DecisionRow

STATUTORY_STEP = "statutory-request"
OVERDUE_WINDOW = timedelta(days=28)


def details_of(hits: Iterable[object]) -> list[str]:
    return [
        str(hit.get("detail", ""))
        for hit in hits
        if isinstance(hit, dict) and hit.get("step") == STATUTORY_STEP
    ]


def open_requests(
    session: Session, case_ids: Iterable[int], *, today: date
) -> dict[int, list[StatutoryDeadline]]:
    """Case id -> its unanswered statutory deadlines (only cases that have some)."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(CaseContact.case_id, CaseContact.message_pk, DecisionRow.hits)
        .join(DecisionRow, DecisionRow.message_pk == CaseContact.message_pk)
        .where(CaseContact.case_id.in_(wanted))
    ).all()
    answered = set(
        session.scalars(
            select(HeldReply.replied_message_pk).where(
                HeldReply.case_id.in_(wanted),
                HeldReply.state.in_((QUEUED, SENT)),
                HeldReply.replied_message_pk.is_not(None),
            )
        )
    )
    found: dict[int, list[StatutoryDeadline]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for case_id, message_pk, hits in rows:
        if message_pk in answered or (case_id, message_pk) in seen:
            continue
        seen.add((case_id, message_pk))
        deadline = statutory_deadline_in(details_of(hits or []))
        if deadline is not None and deadline.due >= today - OVERDUE_WINDOW:
            found[case_id].append(deadline)
    return dict(found)
