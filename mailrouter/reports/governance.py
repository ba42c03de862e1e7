"""The quarterly governance report's figures, computed from ``facts.Facts`` without I/O.

Definitions (the README's "Governance report" section says the same):

- *active at quarter end*: a case at stage 1 (monitoring) or stage 2 on the
  quarter's last day whose arrangement had not passed its expiry;
- *new*: opened (or imported) with an opening date in the quarter;
- *escalated* / *de-escalated*: moved stage 1 -> 2 / 2 -> 1 in the quarter;
- *reintroduced*: a dormant case made live again in the quarter;
- *lapsed*: closed by the daily lapse of an arrangement not extended by its expiry;
- *closed*: every other closure in the quarter (a decision, or a review's "close");
- *review overdue*: an active, decided arrangement whose quarterly review date
  (``policy_dates.review_due_on``) fell before the quarter end with no review since;
- *durations*: days in a stage, for spells that ended in the quarter and for
  spells still running at its end (counted to the last day);
- *service*: a case's service is the service of the mailboxes its recorded
  contacts arrived at (the most frequent one), since cases carry no service.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from mailrouter.config import PolicySettings
from mailrouter.register import policy_dates
from mailrouter.reports.facts import LIVE, CaseSnapshot, Facts, HistoryRow, MailboxCount
from mailrouter.reports.quarter import Quarter

NO_SERVICE = "(no service recorded)"
STAGES = ("monitoring", "stage2")
STAGE_LABELS = {"monitoring": "Stage 1 (monitoring)", "stage2": "Stage 2"}
MOVEMENTS = ("new", "escalated", "de-escalated", "reintroduced", "lapsed", "closed")
OUTCOMES = ("continue", "extend", "escalate", "close")


@dataclass(frozen=True, slots=True)
class ActiveCount:
    stage: str
    service: str
    cases: int


@dataclass(frozen=True, slots=True)
class Movement:
    movement: str
    stage: str  # the stage entered (new, escalated, ...) or left (lapsed, closed)
    cases: int


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    outcome: str
    reviews: int


@dataclass(frozen=True, slots=True)
class OverdueReview:
    reference: str
    customer_name: str
    stage: str
    service: str
    review_due_on: date
    days_overdue: int


@dataclass(frozen=True, slots=True)
class Duration:
    stage: str
    spells: str  # "ended in quarter" or "running at quarter end"
    count: int
    median_days: float | None
    max_days: int | None


@dataclass(frozen=True, slots=True)
class DivertedVolume:
    service: str
    messages: int
    cases: int


@dataclass(frozen=True, slots=True)
class GovernanceReport:
    quarter: Quarter
    council_name: str
    active: tuple[ActiveCount, ...]
    movements: tuple[Movement, ...]
    reviews_done: int
    outcomes: tuple[OutcomeCount, ...]
    overdue: tuple[OverdueReview, ...]
    durations: tuple[Duration, ...]
    diverted: tuple[DivertedVolume, ...]

    def active_total(self, stage: str | None = None) -> int:
        return sum(a.cases for a in self.active if stage is None or a.stage == stage)

    def movement(self, name: str) -> int:
        return sum(m.cases for m in self.movements if m.movement == name)


@dataclass(frozen=True, slots=True)
class _Spell:
    stage: str
    start: date
    end: date | None


def build(
    facts: Facts,
    quarter: Quarter,
    *,
    policy: PolicySettings,
    mailbox_services: Mapping[str, str],
    council_name: str = "",
) -> GovernanceReport:
    by_case: dict[int, list[HistoryRow]] = defaultdict(list)
    for row in sorted(facts.history, key=lambda r: r.seq):
        by_case[row.case_id].append(row)
    services = case_services(facts.contacts, mailbox_services)
    at_end = {cid: s for cid, rows in by_case.items() if (s := state_on(rows, quarter.end))}
    active = {
        cid: snap
        for cid, snap in at_end.items()
        if snap.status in LIVE and not policy_dates.lapsed(snap.expires_on, quarter.end)
    }
    return GovernanceReport(
        quarter=quarter,
        council_name=council_name,
        active=_active_counts(active, services),
        movements=_movements(by_case.values(), quarter),
        reviews_done=sum(1 for r in facts.reviews if quarter.contains(r.reviewed_on)),
        outcomes=_outcomes(r.outcome for r in facts.reviews if quarter.contains(r.reviewed_on)),
        overdue=_overdue(active, facts, services, quarter, policy),
        durations=_durations(by_case.values(), quarter),
        diverted=_diverted(facts.diverted, mailbox_services),
    )


def state_on(rows: Sequence[HistoryRow], day: date) -> CaseSnapshot | None:
    """The case as it stood at the end of ``day``; None if it did not exist yet."""
    current: CaseSnapshot | None = None
    for row in rows:
        if row.on <= day:
            current = row.after
    return current


def case_services(
    contacts: Iterable[MailboxCount], mailbox_services: Mapping[str, str]
) -> dict[int, str]:
    """Each case's service: the one most of its contacts came through (ties: by name)."""
    tallies: dict[int, Counter[str]] = defaultdict(Counter)
    for c in contacts:
        service = mailbox_services.get(c.mailbox, "")
        if service:
            tallies[c.case_id][service] += c.messages
    return {
        cid: min(tally.items(), key=lambda item: (-item[1], item[0]))[0]
        for cid, tally in tallies.items()
    }


