"""An anomaly flag: how unusual a subject's pattern is against the council's own senders.

Why robust z-scores on log-counts: contact volumes are heavy-tailed (most people
write once, a few write often), so a mean and standard deviation are dragged by
the very senders we want to notice. The median and the median absolute
deviation (MAD) of ``log1p(count)`` are not. The MAD is floored because most
senders have identical small counts, which would otherwise make it zero.

The score adds the positive z-scores of three features (volume, the most staff
written to in one week, out-of-hours contacts). Volume alone is capped, since
frequent polite correspondence is not misconduct (policy); the flag needs the
score to pass both the population's ``anomaly_quantile`` and a fixed floor, so
a small or quiet population does not turn its top 0.1 % into flags.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mailrouter.metrics.flags import Flag, short_day
from mailrouter.metrics.snapshot import SenderMetrics

MAD_FLOOR = 0.25
# Consistency constant: MAD * 1.4826 estimates a normal standard deviation.
MAD_SCALE = 1.4826
# High volume on its own counts for at most this much of the score.
VOLUME_CAP = 4.0
SCORE_FLOOR = 8.0
FEATURES = ("messages", "staff", "out_of_hours")


@dataclass(frozen=True, slots=True)
class Features:
    messages: int
    staff: int
    out_of_hours: int


def features(m: SenderMetrics) -> Features:
    staff = max((len(r) for r in m.week_recipients.values()), default=0)
    return Features(m.total(), staff, m.total("out_of_hours"))


def _centre(values: Sequence[float]) -> tuple[float, float]:
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    return median, max(mad, MAD_FLOOR) * MAD_SCALE


def anomaly_flags(
    population: Sequence[SenderMetrics], quantile: float, window: tuple[str, str]
) -> list[Flag]:
    """Flags for subjects whose score is extreme for this population (``window``: ISO dates)."""
    if len(population) < 20:  # too few senders to say what is usual
        return []
    feats = [features(m) for m in population]
    logs = {name: [math.log1p(getattr(f, name)) for f in feats] for name in FEATURES}
    centres = {name: _centre(values) for name, values in logs.items()}
    scores = [
        _score({name: logs[name][i] for name in FEATURES}, centres) for i in range(len(feats))
    ]
    limit = max(_quantile(sorted(scores), quantile), SCORE_FLOOR)
    flags = []
    for m, f, score in zip(population, feats, scores, strict=True):
        if score > limit:
            flags.append(_flag(m, f, score=score, limit=limit, quantile=quantile, window=window))
    return flags


def _quantile(ranked: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation (the "inclusive" method)."""
    position = q * (len(ranked) - 1)
    low = int(position)
    high = min(low + 1, len(ranked) - 1)
    return ranked[low] + (ranked[high] - ranked[low]) * (position - low)


def _score(values: dict[str, float], centres: dict[str, tuple[float, float]]) -> float:
    parts = {
        name: max(0.0, (values[name] - centres[name][0]) / centres[name][1]) for name in FEATURES
    }
    parts["messages"] = min(parts["messages"], VOLUME_CAP)
    return sum(parts.values())


def _flag(
    m: SenderMetrics,
    f: Features,
    *,
    score: float,
    limit: float,
    quantile: float,
    window: tuple[str, str],
) -> Flag:
    start, end = date.fromisoformat(window[0]), date.fromisoformat(window[1])
    text = (
        f"Contact pattern unusual for this council from {short_day(start)} to {short_day(end)}:"
        f" {f.messages} contacts, up to {f.staff} staff in one week,"
        f" {f.out_of_hours} out of hours (score {score:.1f}; flagged above {limit:.1f},"
        f" the top {1 - quantile:.1%} of senders)"
    )
    timeline = [[d.day.isoformat(), d.messages] for d in m.days]
    evidence: dict[str, object] = {
        "counts": {"messages": f.messages, "staff": f.staff, "out_of_hours": f.out_of_hours},
        "timeline": timeline,
        "identities": list(m.identities or (m.subject,)),
        "score": round(score, 2),
    }
    return Flag(m.subject, "anomaly", start, end, score, limit, text, evidence)
