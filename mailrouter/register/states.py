"""The case state machine and its guards: pure, so every rule is testable without a database.

Statuses (``domain.CaseStatus``)::

    (new) --extreme conduct--> stage2
    (new) --> monitoring --escalate--> stage2 --> closed --> dormant --> deleted
                  ^  <-- not decided --'  |          ^        |
                  '--------- closed <-----'          '--------' reintroduced (new round)

Each entry into ``monitoring`` or ``stage2`` starts a new *round*: approvals
and notices count only within their round. A stage is *decided* when its last
approval is given (stage 1: a manager; stage 2: a Head of Service business
case, then the Senior IG Officer's sign-off, then an authorised signatory's
decision). Stage 2 diverts e-mail only from the date the customer was
notified of the decided stage, while a divert measure is in force, and only
until expiry. Every refusal is a ``PolicyError`` that says why.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from mailrouter.config import PolicySettings
from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import policy_dates


class Role(enum.StrEnum):
    manager = "manager"
    head_of_service = "head-of-service"
    senior_ig_officer = "senior-ig-officer"
    signatory = "signatory"


class SignatoryTitle(enum.StrEnum):
    director = "director"
    monitoring_officer = "monitoring-officer"


class NoticeKind(enum.StrEnum):
    stage1 = "stage1"
    stage2 = "stage2"
    review = "review"
    closure = "closure"


class Outcome(enum.StrEnum):
    continue_ = "continue"
    extend = "extend"
    escalate = "escalate"
    close = "close"


LIVE = (CaseStatus.monitoring, CaseStatus.stage2)
# In the order they must be given; the last one decides the stage.
STAGE_ROLES: dict[CaseStatus, tuple[Role, ...]] = {
    CaseStatus.monitoring: (Role.manager,),
    CaseStatus.stage2: (Role.head_of_service, Role.senior_ig_officer, Role.signatory),
}
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.monitoring: frozenset({CaseStatus.stage2, CaseStatus.closed}),
    CaseStatus.stage2: frozenset({CaseStatus.monitoring, CaseStatus.closed}),
    CaseStatus.closed: frozenset({CaseStatus.dormant}),
    CaseStatus.dormant: frozenset({CaseStatus.monitoring, CaseStatus.stage2, CaseStatus.deleted}),
    CaseStatus.deleted: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Approval:
    role: Role
    approver_name: str
    approver_email: str | None
    decided_on: date
    approved: bool
    title: SignatoryTitle | None = None

    @property
    def approver_key(self) -> str:
        return " ".join(self.approver_name.casefold().split())


@dataclass(frozen=True, slots=True)
class CaseState:
    status: CaseStatus
    round_started_on: date
    round: int = 1
    approvals: tuple[Approval, ...] = ()  # this round's only
    decision_on: date | None = None
    expires_on: date | None = None
    notified_on: date | None = None
    last_review_on: date | None = None
    divert: bool = False  # a divert-to-SPOC measure is set
    diversion_from: date | None = None
    closed_on: date | None = None
    dormant_since: date | None = None
    last_activity_on: date | None = None

    @property
    def rejected_on(self) -> date | None:
        return next((a.decided_on for a in self.approvals if not a.approved), None)

    def latest_event(self) -> date:
        dates = [self.round_started_on, *(a.decided_on for a in self.approvals)]
        for value in (self.notified_on, self.last_review_on, self.closed_on, self.dormant_since):
            if value is not None:
                dates.append(value)
        return max(dates)


def open_case(stage: CaseStatus, on: date, extreme_reason: str | None = None) -> CaseState:
    if stage not in LIVE:
        raise PolicyError(f"a case opens at monitoring (stage 1) or stage2, not {stage}")
    if stage is CaseStatus.stage2 and not (extreme_reason or "").strip():
        raise PolicyError("a case opens straight at stage 2 only for extreme conduct: give why")
    return CaseState(status=stage, round_started_on=on)


def transition(state: CaseState, to: CaseStatus, on: date) -> CaseState:
    """Move to ``to`` if the machine allows it; deletion goes through ``delete``."""
    if to not in TRANSITIONS[state.status]:
        raise PolicyError(f"a case cannot go from {state.status} to {to}")
    if on < state.latest_event():
        raise PolicyError(f"{on.isoformat()} is before the case's last recorded event")
    if to is CaseStatus.monitoring:
        if state.status is CaseStatus.stage2 and state.decision_on is not None:
            raise PolicyError("a decided stage 2 is reviewed or closed, not returned to stage 1")
        if state.divert:
            raise PolicyError("remove the e-mail diversion measure first (a stage 2 measure)")
    if to is CaseStatus.closed:
        return replace(state, status=to, closed_on=on, diversion_from=None)
    if to is CaseStatus.dormant:
        return replace(state, status=to, dormant_since=on)
    if to is CaseStatus.deleted:
        return replace(state, status=to)
    return _new_round(state, to, on)


def _new_round(state: CaseState, to: CaseStatus, on: date) -> CaseState:
    fresh = replace(
        state,
        status=to,
        round=state.round + 1,
        round_started_on=on,
        approvals=(),
        decision_on=None,
        notified_on=None,
        diversion_from=None,
    )
    if state.status is CaseStatus.dormant:
        # Reintroduced: nothing of the old arrangement stays in force.
        fresh = replace(
            fresh, expires_on=None, last_review_on=None, closed_on=None, dormant_since=None
        )
    return fresh


def approve(
    state: CaseState,
    approval: Approval,
    *,
    today: date,
    policy: PolicySettings,
    months: int | None = None,
    conflicts: Sequence[str] = (),
) -> CaseState:
    """Record one approval (or rejection); the stage's last approval makes the decision."""
    roles = _check_approval(state, approval, today)
    if approval.role is Role.signatory:
        _check_signatory(state, approval, conflicts)
    approvals = (*state.approvals, approval)
    if not approval.approved or approval.role is not roles[-1]:
        return replace(state, approvals=approvals)
    expires = policy_dates.expiry_for(approval.decided_on, months, policy)
    return replace(state, approvals=approvals, decision_on=approval.decided_on, expires_on=expires)


