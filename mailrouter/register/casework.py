"""Operations on a case: measures, approvals, notices, reviews, status changes.

Each loads the case's pure state, asks ``states`` whether the step is allowed
(a ``PolicyError`` if not), writes the resulting row(s) and state, and audits
the case before and after, all in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import conflicts, policy_dates, states
from mailrouter.register.measures import SpecialMeasures
from mailrouter.register.people import check_spocs
from mailrouter.register.records import Context, load_state, record, snapshot
from mailrouter.register.records import store_state as _store
from mailrouter.store.models.base import Base
from mailrouter.store.models.register import Case, CaseApproval, CaseNotice, CaseReview

NOTICE_CHANNELS = ("letter", "email", "hand-delivered", "recorded-delivery")
_KEEP: Any = object()  # "leave this SPOC field as it is"


@dataclass(frozen=True, slots=True)
class ApprovalInput:
    role: states.Role
    approver_name: str
    approver_email: str
    decided_on: date
    approved: bool = True
    title: states.SignatoryTitle | None = None
    reasons: str = ""
    months: int | None = None  # the monitoring period, on the deciding approval
    staff_note: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewInput:
    reviewed_on: date
    considered: str
    outcome: states.Outcome
    reasons: str = ""
    new_expiry: date | None = None
    months: int | None = None  # alternative to new_expiry: months from the review date
    reviewers: tuple[str, ...] = ()
    staff_note: str | None = None


def set_measures(
    session: Session,
    ctx: Context,
    case: Case,
    changes: dict[str, Any],
    *,
    spoc_id: str | None = _KEEP,
    deputy_spoc_id: str | None = _KEEP,
) -> SpecialMeasures:
    """Change some measures (and the SPOCs); unnamed measures keep their values."""
    if case.status == CaseStatus.deleted:
        raise PolicyError("a deleted case has no measures")
    before = snapshot(case)
    current = SpecialMeasures.from_json(case.measures)
    known = {f.name for f in fields(SpecialMeasures)}
    if unknown := set(changes) - known:
        raise PolicyError(f"unknown special measures: {', '.join(sorted(unknown))}")
    merged = {**current.to_json(), **changes}
    if not merged["divert_email_to_spoc"]:
        merged["reply_cadence"] = None
    elif not merged["reply_cadence"]:
        merged["reply_cadence"] = ctx.policy.default_cadence
    measures = SpecialMeasures.from_json(merged)
    spoc = case.spoc_id if spoc_id is _KEEP else spoc_id
    deputy = case.deputy_spoc_id if deputy_spoc_id is _KEEP else deputy_spoc_id
    check_spocs(ctx, spoc, deputy)
    if measures.divert_email_to_spoc and not spoc:
        raise PolicyError("e-mail can be diverted only to a named SPOC: set --spoc")
    state = states.set_divert(load_state(session, case), measures.divert_email_to_spoc)
    case.measures = measures.to_json()
    case.reply_cadence = measures.reply_cadence
    case.spoc_id, case.deputy_spoc_id = spoc, deputy
    _store(case, state, ctx.now)
    _audit_case(session, ctx, "case.measures_set", case, before)
    return measures


def approve(session: Session, ctx: Context, case: Case, given: ApprovalInput) -> CaseApproval:
    before = snapshot(case)
    email = ctx.email(given.approver_email)
    approval = states.Approval(
        role=given.role,
        approver_name=given.approver_name.strip(),
        approver_email=email,
        decided_on=given.decided_on,
        approved=given.approved,
        title=given.title,
    )
    found: list[str] = []
    if given.role is states.Role.signatory:
        found = conflicts.prior_involvement(session, case.customer_id, email, approval.approver_key)
    state = states.approve(
        load_state(session, case),
        approval,
        today=ctx.today,
        policy=ctx.policy,
        months=given.months,
        conflicts=found,
    )
    row = _approval_row(ctx, case, given, approval)
    session.add(row)
    _store(case, state, ctx.now)
    action = "case.approved" if given.approved else "case.rejected"
    _audit_case(session, ctx, action, case, before, extra={"approval": row})
    return row


def _approval_row(
    ctx: Context, case: Case, given: ApprovalInput, approval: states.Approval
) -> CaseApproval:
    return CaseApproval(
        case_id=case.id,
        round=case.round,
        role=given.role.value,
        approver_name=approval.approver_name,
        approver_email=approval.approver_email,
        approver_key=approval.approver_key,
        title=given.title.value if given.title else None,
        approved=given.approved,
        decided_on=given.decided_on,
        reasons=given.reasons,
        staff_note=given.staff_note,
        recorded_at=ctx.now,
    )


def notify(
    session: Session,
    ctx: Context,
    case: Case,
    kind: states.NoticeKind,
    *,
    sent_on: date,
    channel: str,
    note: str | None = None,
) -> CaseNotice:
    if channel not in NOTICE_CHANNELS:
        raise PolicyError(f"the channel must be one of {', '.join(NOTICE_CHANNELS)}")
    before = snapshot(case)
    state = states.notify(load_state(session, case), kind, sent_on, ctx.today)
    notice = CaseNotice(
        case_id=case.id,
        round=case.round,
        kind=kind.value,
        sent_on=sent_on,
        channel=channel,
        note=note,
        recorded_at=ctx.now,
    )
    session.add(notice)
    _store(case, state, ctx.now)
    _audit_case(session, ctx, "case.notified", case, before, extra={"notice": notice})
    return notice


def review(session: Session, ctx: Context, case: Case, given: ReviewInput) -> CaseReview:
    if not given.considered.strip():
        raise PolicyError("a review records what was considered")
    before = snapshot(case)
    old = load_state(session, case)
    new_expiry = given.new_expiry
    if new_expiry is None and given.months is not None:
        new_expiry = policy_dates.add_months(given.reviewed_on, given.months)
    state = states.review(
        old,
        given.outcome,
        given.reviewed_on,
        today=ctx.today,
        policy=ctx.policy,
        new_expiry=new_expiry,
        reasons=given.reasons,
    )
    row = CaseReview(
        case_id=case.id,
        round=old.round,
        reviewed_on=given.reviewed_on,
        considered=given.considered,
        outcome=given.outcome.value,
        reasons=given.reasons,
        previous_expiry=old.expires_on,
        new_expiry=state.expires_on if state.status in states.LIVE else None,
        reviewers="; ".join(given.reviewers),
        staff_note=given.staff_note,
        recorded_at=ctx.now,
    )
    session.add(row)
    if state.status != old.status:
        case.status_reason = given.reasons or given.outcome.value
    _store(case, state, ctx.now)
    _audit_case(session, ctx, "case.reviewed", case, before, extra={"review": row})
    return row


def change_status(
    session: Session, ctx: Context, case: Case, to: CaseStatus, *, on: date, reason: str
) -> None:
    """Close, escalate, de-escalate or reintroduce; deletion is ``deletion.delete_case``."""
    if not reason.strip():
        raise PolicyError("record the reason for the change of status")
    if on > ctx.today:
        raise PolicyError("a status change cannot be dated in the future")
    before = snapshot(case)
    state = load_state(session, case)
    if to is CaseStatus.closed:
        state = states.close(state, on)
    elif to is CaseStatus.deleted:
        raise PolicyError("deletion goes through `register delete`, which checks retention")
    else:
        state = states.transition(state, to, on)
    case.status_reason = reason
    _store(case, state, ctx.now)
    _audit_case(session, ctx, f"case.{state.status.value}", case, before)


def lapse(session: Session, ctx: Context, case: Case) -> None:
    """Close an arrangement that reached its expiry without an extension."""
    before = snapshot(case)
    state = states.lapse(load_state(session, case), ctx.today)
    case.status_reason = f"lapsed: not extended by its expiry {case.expires_on}"
    _store(case, state, ctx.now)
    _audit_case(session, ctx, "case.lapsed", case, before)


def record_activity(session: Session, ctx: Context, case: Case, *, on: date, note: str) -> None:
    """Activity on a dormant case that IG considered: restarts the retention period."""
    if case.status != CaseStatus.dormant:
        raise PolicyError("activity is recorded against dormant cases")
    if on > ctx.today:
        raise PolicyError("activity cannot be dated in the future")
    before = snapshot(case)
    _store(case, states.record_activity(load_state(session, case), on), ctx.now)
    _audit_case(session, ctx, "case.activity", case, before, extra={"note": note})


def _audit_case(
    session: Session,
    ctx: Context,
    action: str,
    case: Case,
    before: dict[str, Any],
    *,
    extra: dict[str, Any] | None = None,
) -> None:
    session.flush()
    after: dict[str, Any] = snapshot(case)
    for key, value in (extra or {}).items():
        after[key] = snapshot(value) if isinstance(value, Base) else value
    record(
        session,
        ctx,
        action,
        case,
        customer_id=case.customer_id,
        case_id=case.id,
        before=before,
        after=after,
    )
