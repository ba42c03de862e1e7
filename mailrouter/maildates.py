"""Dates in mail headers (RFC 5322 section 3.3) -> aware UTC datetimes, or None.

The common, well-formed shape is read with one regular expression; anything
else goes to ``email.utils.parsedate_to_datetime``, which accepts the obsolete
forms. Both give the same answer where both apply (tests/unit/test_parsing.py).
A date without a zone is taken as UTC. Nothing here raises.

Before either, a date that is plainly the common shape in ASCII and spaces
(``Tue, 3 Feb 2026 09:14:00 +0000``) is matched as it is, without cleaning it
first; it gives what the general way would (tests/unit/test_parse_equivalence.py),
and anything else, or anything it cannot build, goes the general way.
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
_MONTH_NUMBERS = {name: f"{number:02d}" for name, number in _MONTHS.items()}
# The common shape again, in ASCII only and spaces only (no cleaning needed).
_PLAIN = re.compile(
    r" *(?:[A-Za-z]{3}, *)?([0-9]{1,2}) +([A-Za-z]{3}) +([0-9]{4}) +([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2}))? +([+-])([0-9]{2})([0-9]{2})(?: *\([ -'*-~]*\))? *"
)


def parse_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    found = _plain(value)
    return found if found is not None else _general(value)


def _plain(value: str) -> datetime | None:
    """What ``_general`` gives for a date in plain printable ASCII, or None.

    What ``_PLAIN`` matches is printable ASCII, which ``clean`` leaves as it is but
    for the outer spaces (up to 200 characters), and is a subset of what ``_COMMON``
    matches, with the same groups; anything else is left to ``_general``.
    """
    if len(value) > 200:
        return None
    match = _PLAIN.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
    month_number = _MONTH_NUMBERS.get(month.lower())
    if month_number is None or hour >= "24":
        return None
    # ISO 8601 text, which datetime reads in C: the same checks as datetime() makes.
    iso = f"{year}-{month_number}-{day:0>2}T{hour}:{minute}:{second or '00'}{sign}{zone_h}:{zone_m}"
    try:
        found = datetime.fromisoformat(iso)
        return found if found.tzinfo is UTC else found.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _general(value: str) -> datetime | None:
    text = clean(value, 200)
    match = _COMMON.fullmatch(text)
    if match:
        found = _build(match.groups())
        if found is not None:
            return found
    return _slow(text)


def _build(groups: tuple[str | None, ...]) -> datetime | None:
    """The UTC moment of ``_COMMON``'s groups, or None (no such month, day or time)."""
    day, month, year, hour, minute, second, sign, zone_h, zone_m = groups
    assert day and month and year and hour and minute and sign and zone_h and zone_m
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    offset = timedelta(hours=int(zone_h), minutes=int(zone_m))
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
        return None


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
    _, semicolon, when = _received_text(value).rpartition(";")
    return parse_date(when) if semicolon else None


def _received_text(value: str) -> str:
    # Cleaning never lengthens ASCII nor touches a ";", and the date is cleaned again
    # on its own: so up to 2,000 ASCII characters, cutting first gives the same date.
    return value if len(value) <= 2000 and value.isascii() else clean(value, 2000)
