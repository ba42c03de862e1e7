"""The daily release run as an APScheduler 3.x job, persisted in mailrouter's own database.

The job is stored by reference (``JOB_FUNC``) with one JSON-safe argument, the
config path, so a restarted daemon (or another daemon on the same database)
finds it in the job store and nothing is pickled but a string. The run itself is
``hold.release_due``, which is idempotent for a window: a run repeated after a
crash, a misfire caught up late, or two daemons firing the same day queue each
reply once (the outbox keys are unique and only ``held`` replies are taken).

``coalesce`` and an unlimited ``misfire_grace_time`` make a daemon that was down
at release time run once when it comes back, rather than skip the day or run
once per missed day.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from time import sleep

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.jobs import add_daily_job, job_app
from mailrouter.replies import hold
from mailrouter.store import db

log = logging.getLogger(__name__)

JOB_ID = "replies.release-due"
JOB_FUNC = "mailrouter.replies.schedule:release_job"
JOBS_TABLE = "apscheduler_jobs"
DEFAULT_AT = time(7, 0)
TABLE_ATTEMPTS = 3


def release_job(config_path: str | None) -> int:
    """The scheduled run: queue every reply due now; returns how many replies were queued."""
    with job_app(config_path) as app, db.transaction(app.sessions()) as session:
        released = hold.release_due(session, now=datetime.now(UTC), settings=app.settings())
    count = sum(len(item.reply_ids) for item in released)
    log.info("replies.released count=%d messages=%d", count, len(released))
    return count


def release_if_due(
    sessions: sessionmaker[Session], settings: Settings, now: datetime, at: time = DEFAULT_AT
) -> int:
    """For a one-shot run: the daily release, if today's release time has come; how many queued.

    Like the daemon's job it releases what is due today and nothing else, and
    running it again the same day queues nothing twice.
    """
    if now.astimezone(settings.tz).time() < at:
        return 0
    with db.transaction(sessions) as session:
        released = hold.release_due(session, now=now, settings=settings)
    return sum(len(item.reply_ids) for item in released)


def job_store(engine: Engine) -> SQLAlchemyJobStore:
    """An APScheduler job store on ``engine`` (the database the rest of mailrouter uses).

    Its table is made here, before the scheduler starts: two daemons starting at
    once would otherwise both try to create it, and on PostgreSQL the loser's
    CREATE TABLE fails (a catalogue unique-key race), ending that daemon.
    """
    store = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
    for attempt in range(1, TABLE_ATTEMPTS + 1):
        try:
            store.jobs_t.create(engine, checkfirst=True)
            return store
        except DBAPIError:
            if inspect(engine).has_table(JOBS_TABLE):
                return store  # the other daemon made it meanwhile
            if attempt == TABLE_ATTEMPTS:
                raise
            sleep(0.2 * attempt)
    return store


def schedule_release(
    scheduler: BaseScheduler, *, settings: Settings, config_path: str | None, at: time = DEFAULT_AT
) -> None:
    """Add (or replace) the daily release job on ``scheduler``, at ``at`` in the council's zone."""
    add_daily_job(
        scheduler,
        JOB_FUNC,
        job_id=JOB_ID,
        name="release held replies",
        at=at,
        settings=settings,
        config_path=config_path,
    )
