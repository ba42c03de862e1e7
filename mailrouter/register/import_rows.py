"""One spreadsheet row of a council's existing register, checked against the policy. Pure.

A row becomes a customer, their identities and a case whose state is built by
the same rules as a live operation (``states.approve``, ``states.notify``),
so an imported stage 2 diverts only if the row records a complete decision
and a notice, exactly as if it had been entered by hand. Columns are described
in docs/register-import.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import measures as m
from mailrouter.register import policy_dates, states
from mailrouter.register.people import Identities, NewCustomer, check_spocs
from mailrouter.register.records import Context, check_reference, phone_key
from mailrouter.register.states import Approval, Role, SignatoryTitle

# fmt: off
COLUMNS = (
    "reference", "full_name", "emails", "phones", "other_names", "postal_address", "status",
    "opened_on", "extreme_reason", "spoc", "deputy_spoc", "measures", "manager", "manager_email",
    "business_case_by", "business_case_email", "ig_signoff_by", "ig_signoff_email", "signatory",
    "signatory_email", "signatory_title", "decision_date", "notified_on", "notice_channel",
    "expires_on", "last_review_on", "dormant_since", "pre_policy", "repeated_history",
    "staff_note",
)
REQUIRED = ("full_name", "status", "opened_on")
_STATUS = {
    "monitoring": CaseStatus.monitoring, "stage 1": CaseStatus.monitoring,
    "stage1": CaseStatus.monitoring, "1": CaseStatus.monitoring,
    "stage 2": CaseStatus.stage2, "stage2": CaseStatus.stage2, "2": CaseStatus.stage2,
    "closed": CaseStatus.dormant, "dormant": CaseStatus.dormant,
}
# fmt: on
_STAGE2_DECISION = ("business_case_by", "ig_signoff_by", "signatory", "signatory_title")
_TITLES = {t.value for t in SignatoryTitle}
_YES, _NO = {"y", "yes", "true", "1"}, {"", "n", "no", "false", "0"}


class RowError(ValueError):
    """A row's problem, naming the column."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    person: NewCustomer
    reference: str | None
    opened_on: date
    extreme_reason: str | None
    spoc_id: str | None
    deputy_spoc_id: str | None
    measures: m.SpecialMeasures
    state: states.CaseState
    notice: tuple[date, str] | None
    staff_note: str | None


def text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn phone numbers and "2" into floats
    return str(value).strip()


def parse_date(row: Mapping[str, Any], column: str) -> date | None:
    value = row.get(column)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(row, column)
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise RowError(f"{column}: not a date (use YYYY-MM-DD or DD/MM/YYYY): {raw!r}")


def _flag(row: Mapping[str, Any], column: str) -> bool:
    raw = text(row, column).lower()
    if raw in _YES or raw in _NO:
        return raw in _YES
    raise RowError(f"{column}: expected Y or N, got {raw!r}")


def _list(row: Mapping[str, Any], column: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text(row, column).split(";") if part.strip())


def parse_row(line: int, row: Mapping[str, Any], ctx: Context) -> ImportRow:
    """Check one row; raises ``RowError`` (or ``PolicyError``) naming the first problem."""
    for column in REQUIRED:
        if not text(row, column):
            raise RowError(f"{column}: required")
    status = _STATUS.get(text(row, "status").lower())
    if status is None:
        raise RowError(f"status: expected stage 1, stage 2 or dormant, got {text(row, 'status')!r}")
    opened = parse_date(row, "opened_on")
    assert opened is not None
    if opened > ctx.today:
        raise RowError("opened_on: in the future")
    person = _person(row, ctx)
    spoc, deputy = text(row, "spoc") or None, text(row, "deputy_spoc") or None
    check_spocs(ctx, spoc, deputy)
    measures = _measures(row, ctx)
    if measures.divert_email_to_spoc and not spoc:
        raise RowError("spoc: e-mail diversion needs a SPOC")
    state, notice = _state(row, status, opened, measures, ctx)
    reference = text(row, "reference")
    return ImportRow(
        line,
        person,
        check_reference(reference) if reference else None,
        opened,
        text(row, "extreme_reason") or None,
        spoc,
        deputy,
        measures,
        state,
        notice,
        text(row, "staff_note") or None,
    )


def _person(row: Mapping[str, Any], ctx: Context) -> NewCustomer:
    emails = _list(row, "emails")
    for address in emails:
        try:
            ctx.email(address)
        except PolicyError as exc:
            raise RowError(f"emails: {exc}") from exc
    phones = _list(row, "phones")
    for phone in phones:
        try:
            phone_key(phone)
        except PolicyError as exc:
            raise RowError(f"phones: {exc}") from exc
    identities = Identities(emails=emails, phones=phones, names=_list(row, "other_names"))
    return NewCustomer(
        text(row, "full_name"),
        identities,
        text(row, "postal_address") or None,
        pre_policy=_flag(row, "pre_policy"),
        repeated_history=_flag(row, "repeated_history"),
    )


