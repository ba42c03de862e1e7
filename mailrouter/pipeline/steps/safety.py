"""safety-concern: a threat of violence (zero tolerance) or a welfare concern.

Threats alert IG and the service managers at once for a police referral;
welfare concerns alert them for a possible Adult Social Care referral. Abusive
language is recorded as evidence. None of these waits for a digest.
"""

from __future__ import annotations

from mailrouter.domain import DecisionContext, Hit, RoutedMessage, Verdict

NAME = "safety-concern"
LABELS = {"threat": "threat of violence", "welfare": "welfare concern", "abuse": "abusive language"}


def check(msg: RoutedMessage, ctx: DecisionContext) -> tuple[Hit, ...]:
    return tuple(
        Hit(NAME, Verdict.none, f"{LABELS[hit.label]} ({hit.confidence:.0%})")
        for hit in ctx.hits
        if hit.label in LABELS
    )
