"""The register on SQLite and PostgreSQL: service, router queries, conflicts, audit, deletion."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import PolicySettings, Settings, SpocSettings
from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import audit, queries
from mailrouter.register.casework import ApprovalInput, ReviewInput
from mailrouter.register.people import Identities, NewCase, NewCustomer
from mailrouter.register.service import CaseRef, Register
from mailrouter.register.states import NoticeKind, Outcome, Role, SignatoryTitle
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.register import (
    AuditRow,
    Case,
    CaseApproval,
    CaseNotice,
    Customer,
    CustomerEmail,
    DeletionTombstone,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
D0 = date(2026, 2, 2)
SETTINGS = Settings(
    spocs=(
        SpocSettings("jsmith", "Jane Smith", "jane.smith@council.example", deputy="akhan"),
        SpocSettings("akhan", "Aisha Khan", "aisha.khan@council.example"),
    ),
    policy=PolicySettings(fold_subaddress=True),
)
_numbers = itertools.count(1)


@pytest.fixture
def register(sessions: sessionmaker[Session]) -> Register:
    return Register(sessions, SETTINGS)


def _add(register: Register, email: str = "", *, stage: CaseStatus = CaseStatus.stage2) -> CaseRef:
    email = email or f"customer{next(_numbers)}@example.org"
    person = NewCustomer("Derek Harker", Identities(emails=(email,), phones=("+44 1234 567890",)))
    extreme = "threatened staff" if stage is CaseStatus.stage2 else None
    new = NewCase(stage, D0, extreme_reason=extreme, spoc_id="jsmith", deputy_spoc_id="akhan")
    return register.add(person, new, actor="ig.officer", now=NOW)


def _decide(
    register: Register, ref: CaseRef, *, signatory: str = "director@council.example"
) -> None:
    register.set_measures(ref.reference, {"divert_email_to_spoc": True}, actor="ig", now=NOW)
    steps = [
        (Role.head_of_service, "Hannah Head", "hos@council.example", None),
        (Role.senior_ig_officer, "Sam Sigo", "sigo@council.example", None),
        (Role.signatory, "Dana Director", signatory, SignatoryTitle.director),
    ]
    for role, name, email, title in steps:
        given = ApprovalInput(role, name, email, D0 + timedelta(days=7), title=title)
        register.approve(ref.reference, given, actor="ig", now=NOW)


def test_identities_are_normalised_and_unique(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    ref = _add(register, "Derek <D.Harker+planning@EXAMPLE.org>")
    register.add_identities(
        str(ref.customer_id), Identities(emails=("dh@bücher.example",)), actor="ig", now=NOW
    )
    with sessions() as s:
        emails = set(s.scalars(select(CustomerEmail.normalized)))
    assert emails == {"d.harker@example.org", "dh@xn--bcher-kva.example"}
    with pytest.raises(PolicyError, match="already registered to customer"):
        _add(register, "d.harker+other@example.org")


def test_diversion_needs_decision_and_notice_then_lapses(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    ref = _add(register, "d.harker@example.org")
    _decide(register, ref)
    with sessions() as s:
        assert queries.active_diversion_for(s, "d.harker@example.org", date(2026, 2, 20)) is None
    register.notify(
        ref.reference,
        NoticeKind.stage2,
        sent_on=date(2026, 2, 12),
        channel="letter",
        actor="ig",
        now=NOW,
    )
    with sessions() as s:
        assert queries.active_diversion_for(s, "d.harker@example.org", date(2026, 2, 11)) is None
        target = queries.active_diversion_for(s, "d.harker@example.org", date(2026, 2, 12))
        assert target is not None
        assert (target.spoc_id, target.deputy_spoc_id, target.cadence) == (
            "jsmith",
            "akhan",
            "fortnightly",
        )
        assert (target.decision_on, target.effective_from) == (date(2026, 2, 9), date(2026, 2, 12))
        assert target.expires_on == date(2026, 8, 9)
        assert queries.active_diversion_for(s, "d.harker@example.org", date(2026, 8, 10)) is None
        matches = queries.register_lookup(SETTINGS)(s, ["d.harker@example.org"], NOW)
    assert [m.diversion_effective for m in matches] == [True]
    assert matches[0].spoc_email == "jane.smith@council.example"


def test_absent_spoc_hands_over_to_the_deputy(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    ref = _add(register, "x@example.org")
    absent = Settings(
        spocs=(
            SpocSettings("jsmith", "Jane", "jane@c.example", absent=True),
            SpocSettings("akhan", "Aisha", "aisha@c.example"),
        )
    )
    with sessions() as s:
        (match,) = queries.register_lookup(absent)(s, ["x@example.org"], NOW)
    assert (match.spoc_email, match.diversion_effective, match.reference) == (
        "aisha@c.example",
        False,
        ref.reference,
    )


def _message(session: Session, sender: str, recipients: list[tuple[str, str]], day: int) -> int:
    raw = f"message {sender} {day} {recipients}".encode()
    sha = hashlib.sha256(raw).hexdigest()
    session.add(RawMessage(sha256=sha, size=len(raw), data=raw))
    session.flush()
    record = MessageRecord(
        source="chief-exec/INBOX",
        source_key=f"1:{day}",
        raw_sha256=sha,
        sender=sender,
        subject="About my neighbour",
        received_at=datetime(2025, 11, day, 12, tzinfo=UTC),
    )
    session.add(record)
    session.flush()
    session.add(MessageAddress(message_pk=record.id, role="from", address=sender))
    for role, address in recipients:
        session.add(MessageAddress(message_pk=record.id, role=role, address=address))
    return record.id


def test_signatory_with_prior_involvement_is_refused(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    ref = _add(register, "d.harker@example.org")
    with sessions() as s, s.begin():
        # The customer wrote to the Director (cc); later the Director wrote to the customer.
        first = _message(
            s,
            "d.harker@example.org",
            [("to", "planning@council.example"), ("cc", "director@council.example")],
            3,
        )
        _message(s, "director@council.example", [("to", "d.harker@example.org")], 9)
        _message(s, "someone@example.com", [("to", "other.director@council.example")], 10)
    with pytest.raises(
        PolicyError, match=rf"prior involvement.*message {first} of 2025-11-03 \(as cc\)"
    ):
        _decide(register, ref)
    with pytest.raises(PolicyError, match="already took part in this case as head-of-service"):
        register.approve(
            ref.reference,
            ApprovalInput(
                Role.signatory,
                "Hannah Head",
                "hos@council.example",
                D0 + timedelta(days=8),
                title=SignatoryTitle.monitoring_officer,
            ),
            actor="ig",
            now=NOW,
        )
    given = ApprovalInput(
        Role.signatory,
        "Olu Other",
        "other.director@council.example",
        D0 + timedelta(days=8),
        title=SignatoryTitle.director,
    )
    assert register.approve(ref.reference, given, actor="ig", now=NOW).status == "stage2"


def test_earlier_approver_of_the_customer_cannot_sign(register: Register) -> None:
    ref = _add(register, stage=CaseStatus.monitoring)
    register.approve(
        ref.reference,
        ApprovalInput(Role.manager, "Max Manager", "max@council.example", D0),
        actor="ig",
        now=NOW,
    )
    register.review(
        ref.reference,
        ReviewInput(
            D0 + timedelta(days=10), "calls continue", Outcome.escalate, reasons="abusive calls"
        ),
        actor="ig",
        now=NOW,
    )
    register.set_measures(ref.reference, {"divert_email_to_spoc": True}, actor="ig", now=NOW)
    for role, name in ((Role.head_of_service, "Hannah"), (Role.senior_ig_officer, "Sam")):
        register.approve(
            ref.reference,
            ApprovalInput(role, name, f"{name}@council.example", D0 + timedelta(days=11)),
            actor="ig",
            now=NOW,
        )
    with pytest.raises(PolicyError, match=r"already decided on case .* as manager"):
        register.approve(
            ref.reference,
            ApprovalInput(
                Role.signatory,
                "Max Manager",
                "max@council.example",
                D0 + timedelta(days=12),
                title=SignatoryTitle.director,
            ),
            actor="ig",
            now=NOW,
        )


def test_audit_chain_detects_edits_and_deletions(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    ref = _add(register)
    _decide(register, ref)
    register.show(ref.reference, actor="viewer", now=NOW)
    with sessions() as s:
        result = audit.verify(s)
        actions = list(s.scalars(select(AuditRow.action).order_by(AuditRow.seq)))
    assert result.ok and result.rows == len(actions) >= 7
    assert actions[-1] == "case.viewed" and "case.approved" in actions

    def verify() -> audit.Verification:
        with sessions() as s:
            return audit.verify(s)

    with sessions() as s, s.begin():
        actor = s.scalar(select(AuditRow.actor).where(AuditRow.seq == 3))
        s.execute(update(AuditRow).where(AuditRow.seq == 3).values(actor="someone else"))
    assert verify().problem == "row 3 was altered (its hash does not match its contents)"
    with sessions() as s, s.begin():
        s.execute(update(AuditRow).where(AuditRow.seq == 3).values(actor=actor))
    assert verify().ok
    with sessions() as s, s.begin():
        s.execute(update(AuditRow).where(AuditRow.seq == 4).values(payload={"after": {}}))
    assert verify().problem == "row 4 had its before/after data altered"
    with sessions() as s, s.begin():
        s.execute(update(AuditRow).where(AuditRow.seq == 4).values(payload=None))
    assert verify().problem == "row 4 lost its before/after data without a recorded deletion"


def _restore_ok(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        assert audit.verify(s).ok


def test_audit_chain_detects_a_deleted_row_and_a_cut_tail(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    _add(register)
    _add(register)
    _restore_ok(sessions)
    with sessions() as s, s.begin():
        s.execute(delete(AuditRow).where(AuditRow.seq == 2))
    with sessions() as s:
        assert audit.verify(s).problem == "row 2 is missing (next row found is 3)"
    with sessions() as s, s.begin():
        s.execute(delete(AuditRow).where(AuditRow.seq >= 2))
    with sessions() as s:
        assert audit.verify(s).problem == "the chain ends at row 1, but the head records row 4"


def _dormant_case(register: Register) -> CaseRef:
    ref = _add(register, stage=CaseStatus.monitoring)
    register.approve(
        ref.reference,
        ApprovalInput(Role.manager, "Max", "max@council.example", D0),
        actor="ig",
        now=NOW,
    )
    register.close(
        ref.reference, on=D0 + timedelta(days=5), reason="conduct improved", actor="ig", now=NOW
    )
    return ref


def test_deletion_respects_holds_and_exemptions_and_leaves_a_tombstone(
    register: Register, sessions: sessionmaker[Session]
) -> None:
    ref = _dormant_case(register)
    later = NOW + timedelta(days=800)
    with pytest.raises(PolicyError, match="not due"):
        register.delete(ref.reference, reason="retention", actor="ig", now=NOW)
    hold = register.open_hold(ref.reference, "foi", reference="FOI-77", on=D0, actor="ig", now=NOW)
    assert [d.blocked_by for d in register.deletions_due(actor="ig", now=later)] == [
        ("FOI FOI-77",)
    ]
    with pytest.raises(PolicyError, match="under legal hold, not deleted: FOI FOI-77"):
        register.delete(ref.reference, reason="retention", actor="ig", now=later)
    register.release_hold(hold, on=D0 + timedelta(days=30), actor="ig", now=NOW)
    with sessions() as s, s.begin():
        s.execute(update(Customer).where(Customer.id == ref.customer_id).values(pre_policy=True))
    with pytest.raises(PolicyError, match="exempt"):
        register.delete(ref.reference, reason="retention", actor="ig", now=later)
    with sessions() as s, s.begin():
        s.execute(update(Customer).where(Customer.id == ref.customer_id).values(pre_policy=False))
    register.delete(ref.reference, reason="24 months dormant", actor="ig", now=later)
    with sessions() as s:
        assert s.get(Customer, ref.customer_id) is None
        assert s.scalar(select(func.count()).select_from(CustomerEmail)) == 0
        tomb = s.scalars(select(DeletionTombstone)).one()
        assert (tomb.case_id, tomb.reason, tomb.dormant_since) == (
            ref.case_id,
            "24 months dormant",
            D0 + timedelta(days=5),
        )
        payloads = s.scalars(
            select(AuditRow.payload).where(AuditRow.customer_id == ref.customer_id)
        ).all()
        assert payloads[-1] is not None and all(p is None for p in payloads[:-1])
        assert "Derek" not in str(payloads[-1])
        assert audit.verify(s).ok


# --- random sequences of service operations on each database -------------------------

OPS = st.sampled_from(["approve", "divert", "notify", "review", "close", "advance", "undivert"])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(OPS, min_size=3, max_size=14), extreme=st.booleans())
def test_no_effective_diversion_without_full_record(
    register: Register, sessions: sessionmaker[Session], ops: list[str], extreme: bool
) -> None:
    email = f"random{next(_numbers)}@example.org"
    stage = CaseStatus.stage2 if extreme else CaseStatus.monitoring
    ref = _add(register, email, stage=stage)
    now = NOW
    for step, op in enumerate(ops):
        now += timedelta(days=7)
        with contextlib.suppress(PolicyError):
            _operate(register, ref, op, now, step)
        _check_diversion_is_backed(sessions, email, ref, now.date())
    with sessions() as s:
        assert audit.verify(s).ok


def _operate(register: Register, ref: CaseRef, op: str, now: datetime, step: int) -> None:
    key, on = ref.reference, now.date()
    if op == "approve":
        shown = register.show(key, actor="t", now=now)
        status, done = (
            shown["case"]["status"],
            {a["role"] for a in shown["approvals"] if a["round"] == shown["case"]["round"]},
        )
        roles = [Role.manager] if status == "monitoring" else list(Role)[1:]
        role = next((r for r in roles if r.value not in done), roles[-1])
        title = SignatoryTitle.director if role is Role.signatory else None
        register.approve(
            key,
            ApprovalInput(role, f"Officer {step}", f"o{step}@council.example", on, title=title),
            actor="t",
            now=now,
        )
    elif op in ("divert", "undivert"):
        register.set_measures(key, {"divert_email_to_spoc": op == "divert"}, actor="t", now=now)
    elif op == "notify":
        for kind in (NoticeKind.stage1, NoticeKind.stage2):
            try:
                register.notify(key, kind, sent_on=on, channel="email", actor="t", now=now)
            except PolicyError:
                continue
    elif op == "review":
        register.review(key, ReviewInput(on, "contact log", Outcome.escalate), actor="t", now=now)
    elif op == "close":
        register.close(key, on=on, reason="test", actor="t", now=now)


def _check_diversion_is_backed(
    sessions: sessionmaker[Session], email: str, ref: CaseRef, on: date
) -> None:
    with sessions() as s:
        target = queries.active_diversion_for(s, email, on)
        if target is None:
            return
        case_round = s.get_one(Case, ref.case_id).round
        approvals = s.scalars(
            select(CaseApproval).where(
                CaseApproval.case_id == ref.case_id,
                CaseApproval.round == case_round,
                CaseApproval.approved.is_(True),
            )
        ).all()
        notices = s.scalars(
            select(CaseNotice).where(
                CaseNotice.case_id == ref.case_id,
                CaseNotice.round == case_round,
                CaseNotice.kind == "stage2",
            )
        ).all()
    assert {a.role for a in approvals} == {"head-of-service", "senior-ig-officer", "signatory"}
    assert notices and min(n.sent_on for n in notices) <= target.effective_from <= on
    assert target.decision_on == max(a.decided_on for a in approvals)
