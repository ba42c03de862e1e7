"""register-match: the sender is on the managed contact register; what their stage means.

Only a stage 2 case whose decision is complete, notified and not lapsed diverts.
A stage 2 case still missing an approval or the customer's notification is
recorded as evidence instead: diversion never starts silently.
"""

from __future__ import annotations

from mailrouter.domain import CaseMatch, CaseStatus, DecisionContext, Hit, RoutedMessage, Verdict

NAME = "register-match"


def _hit(match: CaseMatch) -> Hit:
    who = f"case {match.reference or match.case_id}"
    if match.status is CaseStatus.stage2 and match.diversion_effective:
        return Hit(NAME, Verdict.divert, f"{who}: stage 2, mail diverted to the SPOC")
    if match.status is CaseStatus.stage2:
        return Hit(
            NAME, Verdict.record, f"{who}: stage 2 not yet in effect (decision or notice pending)"
        )
    if match.status is CaseStatus.monitoring:
        return Hit(NAME, Verdict.record, f"{who}: stage 1, logged as evidence")
    if match.status is CaseStatus.dormant:
        return Hit(NAME, Verdict.record, f"{who}: dormant case, contact has recommenced")
    return Hit(NAME, Verdict.record, f"{who}: {match.status.value}, logged")


def check(msg: RoutedMessage, ctx: DecisionContext) -> tuple[Hit, ...]:
    return tuple(_hit(m) for m in ctx.matches if m.status is not CaseStatus.deleted)
