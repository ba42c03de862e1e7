"""Wiring only: ingestion, routing, the outbox worker and replies, run together until SIGTERM.

Five loops share one ``stop`` event, beside an APScheduler whose jobs live in
the same database (the daily release of held replies, the flag scan, the daily
digests). Ingestion stores new mail (IDLE-woken), the router decides about
whatever is stored and unrouted, the outbox worker performs the resulting
effects, the reply performer sends released replies and the digest performer
sends recorded digests. Each loop only talks to the database, so they can also run
in separate processes or on several machines against PostgreSQL. On SIGTERM
each loop stops taking new work and finishes what it holds; leases left by a
crash are taken back at the next start on the same host, or when they expire.

``run_once`` is the same in a single pass: ingest everything pending, route
it, perform every effect that is due now, and return a summary.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.mailbox import ImapMover
from mailrouter.actions.outbox import OutboxWorker
from mailrouter.config import Settings
from mailrouter.digest import schedule as digest_schedule
from mailrouter.digest.performer import DigestPerformer
from mailrouter.ingest_runner import ingest_once, run_ingest
from mailrouter.loops import run_until_stopped
from mailrouter.metrics import schedule as flags_schedule
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.replies import schedule
from mailrouter.replies.performer import ReplyPerformer
from mailrouter.retention import schedule as retention_schedule
from mailrouter.routing import Router, RoutingStats
from mailrouter.services import build_router, describer, raw_loader
from mailrouter.store import db, outbox
from mailrouter.web.server import run_console

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PassSummary:
    stored: int
    routing: RoutingStats
    effects: int
    # Digests recorded by this pass (only when it ran the day's due jobs).
    digests: int = 0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_leases(sessions: sessionmaker[Session]) -> None:
    """At start-up, take back work a killed daemon on this machine had leased."""
    with db.transaction(sessions) as session:
        freed = outbox.release_dead_leases(session, socket.gethostname(), _pid_alive)
    if freed:
        log.warning("outbox.leases_released count=%d", freed)


def _worker(
    settings: Settings, sessions: sessionmaker[Session], transport: SmtpTransport, clock: Clock
) -> OutboxWorker:
    return OutboxWorker(
        sessions=sessions,
        transport=transport,
        mover=ImapMover(settings.mailboxes),
        load_raw=raw_loader(settings, sessions),
        describe=describer(settings, sessions),
        settings=settings,
        worker_id=worker_id(),
        clock=clock,
        # A claim query five times a second is cheap and keeps diversion latency low.
        idle_seconds=0.2,
    )


async def _route_loop(
    router: Router, sessions: sessionmaker[Session], stop: asyncio.Event, clock: Clock
) -> None:
    async def step() -> int:
        stats = await asyncio.to_thread(router.route_pending, sessions, clock())
        return stats.routed + stats.failed

    # The shared loop: a database outage is logged once and retried, never ends the daemon.
    await run_until_stopped(step, stop, idle_seconds=0.2, name="routing", worker=worker_id())


def _replies(
    settings: Settings, sessions: sessionmaker[Session], transport: SmtpTransport, clock: Clock
) -> ReplyPerformer:
    return ReplyPerformer(
        sessions=sessions,
        transport=transport,
        settings=settings,
        worker_id=worker_id(),
        clock=clock,
    )


def _digests(
    settings: Settings, sessions: sessionmaker[Session], transport: SmtpTransport, clock: Clock
) -> DigestPerformer:
    return DigestPerformer(
        sessions=sessions,
        transport=transport,
        settings=settings,
        worker_id=worker_id(),
        clock=clock,
    )


def _scheduler(
    settings: Settings, sessions: sessionmaker[Session], config_path: str | None
) -> AsyncIOScheduler:
    """Daily jobs (release of held replies, the flag scan), persisted in mailrouter's database."""
    scheduler = AsyncIOScheduler(
        jobstores={"default": schedule.job_store(db.engine_of(sessions))}, timezone=settings.tz
    )
    scheduler.start()
    schedule.schedule_release(scheduler, settings=settings, config_path=config_path)
    flags_schedule.schedule_scan(scheduler, settings=settings, config_path=config_path)
    digest_schedule.schedule_digests(
        scheduler, settings=settings, config_path=config_path, now=utcnow()
    )
    retention_schedule.schedule_retention(scheduler, settings=settings, config_path=config_path)
    return scheduler


async def run_forever(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: asyncio.Event,
    clock: Clock = utcnow,
    config_path: str | None = None,
) -> None:
    router = build_router(settings)
    release_dead_leases(sessions)
    scheduler = _scheduler(settings, sessions, config_path)
    try:
        async with SmtpTransport(settings.smtp) as transport:
            worker = _worker(settings, sessions, transport, clock)
            replies = _replies(settings, sessions, transport, clock)
            digests = _digests(settings, sessions, transport, clock)
            log.info("daemon.started mailboxes=%d", len(settings.mailboxes))
            async with asyncio.TaskGroup() as group:
                group.create_task(run_ingest(settings, sessions, stop))
                group.create_task(_route_loop(router, sessions, stop, clock))
                group.create_task(worker.run(stop))
                group.create_task(replies.run(stop))
                group.create_task(digests.run(stop))
                if settings.web.enabled:
                    group.create_task(run_console(settings, sessions, stop, clock))
    finally:
        scheduler.shutdown(wait=False)
    log.info("daemon.stopped")


def _due_jobs(settings: Settings, sessions: sessionmaker[Session], now: datetime) -> int:
    """A one-shot run's share of the daemon's day; returns how many digests were recorded.

    The daily jobs due at ``now`` by the daemon's own rules: the reply release
    once its time has come, today's digests once theirs has (the catch-up rule
    the daemon applies at start). Both are idempotent for the day.
    """
    schedule.release_if_due(sessions, settings, now)
    report = digest_schedule.run_due(sessions, settings, now)
    return 0 if report is None else len(report.recorded)


async def run_once(
    settings: Settings,
    sessions: sessionmaker[Session],
    clock: Clock = utcnow,
    *,
    due_jobs: bool = False,
) -> PassSummary:
    """One pass; with ``due_jobs`` (``mailrouter run --once``) also the daily jobs due now."""
    release_dead_leases(sessions)
    reports = await ingest_once(settings, sessions)
    stored = sum(r.stored for r in reports)
    router = build_router(settings)
    total = RoutingStats()
    while True:
        stats = await asyncio.to_thread(router.route_pending, sessions, clock())
        total = RoutingStats(*(a + b for a, b in zip(_counts(total), _counts(stats), strict=True)))
        if stats.routed == 0 and stats.failed == 0:
            break
    digests = await asyncio.to_thread(_due_jobs, settings, sessions, clock()) if due_jobs else 0
    effects = 0
    async with SmtpTransport(settings.smtp) as transport:
        performers = (
            _worker(settings, sessions, transport, clock),
            _replies(settings, sessions, transport, clock),
            _digests(settings, sessions, transport, clock),
        )
        # Forwards enqueue their moves when they succeed: keep going until nothing is due.
        while (claimed := sum([await p.run_once() for p in performers])) > 0:
            effects += claimed
    return PassSummary(stored, total, effects, digests)


def _counts(stats: RoutingStats) -> tuple[int, int, int, int]:
    return (stats.routed, stats.diverted, stats.recorded, stats.failed)


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
