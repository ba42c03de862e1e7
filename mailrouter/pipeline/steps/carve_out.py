"""carve-out: payments, repairs and safeguarding reports must still reach the service.

A stage 2 customer's mail about these stays in the staff inbox and the SPOC gets
a copy, so the diversion never blocks a payment, an urgent repair or a report
about a child or adult at risk. Matching is on the subject and the first part
of the text, and deliberately generous: a false match only means the service
also sees the message.
"""

from __future__ import annotations

import re

from mailrouter.domain import DecisionContext, Hit, RoutedMessage, Verdict

NAME = "carve-out"

TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "payment",
        re.compile(
            r"\b(payment|pay(ing)? (my|the|a)|direct debit|instal+ment|arrears|refund|"
            r"council tax bill|invoice|receipt no)\b",
            re.I,
        ),
    ),
    (
        "repair",
        re.compile(
            r"\b(repairs?|leak(ing)?|no (heating|hot water|electricity)|boiler|damp|mould|"
            r"broken (window|door|lock)|gas smell|smell of gas|flood(ed|ing)? (in|inside))\b",
            re.I,
        ),
    ),
    (
        "safeguarding",
        re.compile(
            r"\b(safeguarding|at risk|being abused|neglect(ed)?|child protection|"
            r"vulnerable (adult|child|person)|domestic (abuse|violence))\b",
            re.I,
        ),
    ),
)

SCAN_CHARS = 4000


def topics(msg: RoutedMessage) -> tuple[str, ...]:
    text = f"{msg.subject}\n{msg.text[:SCAN_CHARS]}"
    return tuple(name for name, pattern in TOPICS if pattern.search(text))


def check(msg: RoutedMessage, ctx: DecisionContext) -> tuple[Hit, ...]:
    if not any(m.diversion_effective for m in ctx.matches):
        return ()
    found = topics(msg)
    if not found:
        return ()
    return (
        Hit(NAME, Verdict.deliver_and_copy, f"about {', '.join(found)}: left with the service"),
    )
