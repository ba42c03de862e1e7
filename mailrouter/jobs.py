"""Daily jobs on the daemon's persisted APScheduler: one way to add them.

Every daily job (reply release, flag scan, digests) takes the config path as its
only argument, runs in the council's zone, replaces its stored predecessor, and
runs once after downtime however many days it missed: the job itself works out
what is due, so coalescing is safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from mailrouter.app import App
from mailrouter.config import Settings


def add_daily_job(
    scheduler: BaseScheduler,
    func: str,
    *,
    job_id: str,
    name: str,
    at: time,
    settings: Settings,
    config_path: str | None,
) -> None:
    """Add (or replace) ``func`` to run daily at ``at`` in the council's zone."""
    scheduler.add_job(
        func,
        trigger=CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.tz),
        id=job_id,
        name=name,
        args=[config_path],
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=None,
        max_instances=1,
    )


@contextmanager
def job_app(config_path: str | None) -> Iterator[App]:
    """The app a stored job runs in: built from the config path it was stored with, closed after."""
    app = App(config_path=Path(config_path) if config_path else None)
    try:
        yield app
    finally:
        app.close()
