"""Acceptance simulation: 20,000 ordinary senders and a few scripted ones, through the pure rules.

Volumes are heavy-tailed (Pareto), recipients mostly one service inbox, a
quarter of contacts out of hours. The scripted senders must be flagged with the
right explanation; the polite frequent correspondent and at least 99.5 % of
ordinary senders must not be.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from mailrouter.config import ThresholdSettings
from mailrouter.metrics.anomaly import anomaly_flags
from mailrouter.metrics.flags import Flag, evaluate
from mailrouter.metrics.record import week_of
from mailrouter.metrics.snapshot import DayCounts, SenderMetrics

START = date(2026, 11, 2)  # a Monday
DAYS = 28
STAFF = [f"officer{n}@council.example" for n in range(300)]
SERVICES = [f"service{n}@council.example" for n in range(12)]
CHIEF = "chief.executive@council.example"


def _sender(
    subject: str, contacts: list[tuple[int, str, bool, bool]], complaints: int = 0
) -> SenderMetrics:
    """``contacts``: (day offset, staff address, out of hours, abusive); the first
    ``complaints`` of them are read as complaints."""
    days: dict[date, DayCounts] = {}
    weeks: dict[date, set[str]] = {}
    for n, (offset, staff, ooh, abusive) in enumerate(contacts):
        day = START + timedelta(days=offset)
        new = DayCounts(
            day, 1, 0, int(staff == CHIEF), int(ooh), int(abusive), 0, int(n < complaints)
        )
        days[day] = days[day] + new if day in days else new
        weeks.setdefault(week_of(day), set()).add(staff)
    return SenderMetrics(
        subject,
        tuple(sorted(days.values(), key=lambda d: d.day)),
        {w: frozenset(s) for w, s in weeks.items()},
    )


def _ordinary(rng: random.Random, n: int) -> SenderMetrics:
    count = min(int(rng.paretovariate(1.6)), 120)
    home = rng.choice(SERVICES)
    contacts = []
    for _ in range(count):
        staff = home if rng.random() < 0.8 else rng.choice(STAFF)
        contacts.append((rng.randrange(DAYS), staff, rng.random() < 0.25, False))
    return _sender(f"person{n}@example.net", contacts)


def _scripted() -> dict[str, SenderMetrics]:
    scatter = [(i % 5, STAFF[i], False, False) for i in range(15)] + [(3, STAFF[0], False, False)]
    high = [(d % DAYS, SERVICES[0], d % 3 == 0, False) for d in range(80)]
    high += [(9, SERVICES[0], False, False)] * 12
    # Three polite, legitimate queries a week to the same two officers, in office hours.
    polite = [(d, STAFF[d % 2], False, False) for d in range(DAYS) if d % 7 in (0, 2, 4)]
    senior = [(d, CHIEF, False, False) for d in (1, 4, 8, 15, 22)] + [
        (3, SERVICES[1], False, False)
    ]
    # Five complaints in a month about matters the council has closed.
    repeat = [(d, "complaints@council.example", False, False) for d in (1, 6, 11, 17, 24, 26)]
    return {
        "repeat@example.org": _sender("repeat@example.org", repeat, complaints=5),
        "scatter@example.org": _sender("scatter@example.org", scatter),
        "high@example.org": _sender("high@example.org", high),
        # One complaint, about a missed timescale: legitimate, not misconduct.
        "polite@example.org": _sender("polite@example.org", polite, complaints=1),
        "senior@example.org": _sender("senior@example.org", senior),
    }


def _run() -> tuple[dict[str, list[Flag]], int]:
    rng = random.Random(20261129)
    ordinary = [_ordinary(rng, n) for n in range(20_000)]
    scripted = _scripted()
    population = ordinary + list(scripted.values())
    limits = ThresholdSettings()
    flags: dict[str, list[Flag]] = {}
    for m in population:
        for flag in evaluate(m, limits):
            flags.setdefault(flag.subject, []).append(flag)
    window = (START.isoformat(), (START + timedelta(days=DAYS - 1)).isoformat())
    for flag in anomaly_flags(population, limits.anomaly_quantile, window):
        flags.setdefault(flag.subject, []).append(flag)
    return flags, len(ordinary)


def test_simulation_flags_the_scripted_senders_and_spares_the_rest() -> None:
    flags, ordinary = _run()
    kinds = {s: {f.kind for f in fs} for s, fs in flags.items()}
    texts = {s: [f.explanation for f in fs] for s, fs in flags.items()}

    assert (
        "Wrote to 15 different staff mailboxes in the week of 2 Nov (threshold 8)"
        in texts["scatter@example.org"]
    )
    assert {"volume-month", "volume-day"} <= kinds["high@example.org"]
    assert "Made 92 contacts in November 2026 (threshold 60)" in texts["high@example.org"]
    assert "senior-staff" in kinds["senior@example.org"]
    assert kinds["repeat@example.org"] == {"repeat-complaints"}
    assert texts["repeat@example.org"][0].startswith(
        "Sent 5 messages read as complaints in November 2026 (threshold 3)"
    )
    assert "polite@example.org" not in flags

    flagged_ordinary = sum(1 for s in flags if s.startswith("person"))
    share = flagged_ordinary / ordinary
    print(f"ordinary senders flagged: {flagged_ordinary}/{ordinary} ({share:.3%})")
    assert share <= 0.005
