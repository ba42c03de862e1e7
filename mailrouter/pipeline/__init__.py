"""``decide()``: every step over a message, then a verdict by fixed priority, then actions.

Steps are pure and listed in order below (no discovery by scanning), so a
decision can be replayed exactly: ``mailrouter explain KEY`` shows it again.
"""

from __future__ import annotations

from collections.abc import Callable

from mailrouter.domain import (
    VERDICT_PRIORITY,
    Decision,
    DecisionContext,
    Hit,
    RoutedMessage,
    Verdict,
)
from mailrouter.pipeline.plan import plan
from mailrouter.pipeline.steps import authentication, carve_out, register_match, safety, statutory

Step = Callable[[RoutedMessage, DecisionContext], tuple[Hit, ...]]

STEPS: tuple[tuple[str, Step], ...] = (
    (register_match.NAME, register_match.check),
    (carve_out.NAME, carve_out.check),
    (authentication.NAME, authentication.check),
    (statutory.NAME, statutory.check),
    (safety.NAME, safety.check),
)


def decide(msg: RoutedMessage, ctx: DecisionContext) -> Decision:
    hits = tuple(hit for _name, check in STEPS for hit in check(msg, ctx))
    verdict = next((v for v in VERDICT_PRIORITY if any(h.verdict is v for h in hits)), Verdict.none)
    reasons = tuple(dict.fromkeys(h.step for h in hits))
    return Decision(verdict, reasons, plan(msg, ctx, verdict, hits), hits)
