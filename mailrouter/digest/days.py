"""Which days have digests, and when: pure calendar arithmetic in the council's zone.

Working days are the council's nation's (``general.nation``): England and
Wales, Scotland or Northern Ireland bank holidays, from the deadlines calendar.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from mailrouter.config import Settings
from mailrouter.deadlines.calendars import is_working_day

_MAX_BACK = 31


def send_time(settings: Settings) -> time:
    # Validated as HH:MM when the config was loaded.
    return time.fromisoformat(settings.digest.time)


def is_digest_day(day: date, settings: Settings) -> bool:
    return not settings.digest.working_days_only or is_working_day(day, settings.general.nation)


def moment(day: date, settings: Settings) -> datetime:
    """When ``day``'s digests are due, as an aware instant."""
    return datetime.combine(day, send_time(settings), tzinfo=settings.tz)


def previous_digest_day(day: date, settings: Settings) -> date:
    candidate = day
    for _ in range(_MAX_BACK):
        candidate -= timedelta(days=1)
        if is_digest_day(candidate, settings):
            return candidate
    return day - timedelta(days=1)


def since(day: date, settings: Settings) -> datetime:
    """Mail recorded from the previous digest's time on is new in ``day``'s digest."""
    return moment(previous_digest_day(day, settings), settings)


def local_day(now: datetime, settings: Settings) -> date:
    return now.astimezone(settings.tz).date()
