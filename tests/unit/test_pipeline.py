"""decide(): pure, table-driven: what each register status and detector hit leads to."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from mailrouter.domain import (
    CaseMatch,
    CaseStatus,
    DecisionContext,
    DetectedHit,
    ForwardToOfficer,
    MoveToFolder,
    RaiseAlert,
    RecordContact,
    RoutedMessage,
    Verdict,
)
from mailrouter.pipeline import STEPS, decide
from mailrouter.pipeline.steps.authentication import authenticated

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
MSG = RoutedMessage(
    key="planning/INBOX:7:42",
    pk=42,
    source="planning/INBOX",
    mailbox="planning",
    folder="INBOX",
    source_key="7:42",
    sender="jo@example.org",
    sender_name="Jo Bloggs",
    recipients=("planning@council.example",),
    subject="My extension",
    received_at=NOW,
    text="Why has nobody replied to me?",
    message_id="<abc@example.org>",
)
STAGE2 = CaseMatch(
    case_id=1,
    customer_id=9,
    customer_name="Jo Bloggs",
    status=CaseStatus.stage2,
    diversion_effective=True,
    spoc_email="jane.smith@council.example",
    spoc_name="Jane Smith",
    reference="MC-0001",
)
CTX = DecisionContext(
    now=NOW,
    ig_address="ig@council.example",
    alert_addresses=("service.manager@council.example",),
)


def kinds(actions: tuple[object, ...]) -> list[str]:
    return [type(a).__name__ for a in actions]


def test_steps_are_named_and_ordered() -> None:
    names = [name for name, _ in STEPS]
    assert names[0] == "register-match"
    assert len(names) == len(set(names))


def test_unknown_sender_gets_no_action() -> None:
    decision = decide(MSG, CTX)
    assert decision.verdict is Verdict.none
    assert decision.actions == ()
    assert decision.reasons == ()


def test_effective_stage2_diverts_and_moves_after_forwarding() -> None:
    decision = decide(MSG, replace(CTX, matches=(STAGE2,)))
    assert decision.verdict is Verdict.divert
    assert decision.reasons == ("register-match",)
    forward, record = decision.actions
    assert isinstance(forward, ForwardToOfficer)
    assert forward.to == "jane.smith@council.example"
    assert forward.authenticated
    assert isinstance(forward.then, MoveToFolder)
    assert forward.then.target == "Managed contact"
    assert forward.then.source_key == "7:42"
    assert record == RecordContact(42, 1, "diverted")


@pytest.mark.parametrize(
    ("status", "effective", "kind"),
    [
        (CaseStatus.stage2, False, "evidence"),  # decision or notification incomplete
        (CaseStatus.monitoring, False, "evidence"),
        (CaseStatus.closed, False, "evidence"),
    ],
)
def test_not_diverted_statuses_are_recorded(status: CaseStatus, effective: bool, kind: str) -> None:
    match = replace(STAGE2, status=status, diversion_effective=effective)
    decision = decide(MSG, replace(CTX, matches=(match,)))
    assert decision.verdict is Verdict.record
    assert decision.actions == (RecordContact(42, 1, kind),)


def test_dormant_customer_recommencing_is_an_urgent_alert_to_ig() -> None:
    match = replace(STAGE2, status=CaseStatus.dormant, diversion_effective=False)
    decision = decide(MSG, replace(CTX, matches=(match,)))
    record, alert = decision.actions
    assert record == RecordContact(42, 1, "recommenced")
    assert isinstance(alert, RaiseAlert)
    assert alert.kind == "recommenced"
    assert alert.to == ("ig@council.example",)


def test_deleted_case_is_ignored() -> None:
    match = replace(STAGE2, status=CaseStatus.deleted, diversion_effective=False)
    assert decide(MSG, replace(CTX, matches=(match,))).actions == ()


@pytest.mark.parametrize(
    ("subject", "topic"),
    [
        ("Direct debit for council tax", "payment"),
        ("Boiler broken again, no heating", "repair"),
        ("Safeguarding concern about the child next door", "safeguarding"),
    ],
)
def test_carve_outs_stay_with_the_service_and_copy_the_spoc(subject: str, topic: str) -> None:
    decision = decide(replace(MSG, subject=subject), replace(CTX, matches=(STAGE2,)))
    assert decision.verdict is Verdict.deliver_and_copy
    forward = decision.actions[0]
    assert isinstance(forward, ForwardToOfficer)
    assert forward.copy_only and forward.then is None
    assert any(topic in r for r in forward.reasons)
    assert RecordContact(42, 1, "copied") in decision.actions


def test_carve_out_does_not_apply_to_people_not_diverted() -> None:
    decision = decide(replace(MSG, subject="My direct debit"), CTX)
    assert decision.verdict is Verdict.none


def test_forged_sender_is_still_diverted_but_marked() -> None:
    forged = replace(MSG, authentication_results="mx.council.example; dmarc=fail header.from=x")
    decision = decide(forged, replace(CTX, matches=(STAGE2,)))
    assert decision.verdict is Verdict.divert
    forward = decision.actions[0]
    assert isinstance(forward, ForwardToOfficer)
    assert not forward.authenticated
    assert "sender-unauthenticated" in decision.reasons


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("mx; dmarc=pass header.from=example.org", True),
        ("mx; dmarc=fail (p=reject)", False),
        ("mx; spf=pass smtp.mailfrom=x; dkim=fail", True),
        ("mx; spf=fail; dkim=fail", False),
        ("mx; none", None),
    ],
)
def test_authentication_results(header: str | None, expected: bool | None) -> None:
    assert authenticated(header) is expected


def test_statutory_request_from_stage2_alerts_ig_and_spoc_at_once() -> None:
    hits = (DetectedHit("foi", 0.95, "how many", date(2026, 12, 29)),)
    decision = decide(MSG, replace(CTX, matches=(STAGE2,), hits=hits))
    assert decision.verdict is Verdict.divert
    (alert,) = [a for a in decision.actions if isinstance(a, RaiseAlert)]
    assert alert.kind == "statutory"
    assert alert.to == ("ig@council.example", "jane.smith@council.example")
    assert "due 2026-12-29" in alert.summary


def test_statutory_request_from_anyone_else_raises_no_alert() -> None:
    hits = (DetectedHit("sar", 0.9),)
    decision = decide(MSG, replace(CTX, hits=hits))
    assert not [a for a in decision.actions if isinstance(a, RaiseAlert)]
    assert decision.reasons == ("statutory-request",)


@pytest.mark.parametrize("label", ["threat", "welfare"])
def test_safety_concerns_alert_ig_and_service_managers(label: str) -> None:
    decision = decide(MSG, replace(CTX, hits=(DetectedHit(label, 0.8),)))
    (alert,) = decision.actions
    assert isinstance(alert, RaiseAlert)
    assert alert.kind == label
    assert alert.to == ("ig@council.example", "service.manager@council.example")


def test_idempotency_keys_are_stable_and_distinct() -> None:
    hits = (DetectedHit("threat", 0.9), DetectedHit("foi", 0.9))
    decision = decide(MSG, replace(CTX, matches=(STAGE2,), hits=hits))
    keys = [a.idempotency_key for a in decision.actions]
    assert len(keys) == len(set(keys))
    again = decide(MSG, replace(CTX, matches=(STAGE2,), hits=hits))
    assert [a.idempotency_key for a in again.actions] == keys
