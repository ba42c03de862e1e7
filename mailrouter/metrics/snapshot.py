"""A sender's counters as plain values, and loading them (rolled up per register customer).

``SenderMetrics`` is what the pure flag rules read. ``load_snapshot`` reads the
day and week tables for a window with two range queries, then adds together
the identities of each register customer, so someone writing from three
addresses is judged as one person (and not also as three).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.store.models.metrics import SenderDay, SenderWeekRecipient
from mailrouter.store.models.register import CustomerEmail

COUNTERS = (
    "messages",
    "manual",
    "senior",
    "out_of_hours",
    "abusive",
    "while_open",
    "complaints",
    "near_duplicates",
)


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date
    messages: int = 0
    manual: int = 0
    senior: int = 0
    out_of_hours: int = 0
    abusive: int = 0
    while_open: int = 0
    complaints: int = 0
    near_duplicates: int = 0

    def __add__(self, other: DayCounts) -> DayCounts:
        return DayCounts(self.day, *(getattr(self, c) + getattr(other, c) for c in COUNTERS))


@dataclass(frozen=True, slots=True)
class SenderMetrics:
    """One subject's counters: an address, or ``customer:<id>`` with ``identities``."""

    subject: str
    days: tuple[DayCounts, ...]
    # Week start (Monday) -> the distinct staff addresses written to that week.
    week_recipients: dict[date, frozenset[str]] = field(default_factory=dict)
    identities: tuple[str, ...] = ()

    def total(self, counter: str = "messages") -> int:
        return sum(int(getattr(d, counter)) for d in self.days)


def merge(subject: str, parts: list[SenderMetrics]) -> SenderMetrics:
    """Several identities' counters as one subject's."""
    by_day: dict[date, DayCounts] = {}
    weeks: dict[date, set[str]] = defaultdict(set)
    for part in parts:
        for d in part.days:
            by_day[d.day] = by_day[d.day] + d if d.day in by_day else d
        for week, recipients in part.week_recipients.items():
            weeks[week] |= recipients
    identities = tuple(sorted({i for p in parts for i in (p.identities or (p.subject,))}))
    return SenderMetrics(
        subject,
        tuple(sorted(by_day.values(), key=lambda d: d.day)),
        {w: frozenset(r) for w, r in weeks.items()},
        identities,
    )


def load_snapshot(
    session: Session, start: date, end: date, senders: list[str] | None = None
) -> list[SenderMetrics]:
    """Everyone's (or ``senders``') counters for days ``start``..``end`` inclusive."""
    days_q = select(SenderDay).where(SenderDay.day >= start, SenderDay.day <= end)
    weeks_q = select(
        SenderWeekRecipient.sender, SenderWeekRecipient.week, SenderWeekRecipient.recipient
    ).where(SenderWeekRecipient.week >= start, SenderWeekRecipient.week <= end)
    if senders is not None:
        days_q = days_q.where(SenderDay.sender.in_(senders))
        weeks_q = weeks_q.where(SenderWeekRecipient.sender.in_(senders))
    days: dict[str, list[DayCounts]] = defaultdict(list)
    for row in session.scalars(days_q):
        days[row.sender].append(DayCounts(row.day, *(int(getattr(row, c)) for c in COUNTERS)))
    weeks: dict[str, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for sender, week, recipient in session.execute(weeks_q):
        weeks[sender][week].add(recipient)
    single = {
        s: SenderMetrics(
            s,
            tuple(sorted(d, key=lambda x: x.day)),
            {w: frozenset(r) for w, r in weeks[s].items()},
        )
        for s, d in days.items()
    }
    return roll_up(single, _customers_of(session, list(single)))


def roll_up(single: dict[str, SenderMetrics], owner: dict[str, int]) -> list[SenderMetrics]:
    """Replace each register customer's addresses by one ``customer:<id>`` subject."""
    grouped: dict[int, list[SenderMetrics]] = defaultdict(list)
    result: list[SenderMetrics] = []
    for sender, metrics in single.items():
        if sender in owner:
            grouped[owner[sender]].append(metrics)
        else:
            result.append(metrics)
    result.extend(merge(f"customer:{cid}", parts) for cid, parts in grouped.items())
    return result


def _customers_of(session: Session, senders: list[str]) -> dict[str, int]:
    owner: dict[str, int] = {}
    # Chunked so a large population stays under database parameter limits.
    for start in range(0, len(senders), 500):
        chunk = senders[start : start + 500]
        query = select(CustomerEmail.normalized, CustomerEmail.customer_id).where(
            CustomerEmail.normalized.in_(chunk)
        )
        owner.update({row[0]: row[1] for row in session.execute(query)})
    return owner
