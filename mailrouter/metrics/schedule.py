"""The daily ``flags scan`` as an APScheduler 3.x job, persisted in mailrouter's own database.

Registered like the reply release job (``mailrouter.replies.schedule``): stored
by reference with one JSON-safe argument, the config path, so a restarted
daemon finds it and nothing is pickled but a string. The scan is idempotent:
flags are keyed by (subject, kind, period) and inserted only if new, so a
repeated run, a misfire caught up late, or two daemons scanning at the same
moment raise each flag once and never reopen one IG has decided.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from apscheduler.schedulers.base import BaseScheduler

from mailrouter.config import Settings
from mailrouter.jobs import add_daily_job, job_app
from mailrouter.metrics import queue

log = logging.getLogger(__name__)

JOB_ID = "flags.scan"
JOB_FUNC = "mailrouter.metrics.schedule:scan_job"
# Before the working day, so IG start it with the queue up to date.
DEFAULT_AT = time(6, 30)
WINDOW_DAYS = 28


def scan_job(config_path: str | None) -> int:
    """The scheduled run: scan the last four weeks up to today; returns the flags raised."""
    with job_app(config_path) as app:
        settings = app.settings()
        now = datetime.now(UTC)
        end = now.astimezone(settings.tz).date()
        start = end - timedelta(days=WINDOW_DAYS - 1)
        result = queue.scan(app.sessions(), settings, start=start, end=end, now=now)
    log.info(
        "flags.scanned raised=%d updated=%d unchanged=%d",
        result.raised,
        result.updated,
        result.unchanged,
    )
    return result.raised


def schedule_scan(
    scheduler: BaseScheduler, *, settings: Settings, config_path: str | None, at: time = DEFAULT_AT
) -> None:
    """Add (or replace) the daily scan job on ``scheduler``, at ``at`` in the council's zone."""
    add_daily_job(
        scheduler,
        JOB_FUNC,
        job_id=JOB_ID,
        name="scan contact metrics for flags",
        at=at,
        settings=settings,
        config_path=config_path,
    )
