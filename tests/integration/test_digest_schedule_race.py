"""Two daemons share one job store: the other's catch-up run must not end this daemon."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, delete

from mailrouter.config import Settings
from mailrouter.digest import schedule
from mailrouter.replies.schedule import JOBS_TABLE, job_store

LATE = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)  # a Monday, after the digest time


class OtherDaemonRunsFirst(SQLAlchemyJobStore):  # type: ignore[misc]  # untyped library
    """The real store, with the other daemon's run of a date job (which removes it)
    happening between our failed add and our replace: the interleaving that ended a
    daemon in a two-daemon run on PostgreSQL."""

    def update_job(self, job: Job) -> None:
        if job.id == schedule.CATCH_UP_ID:
            with self.engine.begin() as connection:
                connection.execute(delete(self.jobs_t).where(self.jobs_t.c.id == job.id))
        super().update_job(job)


def _scheduler(store: Any, settings: Settings) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=settings.tz)
    scheduler.start(paused=True)
    return scheduler


def test_a_catch_up_run_by_the_other_daemon_meanwhile_is_not_an_error(engine: Engine) -> None:
    settings = Settings()
    first = _scheduler(job_store(engine), settings)
    try:
        assert schedule.schedule_digests(first, settings=settings, config_path=None, now=LATE)
    finally:
        first.shutdown(wait=False)
    job_store(engine)  # the table exists, as it would for the second daemon
    racing = OtherDaemonRunsFirst(engine=engine, tablename=JOBS_TABLE)
    second = _scheduler(racing, settings)
    try:
        # The catch-up is already stored: the add conflicts, and the replace finds it gone.
        assert schedule.schedule_digests(second, settings=settings, config_path=None, now=LATE)
        assert schedule.JOB_ID in {job.id for job in second.get_jobs()}
    finally:
        second.shutdown(wait=False)
