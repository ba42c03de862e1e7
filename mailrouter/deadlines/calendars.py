"""Working days by UK bank-holiday calendar.

A working day is any day that is not a Saturday, a Sunday or a holiday in the
chosen calendar. Holidays come from the ``holidays`` package (which follows the
gov.uk lists, including substitute days and one-off days such as the 2022 state
funeral); each (calendar, year) set is built once and cached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from holidays.countries.united_kingdom import UnitedKingdom

# The holidays package's constructors are untyped; this is the part we use.
_uk_holidays: Callable[..., Mapping[date, str]] = UnitedKingdom

_SATURDAY = 5
# Enough to step over the longest run of non-working days (Christmas plus a
# weekend plus Scotland's two New Year days) many times over; a loop that gets
# this far has a broken calendar, not a long holiday.
_MAX_SCAN_DAYS = 31


class Calendar(StrEnum):
    """A bank-holiday calendar; the nation values match ``general.nation`` in the config."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"
    # A bank holiday in any part of the UK: the FOIA s.10(6) and EIR definition.
    ANY_PART_OF_UK = "any-part-of-uk"


_SUBDIVISIONS: dict[Calendar, tuple[str, ...]] = {
    Calendar.ENGLAND_AND_WALES: ("ENG", "WLS"),
    Calendar.SCOTLAND: ("SCT",),
    Calendar.NORTHERN_IRELAND: ("NIR",),
    Calendar.ANY_PART_OF_UK: ("ENG", "WLS", "SCT", "NIR"),
}


@lru_cache(maxsize=256)
def holidays_in(calendar: Calendar, year: int) -> frozenset[date]:
    """The holidays (observed and actual) of ``calendar`` in ``year``."""
    days: set[date] = set()
    for subdiv in _SUBDIVISIONS[calendar]:
        days.update(_uk_holidays(subdiv=subdiv, years=year).keys())
    return frozenset(days)


def is_working_day(day: date, calendar: Calendar | str) -> bool:
    """True unless ``day`` is a weekend or a holiday in ``calendar``."""
    if day.weekday() >= _SATURDAY:
        return False
    return day not in holidays_in(Calendar(calendar), day.year)


def next_working_day(day: date, calendar: Calendar | str) -> date:
    """The first working day strictly after ``day``."""
    candidate = day
    for _ in range(_MAX_SCAN_DAYS):
        candidate += timedelta(days=1)
        if is_working_day(candidate, calendar):
            return candidate
    raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {day}")


def roll_forward(day: date, calendar: Calendar | str) -> date:
    """``day`` itself if it is a working day, else the next working day."""
    return day if is_working_day(day, calendar) else next_working_day(day, calendar)


def add_working_days(start: date, count: int, calendar: Calendar | str) -> date:
    """The ``count``-th working day after ``start``; ``start`` itself is never counted.

    So a Friday plus one working day is the following Monday, and a Saturday
    plus one working day is also that Monday (the first working day after it).
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    day = start
    for _ in range(count):
        day = next_working_day(day, calendar)
    return day