def _measures(row: Mapping[str, Any], ctx: Context) -> m.SpecialMeasures:
    codes = text(row, "measures")
    try:
        parsed = m.from_codes(codes)
    except PolicyError as exc:
        if "reply cadence" not in str(exc):
            raise RowError(f"measures: {exc}") from exc
        parsed = m.from_codes(f"{codes}; cadence={ctx.policy.default_cadence}")
    return parsed


def _state(
    row: Mapping[str, Any],
    status: CaseStatus,
    opened: date,
    measures: m.SpecialMeasures,
    ctx: Context,
) -> tuple[states.CaseState, tuple[date, str] | None]:
    if status is CaseStatus.dormant:
        since = parse_date(row, "dormant_since")
        if since is None or not opened <= since <= ctx.today:
            raise RowError(
                "dormant_since: required for a dormant case, between opened_on and today"
            )
        return states.CaseState(status, opened, closed_on=since, dormant_since=since), None
    # The state is built with the live rules; "imported" stands in for an unrecorded reason.
    state = states.open_case(status, opened, text(row, "extreme_reason") or "imported")
    state = _decision(row, state, ctx)
    if measures.divert_email_to_spoc:
        try:
            state = states.set_divert(state, True)
        except PolicyError as exc:
            raise RowError(f"measures: {exc}") from exc
    return _notice_and_review(row, state, ctx)


def _approvers(row: Mapping[str, Any], status: CaseStatus) -> list[tuple[Role, str]]:
    if status is CaseStatus.monitoring:
        return [(Role.manager, "manager")]
    return [
        (Role.head_of_service, "business_case_by"),
        (Role.senior_ig_officer, "ig_signoff_by"),
        (Role.signatory, "signatory"),
    ]


def _decision(row: Mapping[str, Any], state: states.CaseState, ctx: Context) -> states.CaseState:
    decided = parse_date(row, "decision_date")
    columns = ["manager"] if state.status is CaseStatus.monitoring else list(_STAGE2_DECISION)
    filled = [c for c in columns if text(row, c)]
    if not filled and decided is None:
        return state
    if decided is None or len(filled) != len(columns):
        missing = [c for c in [*columns, "decision_date"] if not text(row, c)]
        raise RowError(f"{missing[0]}: a decision needs all of {', '.join(columns)}, decision_date")
    title_text = text(row, "signatory_title").lower().replace(" ", "-")
    title = SignatoryTitle(title_text) if title_text in _TITLES else None
    if state.status is CaseStatus.stage2 and title is None:
        raise RowError("signatory_title: expected director or monitoring-officer")
    for role, column in _approvers(row, state.status):
        email = text(row, f"{column.removesuffix('_by')}_email") if column != "manager" else ""
        approval = Approval(
            role,
            text(row, column),
            ctx.email(email) if email else None,
            decided,
            True,
            title if role is Role.signatory else None,
        )
        state = _imported_approval(state, approval, ctx)
    return state


def _imported_approval(
    state: states.CaseState, approval: Approval, ctx: Context
) -> states.CaseState:
    # Legacy decisions may lack addresses; the live rule wanting one is for new decisions.
    probe = replace(approval, approver_email=approval.approver_email or "legacy@import.invalid")
    try:
        new = states.approve(state, probe, today=ctx.today, policy=ctx.policy)
    except PolicyError as exc:
        raise RowError(f"decision_date: {exc}") from exc
    return replace(new, approvals=(*state.approvals, approval))


def _notice_and_review(
    row: Mapping[str, Any], state: states.CaseState, ctx: Context
) -> tuple[states.CaseState, tuple[date, str] | None]:
    expires, reviewed = parse_date(row, "expires_on"), parse_date(row, "last_review_on")
    if state.decision_on is None:
        if expires or reviewed or text(row, "notified_on"):
            raise RowError("decision_date: expiry, review and notice need a recorded decision")
        return state, None
    anchor = policy_dates.review_anchor(state.decision_on, reviewed)
    if reviewed and not state.decision_on <= reviewed <= ctx.today:
        raise RowError("last_review_on: must be between decision_date and today")
    expires = expires or state.expires_on
    assert expires is not None
    if not state.decision_on < expires <= policy_dates.latest_expiry(anchor, ctx.policy):
        raise RowError(
            f"expires_on: must be after the decision and at most "
            f"{ctx.policy.monitoring_months} months from the decision or last review"
        )
    if policy_dates.lapsed(expires, ctx.today):
        raise RowError("expires_on: the arrangement has lapsed; import it as dormant")
    state = replace(state, expires_on=expires, last_review_on=reviewed)
    notified = parse_date(row, "notified_on")
    if notified is None:
        return state, None
    channel = text(row, "notice_channel").lower() or "letter"
    kind = (
        states.NoticeKind.stage1
        if state.status is CaseStatus.monitoring
        else states.NoticeKind.stage2
    )
    try:
        return states.notify(state, kind, notified, ctx.today), (notified, channel)
    except PolicyError as exc:
        raise RowError(f"notified_on: {exc}") from exc
