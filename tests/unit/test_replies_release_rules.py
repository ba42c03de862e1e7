"""The release rules: a case that ended, an open statutory request, or the date fixed at capture."""

from __future__ import annotations

from datetime import date

from mailrouter.replies.cadence import StatutoryDeadline
from mailrouter.replies.release_rules import (
    ON_CADENCE,
    CaseFacts,
    HeldFacts,
    plan_release,
    restriction_ended,
)

LIVE = CaseFacts("stage2", date(2026, 7, 9), None)
HELD = HeldFacts(date(2026, 2, 6), None)
SAR = StatutoryDeadline("SAR", date(2026, 2, 5))  # a Thursday


def plan(case: CaseFacts = LIVE, requests: tuple[StatutoryDeadline, ...] = (), **kw: date) -> str:
    result = plan_release(
        HELD, case, requests, today=kw.get("today", date(2026, 1, 27)), nation="england-and-wales"
    )
    return f"{result.release_on.isoformat()} {result.reason}"


def test_a_live_case_without_requests_keeps_the_date_fixed_at_capture() -> None:
    assert plan() == f"2026-02-06 {ON_CADENCE}"
    kept = plan_release(
        HeldFacts(date(2026, 2, 4), "FOI request due 2026-02-05: early"),
        LIVE,
        (),
        today=date(2026, 1, 27),
        nation="england-and-wales",
    )
    assert kept.reason == "FOI request due 2026-02-05: early"


def test_an_open_request_brings_the_reply_to_the_working_day_before_its_deadline() -> None:
    assert plan(requests=(StatutoryDeadline("FOI", date(2026, 3, 2)), SAR)).startswith(
        "2026-02-04 SAR due 2026-02-05 is unanswered"
    )
    # A deadline after the cadence date changes nothing.
    assert plan(requests=(StatutoryDeadline("FOI", date(2026, 3, 2)),)).startswith("2026-02-06")
    # Monday 9 Feb: the working day before is Friday 6 Feb, the cadence date itself.
    assert plan(requests=(StatutoryDeadline("SAR", date(2026, 2, 9)),)).startswith("2026-02-06 on")


def test_a_deadline_whose_last_safe_day_has_passed_releases_today() -> None:
    result = plan(requests=(SAR,), today=date(2026, 2, 5))
    assert result.startswith("2026-02-05 SAR due 2026-02-05")


def test_a_closed_dormant_or_lapsed_case_releases_at_once() -> None:
    closed = CaseFacts("dormant", None, date(2026, 1, 30))
    assert restriction_ended(closed, date(2026, 2, 1)) == (
        "the case was closed on 2026-01-30: replies are no longer held"
    )
    assert plan(closed, today=date(2026, 2, 1)).startswith("2026-02-01 the case was closed")
    assert "not stage 2" in plan(CaseFacts("monitoring", None, None))
    lapsed = CaseFacts("stage2", date(2026, 1, 31), None)
    # In force up to and including its expiry date.
    assert restriction_ended(lapsed, date(2026, 1, 31)) is None
    assert plan(lapsed, today=date(2026, 2, 2)) == (
        "2026-02-02 the stage 2 arrangement lapsed on 2026-01-31: replies are no longer held"
    )
