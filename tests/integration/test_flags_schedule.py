"""The daily flag scan: registered by the daemon, persisted, idempotent when two daemons run it."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import daemon
from mailrouter.config import Settings
from mailrouter.metrics import schedule
from mailrouter.replies import schedule as replies_schedule
from mailrouter.store import db
from mailrouter.store.models.metrics import FlagRow, SenderDay


def _config(engine: Engine, tmp_path: Path) -> str:
    url = engine.url.render_as_string(hide_password=False)
    path = tmp_path / "mailrouter.toml"
    path.write_text(f'[database]\nurl = "{url}"\n')
    return str(path)


def _busy_senders(sessions: sessionmaker[Session], settings: Settings, count: int) -> None:
    """``count`` senders with 20 contacts today: each raises the daily volume flag only."""
    today = datetime.now(UTC).astimezone(settings.tz).date()
    with db.transaction(sessions) as session:
        for n in range(count):
            session.add(SenderDay(sender=f"busy{n}@example.net", day=today, messages=20))


def test_the_daemon_registers_the_scan_next_to_the_release_job(
    sessions: sessionmaker[Session],
) -> None:
    settings = Settings()

    async def start() -> list[tuple[str, str]]:
        scheduler = daemon._scheduler(settings, sessions, "/etc/mr.toml")
        try:
            return sorted((job.id, job.func_ref) for job in scheduler.get_jobs())
        finally:
            scheduler.shutdown(wait=False)

    # Other daily jobs may sit beside these two.
    assert {
        (schedule.JOB_ID, schedule.JOB_FUNC),
        (replies_schedule.JOB_ID, replies_schedule.JOB_FUNC),
    } <= set(asyncio.run(start()))


def test_the_job_is_stored_in_the_database_and_survives_a_restart(engine: Engine) -> None:
    settings = Settings()
    first = BackgroundScheduler(jobstores={"default": replies_schedule.job_store(engine)})
    first.start(paused=True)
    schedule.schedule_scan(first, settings=settings, config_path="/etc/mr.toml")
    first.shutdown(wait=False)

    second = BackgroundScheduler(jobstores={"default": replies_schedule.job_store(engine)})
    second.start(paused=True)
    try:
        [job] = second.get_jobs()
        assert (job.id, job.args) == (schedule.JOB_ID, ("/etc/mr.toml",))
        london = job.next_run_time.astimezone(settings.tz)
        assert (london.hour, london.minute) == (6, 30)
        schedule.schedule_scan(second, settings=settings, config_path="/etc/mr.toml")
        assert len(second.get_jobs()) == 1
    finally:
        second.shutdown(wait=False)


def test_the_scan_job_raises_each_flag_once(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    config = _config(engine, tmp_path)
    _busy_senders(sessions, Settings(), 3)
    assert schedule.scan_job(config) == 3
    assert schedule.scan_job(config) == 0
    with sessions() as session:
        kinds = session.scalars(select(FlagRow.kind)).all()
    assert kinds == ["volume-day"] * 3


def test_two_daemons_scanning_at_once_raise_each_flag_once(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    config = _config(engine, tmp_path)
    _busy_senders(sessions, Settings(), 40)
    raised: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait(timeout=timedelta(seconds=10).total_seconds())
            raised.append(schedule.scan_job(config))
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(raised) == 40
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(FlagRow)) == 40
