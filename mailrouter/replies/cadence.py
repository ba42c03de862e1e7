"""When a held reply leaves: the customer's cadence, bounded by any statutory deadline (pure).

Release dates are anchored to the stage 2 decision date, as the policy says:

- fortnightly: the decision date plus 14, 28, 42, ... days;
- monthly: the decision's day of the month in each later month, or that month's
  last day when it has no such date (a decision on 31 January releases on 28 or
  29 February, 31 March, 30 April). Each date is computed from the decision
  itself, never from the previous release, so a short month does not drag every
  later release to the 28th.

A release date that is not a working day in the council's calendar moves to the
next working day. A reply joins the first release on or after the day it was
captured: a reply written on a release day goes out in that day's release, one
written the day after waits for the next.

Statutory rights are never delayed: a reply to a message that carries a
statutory deadline leaves no later than the working day before that deadline,
whatever the cadence, and the reason is kept so the SPOC and IG can see why it
went early. A reply captured on or after that day leaves at once.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from mailrouter.deadlines import Calendar, is_working_day, roll_forward
from mailrouter.register.measures import Cadence

FORTNIGHT = timedelta(days=14)
# Long enough to step back over Christmas, New Year and two weekends many times over.
_MAX_SCAN_DAYS = 31
# The statutory-request step writes hit details such as "FOI request, due 2026-03-02".
_DUE = re.compile(r"^(?P<label>.+), due (?P<due>\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True, slots=True)
class StatutoryDeadline:
    """A deadline carried by the customer's message; ``label`` is shown to people."""

    label: str
    due: date


@dataclass(frozen=True, slots=True)
class ReplyTiming:
    """What fixes a held reply's release: the case's cadence and when the reply was captured."""

    decision_on: date
    cadence: Cadence
    captured_on: date
    nation: Calendar | str


def nominal_release(decision_on: date, cadence: Cadence, n: int) -> date:
    """The ``n``-th release date, not yet moved off a non-working day (0: the decision)."""
    if cadence == "fortnightly":
        return decision_on + FORTNIGHT * n
    months = decision_on.year * 12 + decision_on.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(decision_on.day, last))


def release_dates(decision_on: date, cadence: Cadence, nation: Calendar | str) -> Iterator[date]:
    """Every release date from the decision on, each moved to a working day."""
    n = 0
    while True:
        yield roll_forward(nominal_release(decision_on, cadence, n), nation)
        n += 1


def next_release(
    decision_on: date, cadence: Cadence, captured_on: date, nation: Calendar | str
) -> date:
    """The first release on or after ``captured_on``."""
    if cadence not in ("fortnightly", "monthly"):
        raise ValueError(f"unknown reply cadence {cadence!r}")
    for day in release_dates(decision_on, cadence, nation):
        if day >= captured_on:
            return day
    raise AssertionError("release_dates is endless")  # pragma: no cover


def previous_working_day(day: date, nation: Calendar | str) -> date:
    """The last working day strictly before ``day``."""
    candidate = day
    for _ in range(_MAX_SCAN_DAYS):
        candidate -= timedelta(days=1)
        if is_working_day(candidate, nation):
            return candidate
    raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days before {day}")


def release_by(
    reply: ReplyTiming, statutory_deadline: StatutoryDeadline | None
) -> tuple[date, str | None]:
    """The day ``reply`` is released, and why it goes before its cadence date (None: on cadence)."""
    on_cadence = next_release(reply.decision_on, reply.cadence, reply.captured_on, reply.nation)
    if statutory_deadline is None:
        return on_cadence, None
    latest = previous_working_day(statutory_deadline.due, reply.nation)
    if on_cadence <= latest:
        return on_cadence, None
    due = statutory_deadline.due.isoformat()
    if reply.captured_on >= latest:
        # Already at or past the last safe day: holding it any longer would delay a right.
        return reply.captured_on, (
            f"{statutory_deadline.label} due {due}: released at once, "
            f"the {reply.cadence} release on {on_cadence.isoformat()} would be too late"
        )
    return latest, (
        f"{statutory_deadline.label} due {due}: released on the working day before "
        f"the deadline, the {reply.cadence} release on {on_cadence.isoformat()} would be too late"
    )


def statutory_deadline_in(details: Iterable[str]) -> StatutoryDeadline | None:
    """The earliest deadline among statutory-request hit details, if any."""
    found = []
    for detail in details:
        match = _DUE.match(detail)
        if match is None:
            continue
        try:
            due = date.fromisoformat(match["due"])
        except ValueError:
            continue
        found.append(StatutoryDeadline(match["label"], due))
    return min(found, key=lambda d: d.due) if found else None
