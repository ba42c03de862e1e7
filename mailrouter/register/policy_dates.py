"""The policy's calendar: monitoring periods, reviews, lapse and retention. Pure.

The policy speaks in calendar months ("6 months", "quarterly", "24 months"),
so every period here is whole months added with clamping: 31 August plus six
months is 28 (or 29) February, never 3 March. Nothing here reads a clock.
"""

from __future__ import annotations

import calendar
from datetime import date

from mailrouter.config import PolicySettings
from mailrouter.errors import PolicyError


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def latest_expiry(anchor: date, policy: PolicySettings) -> date:
    """The furthest an arrangement may run from a decision or review on ``anchor``."""
    return add_months(anchor, policy.monitoring_months)


def expiry_for(decided_on: date, months: int | None, policy: PolicySettings) -> date:
    """Expiry of a monitoring period of ``months`` (default: the policy's) from a decision."""
    months = policy.monitoring_months if months is None else months
    if not 1 <= months <= policy.monitoring_months:
        raise PolicyError(
            f"a monitoring period must be 1 to {policy.monitoring_months} months, got {months}"
        )
    return add_months(decided_on, months)


def check_extension(
    reviewed_on: date, current_expiry: date, new_expiry: date, policy: PolicySettings
) -> None:
    """An extension must lengthen the arrangement, by no more than one monitoring period."""
    if new_expiry <= current_expiry:
        raise PolicyError(
            f"an extension must end after the current expiry {current_expiry.isoformat()}"
        )
    limit = latest_expiry(reviewed_on, policy)
    if new_expiry > limit:
        raise PolicyError(
            f"an extension may run at most {policy.monitoring_months} months from the review "
            f"(until {limit.isoformat()}), not to {new_expiry.isoformat()}"
        )


def review_anchor(decision_on: date, last_review_on: date | None) -> date:
    """Reviews are counted from the decision, then from each review."""
    return max(decision_on, last_review_on) if last_review_on else decision_on


def review_due_on(
    decision_on: date, last_review_on: date | None, expires_on: date, policy: PolicySettings
) -> date:
    """Quarterly from the anchor, and in any case by the expiry (which then lapses)."""
    anchor = review_anchor(decision_on, last_review_on)
    return min(add_months(anchor, policy.review_interval_months), expires_on)


def review_deadline(
    decision_on: date, last_review_on: date | None, expires_on: date, policy: PolicySettings
) -> date:
    """The latest the policy allows: six months from the anchor ("no later than every six")."""
    anchor = review_anchor(decision_on, last_review_on)
    return min(add_months(anchor, policy.max_review_interval_months), expires_on)


def lapsed(expires_on: date | None, on: date) -> bool:
    """An arrangement is in force up to and including its expiry date."""
    return expires_on is not None and on > expires_on


def deletion_due_on(
    dormant_since: date, last_activity_on: date | None, policy: PolicySettings
) -> date:
    """24 months after dormancy, counted again from any later activity on the case."""
    start = max(dormant_since, last_activity_on) if last_activity_on else dormant_since
    return add_months(start, policy.dormant_retention_months)
