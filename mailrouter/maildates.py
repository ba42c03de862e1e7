"""Dates in mail headers (RFC 5322 section 3.3) -> aware UTC datetimes, or None.

The common, well-formed shape is read with one regular expression; anything
else goes to ``email.utils.parsedate_to_datetime``, which accepts the obsolete
forms. Both give the same answer where both apply (tests/unit/test_parsing.py).
A date without a zone is taken as UTC. Nothing here raises.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from mailrouter.headertext import clean

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_COMMON = re.compile(
    r"\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?"
    r"\s+([+-])(\d{2})(\d{2})(?:\s*\([^()]*\))?\s*"
)


def parse_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    text = clean(value, 200)
    match = _COMMON.fullmatch(text)
    if match:
        day, month, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
        offset = timedelta(hours=int(zone_h), minutes=int(zone_m))
        month_number = _MONTHS.get(month.lower())
        if month_number is not None:
            try:
                return datetime(
                    int(year),
                    month_number,
                    int(day),
                    int(hour),
                    int(minute),
                    int(second or 0),
                    tzinfo=timezone(-offset if sign == "-" else offset),
                ).astimezone(UTC)
            except (ValueError, OverflowError):
                pass
    return _slow(text)


def _slow(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def received_date(value: str | None) -> datetime | None:
    """The time stamp after the last ``;`` of a Received: header."""
    if value is None:
        return None
    _, semicolon, when = clean(value, 2000).rpartition(";")
    return parse_date(when) if semicolon else None