def _check_approval(state: CaseState, approval: Approval, today: date) -> tuple[Role, ...]:
    if state.status not in LIVE:
        raise PolicyError(f"a {state.status} case takes no approvals")
    roles = STAGE_ROLES[state.status]
    if approval.role not in roles:
        raise PolicyError(f"a {approval.role} approval does not belong to {state.status}")
    if state.decision_on is not None:
        raise PolicyError(f"the {state.status} decision is already complete")
    if state.rejected_on is not None:
        raise PolicyError(f"this {state.status} proposal was rejected; close or re-stage the case")
    given = {a.role for a in state.approvals}
    if approval.role in given:
        raise PolicyError(f"the {approval.role} approval is already recorded")
    missing = [r for r in roles[: roles.index(approval.role)] if r not in given]
    if missing:
        raise PolicyError(f"the {approval.role} needs the {missing[0]} approval first")
    if not approval.approver_name.strip():
        raise PolicyError("an approval needs the approver's name")
    earliest = max([state.round_started_on, *(a.decided_on for a in state.approvals)])
    if not earliest <= approval.decided_on <= today:
        raise PolicyError(
            f"the approval date must be between {earliest.isoformat()} and today {today}"
        )
    return roles


def _check_signatory(state: CaseState, approval: Approval, conflicts: Sequence[str]) -> None:
    if approval.title not in (SignatoryTitle.director, SignatoryTitle.monitoring_officer):
        raise PolicyError("the signatory must be a Director or the Monitoring Officer")
    if not approval.approver_email:
        raise PolicyError("the signatory's e-mail address is needed to check prior involvement")
    for earlier in state.approvals:
        if approval.approver_key == earlier.approver_key or (
            earlier.approver_email and earlier.approver_email == approval.approver_email
        ):
            raise PolicyError(f"the signatory already took part in this case as {earlier.role}")
    if conflicts:
        raise PolicyError(
            "the signatory has prior involvement with the customer and cannot decide: "
            + "; ".join(conflicts)
        )


def notify(state: CaseState, kind: NoticeKind, sent_on: date, today: date) -> CaseState:
    """Record that the customer was told; a stage 2 notice is what starts a diversion."""
    if sent_on > today:
        raise PolicyError("a notice cannot be recorded before it is sent")
    if kind in (NoticeKind.stage1, NoticeKind.stage2):
        return _notify_stage(state, kind, sent_on)
    if kind is NoticeKind.review:
        if state.last_review_on is None or sent_on < state.last_review_on:
            raise PolicyError("a review notice follows a recorded review")
        return state
    if state.closed_on is None or sent_on < state.closed_on:
        raise PolicyError("a closure notice follows the case's closure")
    return state


def _notify_stage(state: CaseState, kind: NoticeKind, sent_on: date) -> CaseState:
    stage = CaseStatus.monitoring if kind is NoticeKind.stage1 else CaseStatus.stage2
    if state.status is not stage:
        raise PolicyError(f"a {kind} notice needs a case at {stage}, not {state.status}")
    if state.decision_on is None:
        raise PolicyError(f"the {stage} decision is not complete: the customer cannot be told yet")
    if sent_on < state.decision_on:
        raise PolicyError("the notice cannot predate the decision it announces")
    if policy_dates.lapsed(state.expires_on, sent_on):
        raise PolicyError("the arrangement had already expired on that date")
    notified = min(state.notified_on, sent_on) if state.notified_on else sent_on
    diversion = state.diversion_from
    if stage is CaseStatus.stage2 and state.divert and diversion is None:
        diversion = sent_on
    return replace(state, notified_on=notified, diversion_from=diversion)


