"""The daily release job: persisted in mailrouter's database, idempotent when run twice."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.replies import hold, schedule
from mailrouter.store import db
from mailrouter.store.models import OutboxRow
from mailrouter.store.models.replies import HeldReply
from tests.integration.test_replies_hold import REFERENCE, draft, seed_case, seed_message


def test_the_job_is_stored_in_the_database_and_survives_a_restart(engine: Engine) -> None:
    settings = Settings()
    first = BackgroundScheduler(jobstores={"default": schedule.job_store(engine)})
    first.start(paused=True)
    schedule.schedule_release(first, settings=settings, config_path="/etc/mr.toml")
    first.shutdown(wait=False)

    second = BackgroundScheduler(jobstores={"default": schedule.job_store(engine)})
    second.start(paused=True)
    try:
        [job] = second.get_jobs()
        assert (job.id, job.args) == (schedule.JOB_ID, ("/etc/mr.toml",))
        assert job.func_ref == schedule.JOB_FUNC
        london = job.next_run_time.astimezone(settings.tz)
        assert (london.hour, london.minute) == (7, 0)
        # Scheduling again on start-up replaces the job instead of adding a second.
        schedule.schedule_release(second, settings=settings, config_path="/etc/mr.toml")
        assert len(second.get_jobs()) == 1
    finally:
        second.shutdown(wait=False)


def test_the_job_releases_due_replies_once(
    engine: Engine,
    sessions: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    config = tmp_path / "mailrouter.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    settings = Settings()
    seed_case(sessions)
    seed_message(sessions, 1, [])
    with db.transaction(sessions) as session:
        # Captured a year "ago" so it is due whatever today is when the test runs.
        hold.capture(
            session,
            case_reference=REFERENCE,
            raw=draft(1),
            actor="jsmith",
            now=datetime(2026, 1, 26, tzinfo=UTC),
            settings=settings,
        )
    assert schedule.release_job(str(config)) == 1
    assert schedule.release_job(str(config)) == 0
    with sessions() as session:
        assert len(session.scalars(select(OutboxRow)).all()) == 1
        assert session.scalars(select(HeldReply.release_on)).one() == date(2026, 2, 6)


def test_daemons_starting_at_once_all_get_the_job_table(db_url: str) -> None:
    """Each daemon makes the job table if missing: racing CREATE TABLEs must not end one."""
    engines = [db.make_engine(db_url) for _ in range(6)]
    gate = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def start(engine: Engine) -> None:
        gate.wait()
        try:
            schedule.job_store(engine)
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert inspect(engines[0]).has_table(schedule.JOBS_TABLE)
    for engine in engines:
        engine.dispose()