def _active_counts(
    active: Mapping[int, CaseSnapshot], services: Mapping[int, str]
) -> tuple[ActiveCount, ...]:
    counts = Counter((snap.status, services.get(cid, NO_SERVICE)) for cid, snap in active.items())
    return tuple(
        ActiveCount(stage, service, n)
        for (stage, service), n in sorted(counts.items(), key=lambda i: (i[0][0], i[0][1]))
    )


def _movement_of(row: HistoryRow) -> tuple[str, str] | None:
    """(movement, stage) for a history row that is one, else None."""
    after, before = row.after.status, row.before_status
    if row.action in ("case.opened", "case.imported"):
        return ("new", after if after in LIVE else "closed")
    if before is None or before == after:
        return None
    if before in LIVE and after in LIVE:
        return ("escalated" if after == "stage2" else "de-escalated", after)
    if before not in LIVE and after in LIVE:
        return ("reintroduced", after)
    if before in LIVE:
        return ("lapsed" if row.action == "case.lapsed" else "closed", before)
    return None


def _movements(cases: Iterable[list[HistoryRow]], quarter: Quarter) -> tuple[Movement, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    for rows in cases:
        for row in rows:
            kind = _movement_of(row)
            if kind is None:
                continue
            day = row.after.opened_on if kind[0] == "new" else row.on
            if quarter.contains(day):
                counts[kind] += 1
    return tuple(
        Movement(name, stage, counts[(name, stage)]) for name in MOVEMENTS for stage in STAGES
    )


def _outcomes(outcomes: Iterable[str]) -> tuple[OutcomeCount, ...]:
    counts = Counter(outcomes)
    names = [*OUTCOMES, *sorted(set(counts) - set(OUTCOMES))]
    return tuple(OutcomeCount(name, counts[name]) for name in names)


def _overdue(
    active: Mapping[int, CaseSnapshot],
    facts: Facts,
    services: Mapping[int, str],
    quarter: Quarter,
    policy: PolicySettings,
) -> tuple[OverdueReview, ...]:
    found: list[OverdueReview] = []
    for cid, snap in active.items():
        if snap.decision_on is None or snap.expires_on is None:
            continue
        due = policy_dates.review_due_on(
            snap.decision_on, snap.last_review_on, snap.expires_on, policy
        )
        if due >= quarter.end:
            continue
        info = facts.cases.get(cid)
        found.append(
            OverdueReview(
                reference=info.reference if info else f"case {cid}",
                customer_name=info.customer_name if info else "",
                stage=snap.status,
                service=services.get(cid, NO_SERVICE),
                review_due_on=due,
                days_overdue=(quarter.end - due).days,
            )
        )
    return tuple(sorted(found, key=lambda o: (-o.days_overdue, o.reference)))


def spells(rows: Sequence[HistoryRow]) -> list[_Spell]:
    """The case's stretches at stage 1 or 2, from its status changes in chain order."""
    found: list[_Spell] = []
    current: _Spell | None = None
    status: str | None = None
    for row in rows:
        if row.after.status == status and row.action not in ("case.opened", "case.imported"):
            continue
        if current is not None:
            found.append(_Spell(current.stage, current.start, row.on))
            current = None
        status = row.after.status
        if status in LIVE:
            current = _Spell(status, row.on, None)
    if current is not None:
        found.append(current)
    return found


def _durations(cases: Iterable[list[HistoryRow]], quarter: Quarter) -> tuple[Duration, ...]:
    ended: dict[str, list[int]] = defaultdict(list)
    running: dict[str, list[int]] = defaultdict(list)
    for rows in cases:
        for spell in spells(rows):
            if spell.start > quarter.end:
                continue
            if spell.end is not None and quarter.contains(spell.end):
                ended[spell.stage].append((spell.end - spell.start).days)
            elif spell.end is None or spell.end > quarter.end:
                running[spell.stage].append((quarter.end - spell.start).days)
    result: list[Duration] = []
    for stage in STAGES:
        for label, values in (
            ("ended in quarter", ended[stage]),
            ("running at quarter end", running[stage]),
        ):
            result.append(
                Duration(
                    stage=stage,
                    spells=label,
                    count=len(values),
                    median_days=float(statistics.median(values)) if values else None,
                    max_days=max(values) if values else None,
                )
            )
    return tuple(result)


def _diverted(
    rows: Iterable[MailboxCount], mailbox_services: Mapping[str, str]
) -> tuple[DivertedVolume, ...]:
    messages: Counter[str] = Counter()
    cases: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        service = mailbox_services.get(row.mailbox) or NO_SERVICE
        messages[service] += row.messages
        cases[service].add(row.case_id)
    return tuple(
        DivertedVolume(service, messages[service], len(cases[service]))
        for service in sorted(messages)
    )
