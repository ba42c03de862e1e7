"""sender-unauthenticated: the From: address failed DMARC (or SPF and DKIM) on receipt.

A forged From: matching a register address is still diverted (diverting a
forgery is harmless, missing a real message is not), but the SPOC is told it
may not be from the customer, and it is not counted as the customer's contact.
"""

from __future__ import annotations

import re

from mailrouter.domain import DecisionContext, Hit, RoutedMessage, Verdict

NAME = "sender-unauthenticated"

_RESULT = re.compile(r"\b(dmarc|spf|dkim)\s*=\s*([a-z]+)", re.I)


def authenticated(authentication_results: str | None) -> bool | None:
    """True (DMARC pass, or SPF/DKIM pass without DMARC), False (a failure), None (no data)."""
    if not authentication_results:
        return None
    results: dict[str, set[str]] = {}
    for method, result in _RESULT.findall(authentication_results):
        results.setdefault(method.lower(), set()).add(result.lower())
    if "dmarc" in results:
        return "pass" in results["dmarc"] and "fail" not in results["dmarc"]
    if not results:
        return None
    passed = results.get("spf", set()) | results.get("dkim", set())
    return "pass" in passed


def check(msg: RoutedMessage, ctx: DecisionContext) -> tuple[Hit, ...]:
    if not ctx.matches or authenticated(msg.authentication_results) is not False:
        return ()
    return (Hit(NAME, Verdict.none, "From: failed authentication: possibly forged"),)
