"""The daily digest run as an APScheduler 3.x job, persisted in mailrouter's own database.

Registered like the reply release (``replies/schedule.py``): by reference, with
the config path as its only argument. It fires every day at ``digest.time`` in
the council's zone and does nothing on a non-working day (when
``digest.working_days_only``), so bank holidays follow the nation's calendar.

Catching up: a daemon started after today's digest time (it was down, or
restarted) adds a one-off run now. A run only ever sends *today's* digests and
only once today's time has come, so a misfire carried over from an earlier day
cannot send early, and every run is idempotent (``send.send_day``): a restart,
a caught-up run and a second daemon firing the same job record each digest once.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.digest import days
from mailrouter.digest.send import DayReport, send_day
from mailrouter.jobs import add_daily_job, job_app

log = logging.getLogger(__name__)

JOB_ID = "digest.daily"
CATCH_UP_ID = "digest.catch-up"
JOB_FUNC = "mailrouter.digest.schedule:digest_job"


def due_day(now: datetime, settings: Settings) -> date | None:
    """The local day whose digests are due at ``now``, or None (too early, not a digest day)."""
    day = days.local_day(now, settings)
    if not days.is_digest_day(day, settings) or now < days.moment(day, settings):
        return None
    return day


def run_due(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> DayReport | None:
    day = due_day(now, settings)
    if day is None:
        log.info("digest.not_due at=%s", now.astimezone(settings.tz).isoformat())
        return None
    return send_day(sessions, settings, day=day, now=now)


def digest_job(config_path: str | None) -> int:
    """The scheduled run; returns how many digests it recorded (0 when all were already)."""
    with job_app(config_path) as app:
        report = run_due(app.sessions(), app.settings(), datetime.now(UTC))
    return 0 if report is None else len(report.recorded)


def schedule_digests(
    scheduler: BaseScheduler, *, settings: Settings, config_path: str | None, now: datetime
) -> bool:
    """Add (or replace) the daily job, and a run now if today's is due; True if caught up."""
    at = days.send_time(settings)
    add_daily_job(
        scheduler,
        JOB_FUNC,
        job_id=JOB_ID,
        name="daily digests",
        at=at,
        settings=settings,
        config_path=config_path,
    )
    if due_day(now, settings) is None:
        return False
    try:
        scheduler.add_job(
            JOB_FUNC,
            trigger=DateTrigger(run_date=now),
            id=CATCH_UP_ID,
            name="daily digests (catch up)",
            args=[config_path],
            replace_existing=True,
            misfire_grace_time=None,
        )
    except JobLookupError:
        # Another daemon sharing the job store added today's catch-up and ran it (removing
        # it) between our add and replace: its run did this work (digests are sent once).
        log.info("digest.catch_up_elsewhere")
    return True