def set_divert(state: CaseState, divert: bool) -> CaseState:
    """A change of the divert measure; adding it needs a fresh stage 2 notice to take effect."""
    if divert and not state.divert and state.status is not CaseStatus.stage2:
        raise PolicyError("e-mail diversion is a stage 2 measure")
    if not divert:
        return replace(state, divert=False, diversion_from=None)
    return replace(state, divert=True)


def review(
    state: CaseState,
    outcome: Outcome,
    on: date,
    *,
    today: date,
    policy: PolicySettings,
    new_expiry: date | None = None,
    reasons: str = "",
) -> CaseState:
    """A recorded review with its outcome; returns the state after the outcome."""
    if state.status not in LIVE or state.decision_on is None or state.expires_on is None:
        raise PolicyError("there is no decided arrangement in force to review")
    anchor = policy_dates.review_anchor(state.decision_on, state.last_review_on)
    if not anchor <= on <= today:
        raise PolicyError(f"the review date must be between {anchor.isoformat()} and today")
    if outcome is not Outcome.close and policy_dates.lapsed(state.expires_on, on):
        raise PolicyError(f"the arrangement lapsed after {state.expires_on}: it can only be closed")
    reviewed = replace(state, last_review_on=on)
    if outcome is Outcome.close:
        return transition(transition(reviewed, CaseStatus.closed, on), CaseStatus.dormant, on)
    if outcome is Outcome.escalate:
        return transition(reviewed, CaseStatus.stage2, on)
    if outcome is Outcome.continue_:
        if new_expiry not in (None, state.expires_on):
            raise PolicyError("'continue' keeps the expiry; use 'extend' to change it")
        return reviewed
    if not reasons.strip():
        raise PolicyError("an extension needs its reasons recorded")
    if new_expiry is None:
        raise PolicyError("an extension needs the new expiry date")
    policy_dates.check_extension(on, state.expires_on, new_expiry, policy)
    return replace(reviewed, expires_on=new_expiry)


def close(state: CaseState, on: date) -> CaseState:
    """Close a live case; it moves to dormant the same day, starting the retention period."""
    return transition(transition(state, CaseStatus.closed, on), CaseStatus.dormant, on)


def lapse(state: CaseState, on: date) -> CaseState:
    """Close an arrangement that passed its expiry unextended, as of the day after expiry."""
    if state.status not in LIVE or not policy_dates.lapsed(state.expires_on, on):
        raise PolicyError("only a live arrangement past its expiry lapses")
    assert state.expires_on is not None
    return close(state, max(state.expires_on + timedelta(days=1), state.latest_event()))


def check_deletion(
    state: CaseState,
    on: date,
    *,
    policy: PolicySettings,
    exemptions: Sequence[str] = (),
    holds: Sequence[str] = (),
) -> None:
    if state.status is not CaseStatus.dormant or state.dormant_since is None:
        raise PolicyError(f"only a dormant case is deleted, not a {state.status} one")
    if holds:
        raise PolicyError("under legal hold, not deleted: " + ", ".join(holds))
    if exemptions:
        raise PolicyError("exempt from the 24-month deletion: " + ", ".join(exemptions))
    due = policy_dates.deletion_due_on(state.dormant_since, state.last_activity_on, policy)
    if on < due:
        raise PolicyError(f"not due for deletion until {due.isoformat()}")


def delete(
    state: CaseState,
    on: date,
    *,
    policy: PolicySettings,
    exemptions: Sequence[str] = (),
    holds: Sequence[str] = (),
) -> CaseState:
    check_deletion(state, on, policy=policy, exemptions=exemptions, holds=holds)
    return transition(state, CaseStatus.deleted, on)


def record_activity(state: CaseState, on: date) -> CaseState:
    """Activity on a dormant case (contact recommenced and considered) restarts retention."""
    latest = max(state.last_activity_on, on) if state.last_activity_on else on
    return replace(state, last_activity_on=latest)


def diversion_effective(state: CaseState, on: date) -> bool:
    """The one rule the router obeys; ``queries.active_diversion_for`` is its SQL twin."""
    return (
        state.status is CaseStatus.stage2
        and state.decision_on is not None
        and state.divert
        and state.diversion_from is not None
        and state.diversion_from <= on
        and not policy_dates.lapsed(state.expires_on, on)
    )
