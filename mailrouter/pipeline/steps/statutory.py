"""statutory-request: an FOI, EIR, subject access request or complaint, with its deadline.

Statutory rights are never delayed: a hit is shown to the SPOC and IG at once,
and from a stage 2 customer it raises an immediate alert.
"""

from __future__ import annotations

from mailrouter.domain import DecisionContext, Hit, RoutedMessage, Verdict

NAME = "statutory-request"
LABELS = {
    "foi": "FOI request",
    "eir": "EIR request",
    "sar": "subject access / data rights",
    "complaint": "complaint",
}


def check(msg: RoutedMessage, ctx: DecisionContext) -> tuple[Hit, ...]:
    found = []
    for hit in ctx.hits:
        if hit.label in LABELS:
            due = f", due {hit.deadline.isoformat()}" if hit.deadline else ""
            found.append(Hit(NAME, Verdict.none, f"{LABELS[hit.label]}{due}"))
    return tuple(found)
