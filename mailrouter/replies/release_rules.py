"""Whether a held reply leaves today, and why (pure: the caller reads the facts).

Three facts can bring a held reply forward from the date fixed at capture:

- its case no longer restricts contact (closed, dormant, or the stage 2
  arrangement lapsed at its expiry date): nothing justifies holding it, so it
  leaves at the next release run;
- the customer has an open statutory request (FOI, EIR, SAR, complaint
  acknowledgement) with a deadline, and the reply was not tied to that
  message: we cannot tell whether the draft answers it, so, conservatively,
  it leaves no later than the working day before the earliest such deadline;
- otherwise the date fixed at capture stands (the cadence, or already early
  for the deadline of the message it answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mailrouter.deadlines import Calendar
from mailrouter.domain import CaseStatus
from mailrouter.register import policy_dates
from mailrouter.replies.cadence import StatutoryDeadline, previous_working_day

ON_CADENCE = "on the case's cadence"


@dataclass(frozen=True, slots=True)
class CaseFacts:
    status: str
    expires_on: date | None
    closed_on: date | None


@dataclass(frozen=True, slots=True)
class HeldFacts:
    release_on: date
    early_reason: str | None


@dataclass(frozen=True, slots=True)
class ReleasePlan:
    release_on: date
    reason: str

    def due(self, today: date) -> bool:
        return self.release_on <= today


def restriction_ended(case: CaseFacts, today: date) -> str | None:
    """Why the case no longer restricts contact on ``today``, or None while it does."""
    if case.status != CaseStatus.stage2.value:
        if case.closed_on is not None:
            closed = case.closed_on.isoformat()
            return f"the case was closed on {closed}: replies are no longer held"
        return f"the case is {case.status}, not stage 2: replies are no longer held"
    if policy_dates.lapsed(case.expires_on, today):
        assert case.expires_on is not None
        return (
            f"the stage 2 arrangement lapsed on {case.expires_on.isoformat()}: "
            "replies are no longer held"
        )
    return None


def plan_release(
    held: HeldFacts,
    case: CaseFacts,
    open_requests: Sequence[StatutoryDeadline],
    *,
    today: date,
    nation: Calendar | str,
) -> ReleasePlan:
    """When ``held`` leaves and the reason recorded with it."""
    ended = restriction_ended(case, today)
    if ended is not None:
        return ReleasePlan(min(held.release_on, today), ended)
    plan = ReleasePlan(held.release_on, held.early_reason or ON_CADENCE)
    if not open_requests:
        return plan
    earliest = min(open_requests, key=lambda d: d.due)
    # A deadline whose last safe day has passed: today is the soonest it can go.
    latest = max(previous_working_day(earliest.due, nation), today)
    if latest >= plan.release_on:
        return plan
    return ReleasePlan(
        latest,
        f"{earliest.label} due {earliest.due.isoformat()} is unanswered: released by the "
        f"working day before it, not on {held.release_on.isoformat()} (the draft does not "
        "say which message it answers)",
    )
