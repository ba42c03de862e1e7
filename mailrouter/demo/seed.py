"""Puts the sample customers on the register through the register's own operations.

Every step a council would take is taken: the stage 2 case gets its business
case, Senior IG sign-off, a signatory's decision and a recorded letter before
its mail is diverted; the dormant case is closed. Used by the demo and by the
end-to-end tests, so both exercise the real rules.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from mailrouter.domain import CaseStatus
from mailrouter.register.casework import ApprovalInput
from mailrouter.register.people import Identities, NewCase, NewCustomer
from mailrouter.register.service import CaseRef, Register
from mailrouter.register.states import NoticeKind, Role, SignatoryTitle

ACTOR = "demo"


def add_stage2(
    register: Register,
    name: str,
    emails: tuple[str, ...],
    *,
    spoc: str,
    decided: date,
    now: datetime,
    cadence: str = "fortnightly",
) -> CaseRef:
    """A stage 2 case whose decision is complete and whose letter went on ``decided``."""
    ref = register.add(
        NewCustomer(name, Identities(emails=emails)),
        NewCase(CaseStatus.stage2, decided - timedelta(days=14), "abusive calls", spoc_id=spoc),
        actor=ACTOR,
        now=now,
    )
    key = ref.reference
    register.set_measures(
        key, {"divert_email_to_spoc": True, "reply_cadence": cadence}, actor=ACTOR, now=now
    )
    approvals = (
        ApprovalInput(Role.head_of_service, "Hannah Service", "hos@council.example", decided),
        ApprovalInput(Role.senior_ig_officer, "Ian Gov", "senior.ig@council.example", decided),
        ApprovalInput(
            Role.signatory,
            "Dana Director",
            "director@council.example",
            decided,
            title=SignatoryTitle.director,
            reasons="persistent abusive contact across services",
        ),
    )
    for approval in approvals:
        register.approve(key, approval, actor=ACTOR, now=now)
    return register.notify(
        key, NoticeKind.stage2, sent_on=decided, channel="letter", actor=ACTOR, now=now
    )


def add_stage1(
    register: Register,
    name: str,
    emails: tuple[str, ...],
    *,
    spoc: str,
    decided: date,
    now: datetime,
) -> CaseRef:
    ref = register.add(
        NewCustomer(name, Identities(emails=emails)),
        NewCase(CaseStatus.monitoring, decided, spoc_id=spoc),
        actor=ACTOR,
        now=now,
    )
    register.approve(
        ref.reference,
        ApprovalInput(Role.manager, "Mo Manager", "manager@council.example", decided),
        actor=ACTOR,
        now=now,
    )
    return register.notify(
        ref.reference, NoticeKind.stage1, sent_on=decided, channel="email", actor=ACTOR, now=now
    )


def add_dormant(
    register: Register,
    name: str,
    emails: tuple[str, ...],
    *,
    spoc: str,
    decided: date,
    now: datetime,
) -> CaseRef:
    ref = add_stage1(register, name, emails, spoc=spoc, decided=decided, now=now)
    return register.close(
        ref.reference,
        on=decided + timedelta(days=120),
        reason="conduct improved",
        actor=ACTOR,
        now=now,
    )
