"""The pure metric rules: out-of-hours, flag explanations and evidence, anomaly, the SVG chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mailrouter.config import ThresholdSettings
from mailrouter.metrics.anomaly import anomaly_flags
from mailrouter.metrics.flags import evaluate
from mailrouter.metrics.periods import week_of
from mailrouter.metrics.record import is_out_of_hours
from mailrouter.metrics.snapshot import DayCounts, SenderMetrics, merge, roll_up
from mailrouter.metrics.svg import timeline_svg

LIMITS = ThresholdSettings()


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime(2026, 11, 3, 10, 0, tzinfo=UTC), False),  # Tuesday morning
        (datetime(2026, 11, 3, 19, 30, tzinfo=UTC), True),  # evening
        (datetime(2026, 11, 3, 7, 59, tzinfo=UTC), True),  # before opening
        (datetime(2026, 11, 7, 11, 0, tzinfo=UTC), True),  # Saturday
        (datetime(2026, 12, 25, 11, 0, tzinfo=UTC), True),  # Christmas Day
        (datetime(2026, 8, 31, 11, 0, tzinfo=UTC), True),  # August bank holiday (E&W)
    ],
)
def test_out_of_hours(when: datetime, expected: bool) -> None:
    assert is_out_of_hours(when, "england-and-wales") is expected


def test_summer_bank_holiday_differs_in_scotland() -> None:
    assert not is_out_of_hours(datetime(2026, 8, 31, 11, 0, tzinfo=UTC), "scotland")


def _metrics(subject: str, per_day: dict[date, int], **kw: int) -> SenderMetrics:
    days = tuple(DayCounts(d, n, **kw) for d, n in sorted(per_day.items()))
    return SenderMetrics(subject, days)


def test_daily_flag_has_explanation_and_evidence() -> None:
    m = _metrics("a@example.org", {date(2026, 11, 4): 12, date(2026, 11, 5): 2})
    (flag,) = evaluate(m, LIMITS)
    assert flag.kind == "volume-day"
    assert flag.explanation == "Made 12 contacts on 4 Nov (threshold 10)"
    assert flag.key == ("a@example.org", "volume-day", date(2026, 11, 4))
    assert flag.evidence["timeline"] == [["2026-11-04", 12]]
    assert flag.evidence["identities"] == ["a@example.org"]


def test_at_threshold_is_not_flagged() -> None:
    assert evaluate(_metrics("a@example.org", {date(2026, 11, 4): 10}), LIMITS) == []


def test_senior_share_needs_a_few_contacts() -> None:
    few = _metrics("a@example.org", {date(2026, 11, 4): 2}, senior=1)
    assert evaluate(few, LIMITS) == []
    many = _metrics("a@example.org", {date(2026, 11, d): 1 for d in (2, 9, 16)}, senior=1)
    (flag,) = evaluate(many, LIMITS)
    assert flag.kind == "senior-staff" and "3 of 3 contacts in November 2026" in flag.explanation


def test_customer_rollup_unions_staff_across_identities() -> None:
    week = week_of(date(2026, 11, 4))
    one = SenderMetrics("one@x", (DayCounts(week, 3),), {week: frozenset({"s1", "s2"})})
    two = SenderMetrics("two@x", (DayCounts(week, 2),), {week: frozenset({"s2", "s3"})})
    other = SenderMetrics("other@x", (DayCounts(week, 1),))
    result = {
        m.subject: m
        for m in roll_up({"one@x": one, "two@x": two, "other@x": other}, {"one@x": 7, "two@x": 7})
    }
    assert set(result) == {"other@x", "customer:7"}
    merged = result["customer:7"]
    assert merged.total() == 5 and merged.week_recipients[week] == {"s1", "s2", "s3"}
    assert merged.identities == ("one@x", "two@x")
    assert merge("c", [merged]).identities == ("one@x", "two@x")


def test_anomaly_needs_a_population_and_spares_volume_alone() -> None:
    start = date(2026, 11, 2)
    quiet = [_metrics(f"p{n}@x", {start + timedelta(days=n % 20): 1 + n % 2}) for n in range(500)]
    assert anomaly_flags(quiet[:10], 0.999, ("2026-11-02", "2026-11-29")) == []
    # Volume alone, however high, scores at most the volume cap: not an anomaly by itself.
    busy = _metrics("busy@x", {start + timedelta(days=d): 2 for d in range(28)})
    week = week_of(start)
    odd = SenderMetrics(
        "odd@x",
        tuple(DayCounts(start + timedelta(days=d), 3, out_of_hours=3) for d in range(7)),
        {week: frozenset(f"s{i}" for i in range(14))},
    )
    flagged = anomaly_flags([*quiet, busy, odd], 0.999, ("2026-11-02", "2026-11-29"))
    assert [f.subject for f in flagged] == ["odd@x"]
    assert flagged[0].explanation.startswith("Contact pattern unusual for this council")


def test_svg_escapes_text_and_draws_each_day() -> None:
    svg = timeline_svg(
        [(date(2026, 11, 2), 3), (date(2026, 11, 4), 1)], title="<script>x</script>", threshold=2
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") == 3 and "2026-11-03: 0" in svg
