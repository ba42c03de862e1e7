"""Calendar periods the counters and flags are kept by."""

from __future__ import annotations

from datetime import date, timedelta


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())
