"""Exactly one digest per recipient per day: concurrent daemons, restarts, real SMTP sink.

Two (or three) "daemons" are separate engines in threads, or separate
``mailrouter digest send`` processes, against the same SQLite or PostgreSQL
database; after each round the database is reopened as a restarted daemon
would, and everything is run again. The sample register has three SPOCs (one
away, whose digest goes to the deputy) and the IG summary: four digests a day.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import DatabaseSettings, Settings, SmtpSettings
from mailrouter.digest import sample, schedule
from mailrouter.digest.performer import DigestPerformer
from mailrouter.digest.send import DIGEST, DayReport
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.replies.schedule import job_store
from mailrouter.store import db
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.testing.servers import SmtpSink

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday, the digest time
EXPECTED = {
    "digest:spoc:jsmith:2026-11-30": "jane.smith@council.example",
    "digest:spoc:akhan:2026-11-30": "asha.khan@council.example",
    "digest:spoc:bpatel:2026-11-30": "asha.khan@council.example",  # Ben is away
    "digest:ig:ig:2026-11-30": "information.governance@council.example",
}
ROOT = Path(__file__).resolve().parents[2]


def settings_for(url: str, tmp_path: Path, sink: SmtpSink) -> Settings:
    base = Settings(
        base_dir=str(tmp_path),
        database=DatabaseSettings(url=url),
        smtp=SmtpSettings(host="127.0.0.1", port=sink.port, security="none"),
    )
    return sample.settings_for(base)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run_daemons(url: str, settings: Settings, count: int, at: datetime) -> list[DayReport | None]:
    """``count`` daemons, each with its own engine, running the digest job at once."""
    start = threading.Barrier(count)

    def daemon(index: int) -> DayReport | None:
        engine = db.make_engine(url)
        try:
            sessions = db.session_factory(engine)
            start.wait()
            return schedule.run_due(sessions, settings, at + timedelta(seconds=index))
        finally:
            engine.dispose()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(daemon, range(count)))


def perform(url: str, settings: Settings, count: int) -> int:
    """``count`` performers, each with its own engine and relay connection, at once."""
    start = threading.Barrier(count)

    async def one(index: int) -> int:
        engine = db.make_engine(url)
        try:
            async with SmtpTransport(settings.smtp) as transport:
                performer = DigestPerformer(
                    sessions=db.session_factory(engine),
                    transport=transport,
                    settings=settings,
                    worker_id=f"test:{index}",
                    clock=lambda: NOW + timedelta(minutes=1),
                )
                await asyncio.to_thread(start.wait)
                total = 0
                while (claimed := await performer.run_once(limit=1)) > 0:
                    total += claimed
                return total
        finally:
            engine.dispose()

    with ThreadPoolExecutor(count) as pool:
        return sum(pool.map(lambda i: asyncio.run(one(i)), range(count)))


def state(sessions: sessionmaker[Session]) -> tuple[dict[str, str], list[OutboxState], int]:
    with sessions() as session:
        sends = {s.outbox_key: s.to_address for s in session.scalars(select(DigestSend))}
        states = list(session.scalars(select(OutboxRow.state).where(OutboxRow.kind == DIGEST)))
        unsent = session.scalar(
            select(func.count()).select_from(DigestSend).where(DigestSend.sent_at.is_(None))
        )
    return sends, states, int(unsent or 0)


def delivered(sink: SmtpSink) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for received in sink.messages:
        key = str(received.message["X-Mailrouter-Digest"])
        assert key not in found, f"{key} delivered twice"
        found[key] = received.rcpt_tos
    return found


def test_concurrent_daemons_and_restarts_send_each_digest_once(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    url = url_of(engine)
    settings = settings_for(url, tmp_path, smtp_sink)
    sample.seed(sessions, settings, now=NOW)

    first = run_daemons(url, settings, 3, NOW)
    recorded = [key for report in first if report for key in report.recorded]
    assert sorted(recorded) == sorted(EXPECTED)  # each recorded by exactly one daemon
    # Restarted daemons (fresh engines) catching up later the same day: nothing new.
    again = run_daemons(url, settings, 2, NOW + timedelta(hours=3))
    assert all(report is not None and report.recorded == () for report in again)
    sends, states, unsent = state(sessions)
    assert sends == EXPECTED and len(states) == 4 and unsent == 4

    assert perform(url, settings, 2) == 4
    smtp_sink.wait_for(4)
    # Restart the performers: nothing left to send.
    assert perform(url, settings, 2) == 0
    assert delivered(smtp_sink) == {key: (to,) for key, to in EXPECTED.items()}
    sends, states, unsent = state(sessions)
    assert states == [OutboxState.done] * 4 and unsent == 0
    with sessions() as session:
        # Delivered digests keep no copy of what they said about customers.
        assert set(session.scalars(select(DigestSend.raw))) == {b""}

    # The next working day is a new day: one more round, and again only once.
    tuesday = NOW + timedelta(days=1)
    reports = run_daemons(url, settings, 2, tuesday)
    assert sum(len(r.recorded) for r in reports if r) >= 1
    assert all(key.endswith("2026-12-01") for r in reports if r for key in r.recorded)
    before = len(state(sessions)[0])
    assert run_daemons(url, settings, 2, tuesday + timedelta(hours=1))[0] is not None
    assert len(state(sessions)[0]) == before


def test_two_cli_processes_and_a_restart_send_each_digest_once(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    url = url_of(engine)
    settings = settings_for(url, tmp_path, smtp_sink)
    sample.seed(sessions, settings, now=NOW)
    spocs = "".join(
        f'[[spocs]]\nid = "{s.id}"\nname = "{s.name}"\nemail = "{s.email}"\n'
        f'deputy = "{s.deputy}"\nabsent = {str(s.absent).lower()}\n\n'
        for s in settings.spocs
    )
    config = tmp_path / "mailrouter.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[smtp]\nhost = "127.0.0.1"\nport = {smtp_sink.port}\n'
        f'security = "none"\n\n{spocs}',
        encoding="utf-8",
    )
    argv = [sys.executable, "-m", "mailrouter", "--config", str(config), "digest", "send",
            "--now", (NOW + timedelta(minutes=5)).isoformat()]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    both = [
        subprocess.Popen(
            argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120) for proc in both]
    assert [proc.returncode for proc in both] == [0, 0], outputs
    text = b"".join(out for out, _ in outputs).decode()
    assert text.count("recorded digest:") == 4
    restart = subprocess.run(
        argv, check=False, cwd=tmp_path, env=env, capture_output=True, timeout=120
    )
    assert restart.returncode == 0, restart.stderr
    assert restart.stdout.decode().count("already recorded today:") == 4
    smtp_sink.wait_for(4)
    assert delivered(smtp_sink) == {key: (to,) for key, to in EXPECTED.items()}
    sends, states, unsent = state(sessions)
    assert sends == EXPECTED and states == [OutboxState.done] * 4 and unsent == 0


def test_the_job_is_persisted_and_a_late_start_catches_up_the_same_day(engine: Engine) -> None:
    settings = Settings()
    early = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
    late = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
    first = BackgroundScheduler(jobstores={"default": job_store(engine)}, timezone=settings.tz)
    first.start(paused=True)
    assert not schedule.schedule_digests(first, settings=settings, config_path="/c.toml", now=early)
    assert [j.id for j in first.get_jobs()] == [schedule.JOB_ID]
    first.shutdown(wait=False)

    # A restart after today's time: the daily job is still there, plus one catch-up run now.
    second = BackgroundScheduler(jobstores={"default": job_store(engine)}, timezone=settings.tz)
    second.start(paused=True)
    try:
        assert schedule.schedule_digests(second, settings=settings, config_path="/c.toml", now=late)
        jobs = {job.id: job for job in second.get_jobs()}
        assert set(jobs) == {schedule.JOB_ID, schedule.CATCH_UP_ID}
        assert jobs[schedule.CATCH_UP_ID].next_run_time == late
        assert jobs[schedule.JOB_ID].func_ref == schedule.JOB_FUNC
        daily = jobs[schedule.JOB_ID].next_run_time.astimezone(settings.tz)
        assert (daily.hour, daily.minute) == (8, 0)
        # Started again: still one daily job, one catch-up.
        schedule.schedule_digests(second, settings=settings, config_path="/c.toml", now=late)
        assert len(second.get_jobs()) == 2
    finally:
        second.shutdown(wait=False)
    # A Saturday start: no catch-up.
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    third = BackgroundScheduler(timezone=settings.tz)
    third.start(paused=True)
    try:
        assert not schedule.schedule_digests(
            third, settings=settings, config_path=None, now=saturday
        )
    finally:
        third.shutdown(wait=False)


def test_a_run_before_the_digest_time_or_on_a_holiday_records_nothing(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    settings = settings_for(url_of(engine), tmp_path, smtp_sink)
    sample.seed(sessions, settings, now=NOW)
    assert schedule.run_due(sessions, settings, NOW.replace(hour=7, minute=59)) is None
    christmas = datetime(2026, 12, 25, 9, 0, tzinfo=UTC)
    assert schedule.run_due(sessions, settings, christmas) is None
    assert state(sessions)[0] == {}
