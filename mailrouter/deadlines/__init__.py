"""Working days and statutory deadlines (pure: no clock, no database).

>>> from datetime import UTC, datetime
>>> deadline_for(DeadlineKind.FOI, datetime(2024, 5, 1, 9, tzinfo=UTC), "england-and-wales")
datetime.date(2024, 5, 31)
"""

from __future__ import annotations

from mailrouter.deadlines.calendars import (
    Calendar,
    add_working_days,
    holidays_in,
    is_working_day,
    next_working_day,
    roll_forward,
)
from mailrouter.deadlines.rules import (
    LONDON,
    RULES,
    DeadlineKind,
    Rule,
    calendar_for,
    deadline_for,
    receipt_date,
    same_date_next_month,
)

__all__ = [
    "LONDON",
    "RULES",
    "Calendar",
    "DeadlineKind",
    "Rule",
    "add_working_days",
    "calendar_for",
    "deadline_for",
    "holidays_in",
    "is_working_day",
    "next_working_day",
    "receipt_date",
    "roll_forward",
    "same_date_next_month",
]
