"""The register's pure rules: transitions, approvals, notices, reviews, deletion, measures.

The last part is a hypothesis state machine driving random sequences of
register operations (valid and invalid) through the pure model and checking
the policy's invariants after every step.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mailrouter.config import PolicySettings
from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import measures as m
from mailrouter.register import policy_dates as pd
from mailrouter.register import states as s
from mailrouter.register.states import Approval, NoticeKind, Outcome, Role, SignatoryTitle

POLICY = PolicySettings()
D0 = date(2026, 1, 5)
TODAY = date(2026, 12, 31)


def _approval(role: Role, on: date = D0, who: str = "", **kw: object) -> Approval:
    name = who or role.value
    title = SignatoryTitle.director if role is Role.signatory else None
    return Approval(role, name, f"{name}@council.example", on, kw.pop("approved", True), title)  # type: ignore[arg-type]


def _decided_stage2(on: date = D0, divert: bool = True) -> s.CaseState:
    state = s.open_case(CaseStatus.stage2, on, extreme_reason="threats to staff")
    for role in s.STAGE_ROLES[CaseStatus.stage2]:
        state = s.approve(state, _approval(role, on), today=TODAY, policy=POLICY)
    return s.set_divert(state, True) if divert else state


# --- transitions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (CaseStatus.monitoring, CaseStatus.stage2, True),
        (CaseStatus.monitoring, CaseStatus.closed, True),
        (CaseStatus.monitoring, CaseStatus.dormant, False),
        (CaseStatus.monitoring, CaseStatus.deleted, False),
        (CaseStatus.stage2, CaseStatus.monitoring, True),
        (CaseStatus.stage2, CaseStatus.closed, True),
        (CaseStatus.stage2, CaseStatus.dormant, False),
        (CaseStatus.closed, CaseStatus.dormant, True),
        (CaseStatus.closed, CaseStatus.monitoring, False),
        (CaseStatus.dormant, CaseStatus.monitoring, True),
        (CaseStatus.dormant, CaseStatus.stage2, True),
        (CaseStatus.dormant, CaseStatus.closed, False),
        (CaseStatus.deleted, CaseStatus.monitoring, False),
    ],
)
def test_transition_table(start: CaseStatus, to: CaseStatus, allowed: bool) -> None:
    state = s.CaseState(status=start, round_started_on=D0, dormant_since=D0)
    if allowed:
        assert s.transition(state, to, D0).status is to
    else:
        with pytest.raises(PolicyError, match=f"cannot go from {start} to {to}"):
            s.transition(state, to, D0)


def test_straight_to_stage_2_only_for_extreme_conduct() -> None:
    with pytest.raises(PolicyError, match="extreme conduct"):
        s.open_case(CaseStatus.stage2, D0)
    assert s.open_case(CaseStatus.stage2, D0, "threatened staff").status is CaseStatus.stage2
    with pytest.raises(PolicyError):
        s.open_case(CaseStatus.dormant, D0)


def test_escalation_starts_a_new_round_without_old_approvals() -> None:
    state = s.approve(
        s.open_case(CaseStatus.monitoring, D0), _approval(Role.manager), today=TODAY, policy=POLICY
    )
    assert state.decision_on == D0 and state.expires_on == date(2026, 7, 5)
    escalated = s.transition(state, CaseStatus.stage2, D0 + timedelta(days=30))
    assert escalated.round == 2 and escalated.approvals == () and escalated.decision_on is None
    # Stage 1's expiry still governs until stage 2 is decided.
    assert escalated.expires_on == state.expires_on


def test_decided_stage_2_cannot_drop_back_to_stage_1() -> None:
    with pytest.raises(PolicyError, match="not returned to stage 1"):
        s.transition(_decided_stage2(divert=False), CaseStatus.monitoring, D0)


def test_reintroduction_clears_the_old_arrangement() -> None:
    dormant = s.close(_decided_stage2(divert=False), D0 + timedelta(days=10))
    assert dormant.status is CaseStatus.dormant and dormant.dormant_since is not None
    again = s.transition(dormant, CaseStatus.stage2, D0 + timedelta(days=40))
    assert (again.round, again.expires_on, again.dormant_since) == (2, None, None)


# --- approvals ---------------------------------------------------------------------------


def test_stage_2_approvals_in_order() -> None:
    state = s.open_case(CaseStatus.stage2, D0, "abuse")
    with pytest.raises(PolicyError, match="needs the head-of-service approval first"):
        s.approve(state, _approval(Role.signatory), today=TODAY, policy=POLICY)
    with pytest.raises(PolicyError, match="does not belong to stage2"):
        s.approve(state, _approval(Role.manager), today=TODAY, policy=POLICY)
    state = s.approve(state, _approval(Role.head_of_service), today=TODAY, policy=POLICY)
    with pytest.raises(PolicyError, match="already recorded"):
        s.approve(state, _approval(Role.head_of_service), today=TODAY, policy=POLICY)
    state = s.approve(state, _approval(Role.senior_ig_officer), today=TODAY, policy=POLICY)
    assert state.decision_on is None
    state = s.approve(state, _approval(Role.signatory), today=TODAY, policy=POLICY)
    assert state.decision_on == D0


def test_signatory_must_be_director_or_monitoring_officer_without_involvement() -> None:
    state = s.open_case(CaseStatus.stage2, D0, "abuse")
    for role in (Role.head_of_service, Role.senior_ig_officer):
        state = s.approve(state, _approval(role), today=TODAY, policy=POLICY)
    not_titled = replace(_approval(Role.signatory), title=None)
    with pytest.raises(PolicyError, match="Director or the Monitoring Officer"):
        s.approve(state, not_titled, today=TODAY, policy=POLICY)
    with pytest.raises(PolicyError, match="prior involvement"):
        s.approve(
            state,
            _approval(Role.signatory),
            today=TODAY,
            policy=POLICY,
            conflicts=["was on message 7"],
        )
    same_as_hos = _approval(Role.signatory, who=Role.head_of_service.value)
    with pytest.raises(PolicyError, match="already took part"):
        s.approve(state, same_as_hos, today=TODAY, policy=POLICY)


def test_rejection_ends_the_round() -> None:
    state = s.open_case(CaseStatus.stage2, D0, "abuse")
    state = s.approve(state, _approval(Role.head_of_service), today=TODAY, policy=POLICY)
    state = s.approve(
        state, _approval(Role.senior_ig_officer, approved=False), today=TODAY, policy=POLICY
    )
    with pytest.raises(PolicyError, match="rejected"):
        s.approve(state, _approval(Role.signatory), today=TODAY, policy=POLICY)
    assert s.transition(state, CaseStatus.monitoring, D0).status is CaseStatus.monitoring


def test_approval_dates_must_be_in_order_and_not_in_the_future() -> None:
    state = s.open_case(CaseStatus.monitoring, D0)
    with pytest.raises(PolicyError, match="approval date"):
        s.approve(
            state, _approval(Role.manager, D0 - timedelta(days=1)), today=TODAY, policy=POLICY
        )
    with pytest.raises(PolicyError, match="approval date"):
        s.approve(
            state, _approval(Role.manager, TODAY + timedelta(days=1)), today=TODAY, policy=POLICY
        )


# --- notices and diversion ---------------------------------------------------------------


def test_diversion_starts_only_from_the_notice_after_a_complete_decision() -> None:
    pending = s.set_divert(s.open_case(CaseStatus.stage2, D0, "abuse"), True)
    with pytest.raises(PolicyError, match="not complete"):
        s.notify(pending, NoticeKind.stage2, D0, TODAY)
    decided = _decided_stage2()
    assert not s.diversion_effective(decided, TODAY)
    with pytest.raises(PolicyError, match="predate"):
        s.notify(decided, NoticeKind.stage2, D0 - timedelta(days=1), TODAY)
    notified = s.notify(decided, NoticeKind.stage2, D0 + timedelta(days=3), TODAY)
    assert not s.diversion_effective(notified, D0 + timedelta(days=2))
    assert s.diversion_effective(notified, D0 + timedelta(days=3))
    assert notified.expires_on is not None
    assert not s.diversion_effective(notified, notified.expires_on + timedelta(days=1))


def test_adding_diversion_after_the_notice_needs_a_new_notice() -> None:
    notified = s.notify(_decided_stage2(divert=False), NoticeKind.stage2, D0, TODAY)
    diverting = s.set_divert(notified, True)
    assert not s.diversion_effective(diverting, D0 + timedelta(days=5))
    renotified = s.notify(diverting, NoticeKind.stage2, D0 + timedelta(days=5), TODAY)
    assert renotified.notified_on == D0
    assert s.diversion_effective(renotified, D0 + timedelta(days=5))
    assert not s.diversion_effective(s.set_divert(renotified, False), D0 + timedelta(days=6))


def test_diversion_is_a_stage_2_measure() -> None:
    with pytest.raises(PolicyError, match="stage 2 measure"):
        s.set_divert(s.open_case(CaseStatus.monitoring, D0), True)


# --- reviews -----------------------------------------------------------------------------


def test_review_outcomes() -> None:
    state = s.notify(_decided_stage2(), NoticeKind.stage2, D0, TODAY)
    on = D0 + timedelta(days=80)
    kept = s.review(state, Outcome.continue_, on, today=TODAY, policy=POLICY)
    assert kept.last_review_on == on and kept.expires_on == state.expires_on
    with pytest.raises(PolicyError, match="reasons"):
        s.review(state, Outcome.extend, on, today=TODAY, policy=POLICY, new_expiry=TODAY)
    longer = s.review(
        state,
        Outcome.extend,
        on,
        today=TODAY,
        policy=POLICY,
        new_expiry=pd.add_months(on, 6),
        reasons="conduct continues",
    )
    assert longer.expires_on == pd.add_months(on, 6)
    closed = s.review(state, Outcome.close, on, today=TODAY, policy=POLICY)
    assert closed.status is CaseStatus.dormant and not s.diversion_effective(closed, on)
    with pytest.raises(PolicyError, match="cannot go from stage2 to stage2"):
        s.review(state, Outcome.escalate, on, today=TODAY, policy=POLICY)


def test_a_lapsed_arrangement_can_only_be_closed() -> None:
    state = s.notify(_decided_stage2(), NoticeKind.stage2, D0, TODAY)
    assert state.expires_on is not None
    late = state.expires_on + timedelta(days=1)
    with pytest.raises(PolicyError, match="lapsed"):
        s.review(
            state,
            Outcome.extend,
            late,
            today=TODAY,
            policy=POLICY,
            new_expiry=pd.add_months(late, 3),
            reasons="x",
        )
    lapsed = s.lapse(state, late)
    assert lapsed.status is CaseStatus.dormant and lapsed.dormant_since == late


# --- deletion ----------------------------------------------------------------------------


def test_deletion_rules() -> None:
    dormant = s.close(_decided_stage2(divert=False), D0)
    due = pd.add_months(D0, 24)
    with pytest.raises(PolicyError, match="not due"):
        s.delete(dormant, due - timedelta(days=1), policy=POLICY)
    with pytest.raises(PolicyError, match="legal hold"):
        s.delete(dormant, due, policy=POLICY, holds=["FOI 123"])
    with pytest.raises(PolicyError, match="exempt"):
        s.delete(dormant, due, policy=POLICY, exemptions=["repeated history of contact"])
    active = s.record_activity(dormant, D0 + timedelta(days=100))
    with pytest.raises(PolicyError, match="not due"):
        s.delete(active, due, policy=POLICY)
    assert s.delete(dormant, due, policy=POLICY).status is CaseStatus.deleted
    with pytest.raises(PolicyError, match="only a dormant case"):
        s.delete(_decided_stage2(), due, policy=POLICY)


# --- measures ----------------------------------------------------------------------------

cadences = st.sampled_from(m.CADENCES)
positive = st.none() | st.integers(min_value=1, max_value=50)
other_text = st.text(
    alphabet=st.characters(blacklist_characters=";", blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip() == t and t)


@st.composite
def special_measures(draw: st.DrawFn) -> m.SpecialMeasures:
    divert = draw(st.booleans())
    no_calls = draw(st.booleans())
    calls = m.CallLimits(
        no_calls=no_calls,
        max_calls_per_week=None if no_calls else draw(positive),
        max_call_minutes=None if no_calls else draw(positive),
        scripted_termination=draw(st.booleans()),
    )
    return m.SpecialMeasures(
        divert_email_to_spoc=divert,
        reply_cadence=draw(cadences) if divert else None,  # type: ignore[arg-type]
        one_medium=draw(st.none() | st.sampled_from(m.MEDIA)),
        spoc_only=draw(st.booleans()),
        calls=calls,
        no_ack_repeated_complaints=draw(st.booleans()),
        via_advocate=draw(st.booleans()),
        third_party_present=draw(st.booleans()),
        council_premises_only=draw(st.booleans()),
        contact_agreement=draw(st.booleans()),
        other=tuple(draw(st.lists(other_text, max_size=3))),
    )


@settings(max_examples=200)
@given(special_measures())
def test_measures_round_trip_through_json_and_codes(measures: m.SpecialMeasures) -> None:
    assert m.SpecialMeasures.from_json(measures.to_json()) == measures
    assert m.from_codes(m.to_codes(measures)) == measures


def test_measures_refuse_contradictions_and_unknown_codes() -> None:
    with pytest.raises(PolicyError, match="reply cadence"):
        m.SpecialMeasures(divert_email_to_spoc=True)
    with pytest.raises(PolicyError, match="only with e-mail diverted"):
        m.SpecialMeasures(reply_cadence="monthly")
    with pytest.raises(PolicyError, match="contradicts"):
        m.SpecialMeasures(calls=m.CallLimits(no_calls=True, max_calls_per_week=2))
    with pytest.raises(PolicyError, match="unknown special measure codes: teleport"):
        m.from_codes("divert; cadence=monthly; teleport")
    parsed = m.from_codes("Divert; cadence=Monthly; one-medium=email; max-call-minutes=10")
    assert parsed.reply_cadence == "monthly" and parsed.calls.max_call_minutes == 10
    assert parsed.describe()[:2] == [
        "E-mail diverted to the single point of contact",
        "Replies monthly",
    ]


# --- random sequences of operations over the pure model ------------------------------------

PEOPLE = ("hos@c.example", "sigo@c.example", "director@c.example", "mo@c.example")


class RegisterMachine(RuleBasedStateMachine):
    """Random operations, most of them refused; the invariants must hold after every one."""

    def __init__(self) -> None:
        super().__init__()
        self.today = D0
        self.state: s.CaseState | None = None
        self.held = False
        self.exempt = False

    def _try(self, make: object) -> None:
        try:
            new = make()  # type: ignore[operator]
        except PolicyError:
            return
        self.state = new

    @precondition(lambda self: self.state is None or self.state.status is CaseStatus.deleted)
    @rule(stage=st.sampled_from([CaseStatus.monitoring, CaseStatus.stage2]), extreme=st.booleans())
    def open(self, stage: CaseStatus, extreme: bool) -> None:
        self._try(lambda: s.open_case(stage, self.today, "threats" if extreme else None))

    @rule(days=st.integers(min_value=0, max_value=60) | st.just(800))
    def advance(self, days: int) -> None:
        self.today += timedelta(days=days)

    @precondition(lambda self: self.state is not None)
    @rule(
        role=st.sampled_from(list(Role)),
        who=st.sampled_from(PEOPLE),
        approved=st.booleans(),
        titled=st.booleans(),
        conflict=st.booleans(),
        back=st.integers(0, 20),
        months=st.none() | st.integers(0, 8),
    )
    def approve(
        self,
        *,
        role: Role,
        who: str,
        approved: bool,
        titled: bool,
        conflict: bool,
        back: int,
        months: int | None,
    ) -> None:
        title = SignatoryTitle.monitoring_officer if titled else None
        approval = Approval(
            role, who.partition("@")[0], who, self.today - timedelta(days=back), approved, title
        )
        assert self.state is not None
        state = self.state
        self._try(
            lambda: s.approve(
                state,
                approval,
                today=self.today,
                policy=POLICY,
                months=months,
                conflicts=["shared mail"] if conflict else [],
            )
        )

    @precondition(lambda self: self.state is not None and self.state.status in s.LIVE)
    @rule(
        approved=st.sampled_from([True, True, True, False]),
        conflict=st.sampled_from([False] * 3 + [True]),
    )
    def progress(self, approved: bool, conflict: bool) -> None:
        """The step the case needs next (approval, diversion, notice), so sequences reach them."""
        state = self.state
        assert state is not None
        if state.decision_on is None:
            self._approve_next(state, approved, conflict)
        elif state.status is CaseStatus.stage2 and not state.divert:
            self._try(lambda: s.set_divert(state, True))
        else:
            kind = NoticeKind.stage1 if state.status is CaseStatus.monitoring else NoticeKind.stage2
            self._try(lambda: s.notify(state, kind, self.today, self.today))

    def _approve_next(self, state: s.CaseState, approved: bool, conflict: bool) -> None:
        roles = s.STAGE_ROLES[state.status]
        given = {a.role for a in state.approvals}
        role = next((r for r in roles if r not in given), roles[-1])
        who = PEOPLE[roles.index(role) + (1 if role is Role.signatory else 0)]
        title = SignatoryTitle.director if role is Role.signatory else None
        approval = Approval(role, who.partition("@")[0], who, self.today, approved, title)
        conflicts = ["shared mail"] if conflict else []
        self._try(
            lambda: s.approve(state, approval, today=self.today, policy=POLICY, conflicts=conflicts)
        )

    @precondition(lambda self: self.state is not None)
    @rule(kind=st.sampled_from(list(NoticeKind)), back=st.integers(0, 20))
    def notify(self, kind: NoticeKind, back: int) -> None:
        state = self.state
        assert state is not None
        self._try(lambda: s.notify(state, kind, self.today - timedelta(days=back), self.today))

    @precondition(lambda self: self.state is not None)
    @rule(divert=st.booleans())
    def divert(self, divert: bool) -> None:
        state = self.state
        assert state is not None
        self._try(lambda: s.set_divert(state, divert))

    @precondition(lambda self: self.state is not None)
    @rule(outcome=st.sampled_from(list(Outcome)), months=st.integers(-2, 9), reasons=st.booleans())
    def review(self, outcome: Outcome, months: int, reasons: bool) -> None:
        state = self.state
        assert state is not None
        expiry = pd.add_months(self.today, months)
        self._try(
            lambda: s.review(
                state,
                outcome,
                self.today,
                today=self.today,
                policy=POLICY,
                new_expiry=expiry,
                reasons="why" if reasons else "",
            )
        )

    @precondition(lambda self: self.state is not None)
    @rule(to=st.sampled_from(list(CaseStatus)))
    def transition(self, to: CaseStatus) -> None:
        state = self.state
        assert state is not None
        self._try(lambda: s.transition(state, to, self.today))

    @precondition(lambda self: self.state is not None)
    @rule()
    def lapse_or_close(self) -> None:
        state = self.state
        assert state is not None
        self._try(lambda: s.lapse(state, self.today))
        self._try(lambda: s.close(state, self.today))

    @rule(held=st.booleans(), exempt=st.booleans())
    def flags(self, held: bool, exempt: bool) -> None:
        self.held, self.exempt = held, exempt

    @precondition(lambda self: self.state is not None)
    @rule()
    def activity(self) -> None:
        state = self.state
        assert state is not None
        if state.status is CaseStatus.dormant:
            self.state = s.record_activity(state, self.today)

    @precondition(lambda self: self.state is not None)
    @rule()
    def delete(self) -> None:
        state = self.state
        assert state is not None
        try:
            deleted = s.delete(
                state,
                self.today,
                policy=POLICY,
                holds=["FOI 1"] if self.held else [],
                exemptions=["pre-policy"] if self.exempt else [],
            )
        except PolicyError:
            return
        assert not self.held and not self.exempt, "deleted a held or exempt case"
        assert state.dormant_since is not None
        assert self.today >= pd.add_months(state.last_activity_on or state.dormant_since, 24)
        assert self.today >= pd.add_months(state.dormant_since, 24)
        self.state = deleted

    @invariant()
    def stage_2_diverts_only_when_fully_approved_and_notified(self) -> None:
        state = self.state
        if state is None or not s.diversion_effective(state, self.today):
            return
        approved = {a.role for a in state.approvals if a.approved}
        assert approved == set(s.STAGE_ROLES[CaseStatus.stage2])
        signatory = next(a for a in state.approvals if a.role is Role.signatory)
        assert signatory.title in (SignatoryTitle.director, SignatoryTitle.monitoring_officer)
        assert state.decision_on == signatory.decided_on
        assert state.notified_on is not None and state.diversion_from is not None
        assert state.decision_on <= state.notified_on <= state.diversion_from <= self.today

    @invariant()
    def expiry_and_reviews_within_policy(self) -> None:
        state = self.state
        if state is None or state.status not in s.LIVE:
            return
        if state.decision_on is None or state.expires_on is None:
            return
        anchor = pd.review_anchor(state.decision_on, state.last_review_on)
        assert state.decision_on < state.expires_on <= pd.add_months(anchor, 6)
        due = pd.review_due_on(state.decision_on, state.last_review_on, state.expires_on, POLICY)
        assert anchor <= due <= pd.add_months(anchor, 3)

    @invariant()
    def only_live_cases_have_a_diversion_date(self) -> None:
        state = self.state
        if state is not None and state.diversion_from is not None:
            assert state.status is CaseStatus.stage2 and state.divert


TestRegisterMachine = RegisterMachine.TestCase
TestRegisterMachine.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)


def test_the_machine_can_reach_every_state_it_guards() -> None:
    """The invariants are not vacuous: a plain sequence reaches diversion, then deletion."""
    machine = RegisterMachine()
    machine.open(CaseStatus.stage2, extreme=True)
    for _ in range(5):
        machine.progress(approved=True, conflict=False)
    assert machine.state is not None and s.diversion_effective(machine.state, machine.today)
    machine.stage_2_diverts_only_when_fully_approved_and_notified()
    machine.lapse_or_close()
    machine.advance(800)
    machine.delete()
    assert machine.state is not None and machine.state.status is CaseStatus.deleted
