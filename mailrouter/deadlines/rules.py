"""Statutory and Code deadlines, counted the way the regulators count them.

Counting rules (each taken from the regulator's own guidance):

- FOI, EIR, FOISA: the twentieth working day *following* the date of receipt
  (FOIA s.10(1)). The date of receipt is the calendar day the message arrived,
  working day or not (ICO line to take LTT47); the first working day after it is
  day one. So a request that arrives on a Saturday has the Monday as day one.
  This is the stricter reading: it never gives a later date than counting the
  Monday as day zero.
- FOIA and EIR working days exclude bank holidays in *any* part of the UK
  (FOIA s.10(6), EIR reg. 2(1)): St Patrick's Day is not a working day for an
  English council's FOI clock. In Scotland FOI means FOISA and EIR means the
  EIR (Scotland), whose working days exclude Scottish bank holidays only
  (FOISA s.73).
- Subject access (and the other UK GDPR rights): one calendar month starting on
  the day of receipt, so due on the same date next month, or the last day of
  next month if that date does not exist; if that is not a working day, the
  next working day (ICO guidance on time limits).
- Complaints (Complaint Handling Code): acknowledge within 5 working days and
  respond within 10, counted like FOI in the council's own calendar. The Code
  runs the 10 days from the acknowledgement; from receipt, as here, is the
  earliest that can be; pass the acknowledgement instant once it is known.

Receipt instants are converted to Europe/London before taking the date, so a
message stamped 23:30 UTC in summer arrives on the next London day.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from mailrouter.deadlines.calendars import Calendar, add_working_days, roll_forward

LONDON = ZoneInfo("Europe/London")


class DeadlineKind(StrEnum):
    FOI = "foi"
    EIR = "eir"
    FOISA = "foisa"
    SAR = "sar"
    COMPLAINT_ACKNOWLEDGEMENT = "complaint-acknowledgement"
    COMPLAINT_RESPONSE = "complaint-response"


@dataclass(frozen=True, slots=True)
class Rule:
    """How one kind of deadline is counted; ``basis`` is shown to officers."""

    working_days: int | None  # None: one calendar month
    basis: str


RULES: dict[DeadlineKind, Rule] = {
    DeadlineKind.FOI: Rule(20, "FOIA s.10: 20 working days after receipt"),
    DeadlineKind.EIR: Rule(20, "EIR reg. 5: 20 working days after receipt"),
    DeadlineKind.FOISA: Rule(20, "FOISA s.10: 20 Scottish working days after receipt"),
    DeadlineKind.SAR: Rule(None, "UK GDPR art. 12(3): one calendar month from receipt"),
    DeadlineKind.COMPLAINT_ACKNOWLEDGEMENT: Rule(
        5, "Complaint Handling Code: acknowledge within 5 working days"
    ),
    DeadlineKind.COMPLAINT_RESPONSE: Rule(
        10, "Complaint Handling Code: respond within 10 working days"
    ),
}


def receipt_date(received_at: datetime) -> date:
    """The London calendar date of a timezone-aware receipt instant."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    return received_at.astimezone(LONDON).date()


def same_date_next_month(day: date) -> date:
    """The same day-of-month next month, or that month's last day if it has no such date."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def calendar_for(kind: DeadlineKind, nation: Calendar) -> Calendar:
    """Which bank holidays stop the clock for ``kind`` at a council in ``nation``."""
    if kind is DeadlineKind.FOISA:
        return Calendar.SCOTLAND
    if kind in (DeadlineKind.FOI, DeadlineKind.EIR):
        # A Scottish council's FOI is FOISA and its EIR is the EIR (Scotland).
        return Calendar.SCOTLAND if nation is Calendar.SCOTLAND else Calendar.ANY_PART_OF_UK
    return nation


def deadline_for(kind: DeadlineKind | str, received_at: datetime, nation: Calendar | str) -> date:
    """The last day on which a reply to a ``kind`` request received at ``received_at`` is on time.

    ``nation`` is the council's nation (``general.nation`` in the config).
    """
    kind = DeadlineKind(kind)
    nation = Calendar(nation)
    received = receipt_date(received_at)
    working_calendar = calendar_for(kind, nation)
    rule = RULES[kind]
    if rule.working_days is None:
        return roll_forward(same_date_next_month(received), working_calendar)
    return add_working_days(received, rule.working_days, working_calendar)
