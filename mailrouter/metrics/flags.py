"""Flag rules: a subject's counters and the thresholds in, flags with plain reasons out.

Pure: no clock, no database. Each flag names its period (a day, a Monday-start
week or a calendar month), so the queue can key it by (subject, kind, period)
and a flag IG has dismissed is not raised again for the same evidence. A flag
is a prompt for a person to look, never a decision: frequent, polite, legitimate
queries are not misconduct (policy), which is why there is no rule on volume
alone below the council's own thresholds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from mailrouter.config import ThresholdSettings
from mailrouter.metrics.periods import week_of
from mailrouter.metrics.snapshot import COUNTERS, DayCounts, SenderMetrics

# A senior share means little on one or two messages.
MIN_SENIOR_CONTACTS = 3


@dataclass(frozen=True, slots=True)
class Flag:
    subject: str
    kind: str
    period_start: date
    period_end: date
    value: float
    threshold: float
    explanation: str
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.subject, self.kind, self.period_start)


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def month_name(day: date) -> str:
    return f"{day:%B %Y}"


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _group(days: Iterable[DayCounts], key: Callable[[date], date]) -> dict[date, list[DayCounts]]:
    groups: dict[date, list[DayCounts]] = defaultdict(list)
    for d in days:
        groups[key(d.day)].append(d)
    return groups


def _evidence(days: list[DayCounts], **extra: object) -> dict[str, object]:
    counts = {c: sum(int(getattr(d, c)) for d in days) for c in COUNTERS}
    timeline = [[d.day.isoformat(), d.messages] for d in sorted(days, key=lambda x: x.day)]
    return {"counts": counts, "timeline": timeline, **extra}


def evaluate(metrics: SenderMetrics, limits: ThresholdSettings) -> list[Flag]:
    """Every flag the thresholds raise for one subject, in a stable order."""
    flags: list[Flag] = []
    flags += _volume(metrics, limits)
    flags += _scatter_gun(metrics, limits)
    flags += _senior(metrics, limits)
    flags += _abusive(metrics)
    flags += _complaints(metrics, limits)
    flags += _near_duplicates(metrics, limits)
    return flags


def _volume(m: SenderMetrics, limits: ThresholdSettings) -> list[Flag]:
    found: list[Flag] = []
    per_day = limits.messages_per_day
    for d in m.days:
        if d.messages > per_day:
            text = f"Made {d.messages} contacts on {short_day(d.day)}"
            found.append(
                _flag(
                    m,
                    "volume-day",
                    (d.day, d.day),
                    value=d.messages,
                    threshold=per_day,
                    text=text,
                    days=[d],
                )
            )
    for week, days in sorted(_group(m.days, week_of).items()):
        total = sum(d.messages for d in days)
        if total > limits.messages_per_week:
            text = f"Made {total} contacts in the week of {short_day(week)}"
            period = (week, week + timedelta(days=6))
            found.append(
                _flag(
                    m,
                    "volume-week",
                    period,
                    value=total,
                    threshold=limits.messages_per_week,
                    text=text,
                    days=days,
                )
            )
    for month, days in sorted(_group(m.days, month_of).items()):
        total = sum(d.messages for d in days)
        if total > limits.messages_per_month:
            text = f"Made {total} contacts in {month_name(month)}"
            found.append(
                _flag(
                    m,
                    "volume-month",
                    (month, month_end(month)),
                    value=total,
                    threshold=limits.messages_per_month,
                    text=text,
                    days=days,
                )
            )
    return found


def _scatter_gun(m: SenderMetrics, limits: ThresholdSettings) -> list[Flag]:
    found: list[Flag] = []
    by_week = _group(m.days, week_of)
    for week, staff in sorted(m.week_recipients.items()):
        if len(staff) > limits.distinct_staff_per_week:
            text = (
                f"Wrote to {len(staff)} different staff mailboxes in the week of {short_day(week)}"
            )
            period = (week, week + timedelta(days=6))
            found.append(
                _flag(
                    m,
                    "scatter-gun",
                    period,
                    value=len(staff),
                    threshold=limits.distinct_staff_per_week,
                    text=text,
                    days=by_week.get(week, []),
                    staff=sorted(staff),
                )
            )
    return found


def _senior(m: SenderMetrics, limits: ThresholdSettings) -> list[Flag]:
    found: list[Flag] = []
    for month, days in sorted(_group(m.days, month_of).items()):
        senior = sum(d.senior for d in days)
        total = sum(d.messages for d in days)
        if senior >= MIN_SENIOR_CONTACTS and senior / total >= limits.senior_share:
            share = senior / total
            text = (
                f"Wrote to senior staff in {senior} of {total} contacts in {month_name(month)}"
                f" ({share:.0%}; threshold {limits.senior_share:.0%})"
            )
            found.append(
                _flag(
                    m,
                    "senior-staff",
                    (month, month_end(month)),
                    value=share,
                    threshold=limits.senior_share,
                    text=text,
                    days=days,
                    explained=True,
                )
            )
    return found


def _abusive(m: SenderMetrics) -> list[Flag]:
    found: list[Flag] = []
    for month, days in sorted(_group(m.days, month_of).items()):
        abusive = sum(d.abusive for d in days)
        if abusive:
            text = (
                f"Detectors found abusive language in {abusive} contact(s) in {month_name(month)};"
                " a person must read them before anything is decided"
            )
            found.append(
                _flag(
                    m,
                    "abusive-language",
                    (month, month_end(month)),
                    value=abusive,
                    threshold=1,
                    text=text,
                    days=days,
                    explained=True,
                )
            )
    return found


def _complaints(m: SenderMetrics, limits: ThresholdSettings) -> list[Flag]:
    # Challenging an outcome, even more than once, is not misconduct (policy):
    # above the threshold this only asks IG to check for repeats of closed matters.
    found: list[Flag] = []
    limit = limits.complaints_per_month
    for month, days in sorted(_group(m.days, month_of).items()):
        complaints = sum(d.complaints for d in days)
        if complaints > limit:
            text = (
                f"Sent {complaints} messages read as complaints in {month_name(month)}"
                f" (threshold {limit}); check whether they repeat closed matters"
            )
            found.append(
                _flag(
                    m,
                    "repeat-complaints",
                    (month, month_end(month)),
                    value=complaints,
                    threshold=limit,
                    text=text,
                    days=days,
                    explained=True,
                )
            )
    return found


def _near_duplicates(m: SenderMetrics, limits: ThresholdSettings) -> list[Flag]:
    found: list[Flag] = []
    limit = limits.near_duplicates_per_week
    for week, days in sorted(_group(m.days, week_of).items()):
        repeats = sum(d.near_duplicates for d in days)
        if limit and repeats >= limit:
            text = (
                f"Sent essentially the same message again {repeats} times in the week of"
                f" {short_day(week)} (each almost word for word an earlier one; threshold"
                f" {limit}); a repeat can be a fair chase of an unanswered query"
            )
            found.append(
                _flag(
                    m,
                    "near-duplicates",
                    (week, week + timedelta(days=6)),
                    value=repeats,
                    threshold=limit,
                    text=text,
                    days=days,
                    explained=True,
                )
            )
    return found


def _flag(
    m: SenderMetrics,
    kind: str,
    period: tuple[date, date],
    *,
    value: float,
    threshold: float,
    text: str,
    days: list[DayCounts],
    explained: bool = False,
    **extra: object,
) -> Flag:
    # Most rules read "... (threshold N)"; those that already state it say so.
    explanation = text if explained else f"{text} (threshold {threshold:g})"
    evidence = _evidence(days, identities=list(m.identities or (m.subject,)), **extra)
    return Flag(m.subject, kind, *period, float(value), float(threshold), explanation, evidence)
