"""The daily retention run as a job on the daemon's persisted scheduler.

Stored by reference with the config path as its one argument, like the other
daily jobs (``mailrouter.jobs``). A run is idempotent and safe beside another
daemon's, so a misfire caught up late or two daemons at once purge each item once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from apscheduler.schedulers.base import BaseScheduler

from mailrouter.config import Settings
from mailrouter.jobs import add_daily_job, job_app
from mailrouter.retention.run import run

log = logging.getLogger(__name__)

JOB_ID = "retention.run"
JOB_FUNC = "mailrouter.retention.schedule:retention_job"


def retention_job(config_path: str | None) -> int:
    """The scheduled run; returns the number of messages purged."""
    with job_app(config_path) as app:
        settings = app.settings()
        if not settings.retention.enabled:
            log.info("retention.skipped reason=disabled")
            return 0
        summary = run(app.sessions(), settings, now=datetime.now(UTC))
    return sum(summary.purged.values())


def schedule_retention(
    scheduler: BaseScheduler, *, settings: Settings, config_path: str | None
) -> None:
    """Add (or replace) the daily run, at ``[retention] time`` in the council's zone."""
    add_daily_job(
        scheduler,
        JOB_FUNC,
        job_id=JOB_ID,
        name="purge mail and sender data past retention",
        at=time.fromisoformat(settings.retention.time),
        settings=settings,
        config_path=config_path,
    )
