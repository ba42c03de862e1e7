"""Watching many mailboxes at once: the supervisor that runs every configured folder.

Concurrency model. One asyncio task per watched (mailbox, folder), all on one
event-loop thread. Every blocking step (an imapclient call, parsing a batch,
a database transaction) runs in ONE bounded thread pool (``workers``, default
8), so the number of threads is fixed however many mailboxes there are, and
at most ``workers`` database sessions are open at once. A folder that is
waiting for news holds no thread: its IDLE socket is registered with the event
loop (``loop.add_reader``, epoll underneath), so a hundred idle connections
cost a hundred file descriptors and nothing else. Work is fair: a folder with
a backlog goes back through the pool after every batch, so others get a turn.
Each folder needs its own IMAP connection, because IDLE watches the one
selected folder; that is the only per-folder cost (past about 900 folders,
raise the daemon's open-file limit). tests/integration/test_watch_memory.py
runs 200 folders on 4 threads.

Per folder, fetching, parsing and storing overlap (``FolderWatcher._drain``):
while one batch is stored, the next ones are fetched and parsed. Parsing is
CPU work under the GIL; ``parse_processes`` > 0 moves it, with building the
rows, to processes of their own (``ingest_runner.ParsePool``), which send back
plain tuples (~6 us a message both ways). The daemon defaults to one where
there are two or more cores (``config.default_parse_processes``); these
options default to none, for tests and tools that parse in-thread.

Per folder: open -> drain (fetch a batch, parse, store with its cursor,
repeat while more) -> record health -> wait (IDLE readable, IDLE renewal every
``idle_renew``, ``poll_seconds`` where the server or mailbox has no IDLE, or
stop) -> drain again. On an error: close, record the failure (an alert once
it has lasted ``policy.mailbox_alert_after_minutes``), back off exponentially
with jitter, reopen. A folder is never switched off. On stop, each task ends
after its current step; a batch either committed or did not.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest, logs, mailbox_health
from mailrouter.config import IngestSettings, MailboxSettings, Settings
from mailrouter.errors import PermanentError, TransientError
from mailrouter.rawstore import RawStore
from mailrouter.records import MessageRows, parse_rows
from mailrouter.sources.base import Batch, Cursor, MailSource

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
SourceFactory = Callable[[MailboxSettings, str], MailSource]
# Raw messages and the time -> their parsed rows, in order (a separate process's pool).
Parser = Callable[[Sequence[bytes], datetime], Awaitable[list[MessageRows]]]
# A fetched batch and its parse, running.
_Ahead = tuple[Batch, "asyncio.Future[list[ingest.Prepared]]"]
# Fetched batches waiting to be stored, at most: memory is bounded by batch_bytes x this.
PIPELINE = 2
# A drain's first batch is small, so storing starts while the next are fetched and parsed
# (the first commit waits for the whole first batch to be fetched and parsed).
FIRST_BATCH = 100


@dataclass(frozen=True, slots=True)
class WatchOptions:
    workers: int = 8
    # Processes that parse (0: parse in the thread pool, sharing the GIL with the rest).
    parse_processes: int = 0
    batch_messages: int = 500
    batch_bytes: int = 16 * 1024 * 1024
    resync_limit: int = 10_000
    # Servers drop IDLE after 30 minutes (RFC 2177): renew well before.
    idle_renew: timedelta = timedelta(minutes=25)
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    # How often a quiet, healthy folder records its last success.
    health_interval: timedelta = timedelta(minutes=1)

    @classmethod
    def from_settings(cls, ingest: IngestSettings) -> WatchOptions:
        """The ``[ingest]`` section's values (validated by ``config``)."""
        return cls(
            workers=ingest.workers,
            parse_processes=ingest.parse_processes,
            batch_messages=ingest.batch_messages,
            batch_bytes=ingest.batch_bytes,
            resync_limit=ingest.resync_limit,
            idle_renew=timedelta(minutes=ingest.idle_renew_minutes),
            backoff_base_seconds=ingest.backoff_base_seconds,
            backoff_max_seconds=ingest.backoff_max_seconds,
        )


async def _drop(ahead: asyncio.Queue[_Ahead | None]) -> None:
    """Empty the queue, waiting for each parse so that none is left running unseen."""
    while not ahead.empty():
        if (item := ahead.get_nowait()) is not None:
            with contextlib.suppress(Exception):
                await item[1]


def backoff_seconds(attempt: int, base: float, ceiling: float, rng: random.Random) -> float:
    """Exponential, capped, with equal jitter: half fixed, half random."""
    top = min(ceiling, base * 2.0 ** min(max(0, attempt - 1), 60))
    return top / 2 + rng.uniform(0, top / 2)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class WatchContext:
    """What every folder's watcher shares: settings, storage, the pool, the stop signal."""

    settings: Settings
    sessions: sessionmaker[Session]
    raw_store: RawStore
    options: WatchOptions
    sources: SourceFactory
    executor: ThreadPoolExecutor
    stop: asyncio.Event
    rng: random.Random
    # The database's ``bulk.dialect_key``: rows are built for its driver while parsing.
    dialect: str
    # None: parse in the thread pool.
    parser: Parser | None = None

    async def prepare(self, batch: Batch) -> list[ingest.Prepared]:
        raws = [m.raw for m in batch.messages]
        if not raws:
            return []
        now = utcnow()
        if self.parser is not None:
            rows = await self.parser(raws, now)
        else:
            limits, fold = self.settings.limits, self.settings.policy.fold_subaddress
            rows = await self.call(parse_rows, raws, limits, fold, self.dialect, now)
        return ingest.attach(batch, rows)

    async def call(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a blocking step in the bounded pool, keeping the logging context."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        call = functools.partial(fn, *args, **kwargs)
        return await loop.run_in_executor(self.executor, context.run, call)

    async def sleep(self, seconds: float) -> None:
        """Sleep, but wake at once on stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=max(0.0, seconds))


@dataclass
class FolderReport:
    mailbox: str
    folder: str
    stored: int = 0
    quarantined: int = 0
    duplicates: int = 0
    error: str | None = None


class FolderWatcher:
    def __init__(self, ctx: WatchContext, mailbox: MailboxSettings, folder: str) -> None:
        self.ctx = ctx
        self.mailbox = mailbox
        self.folder = folder
        self.report = FolderReport(mailbox.name, folder)
        self._last_health = datetime.min.replace(tzinfo=UTC)
        self._failing = False
        self._failures = 0  # in a row, for the backoff

    async def run(self) -> None:
        """Watch until stopped: reconnect after every failure, with backoff."""
        logs.source_var.set(ingest.source_name(self.mailbox.name, self.folder))
        while not self.ctx.stop.is_set():
            await self._attempt(once=False)

    async def run_once(self) -> FolderReport:
        """Open, store everything pending, close; a failure is recorded, not raised."""
        logs.source_var.set(ingest.source_name(self.mailbox.name, self.folder))
        self.report.error = await self._attempt(once=True)
        return self.report

    async def _attempt(self, *, once: bool) -> str | None:
        """One connection's life. A failure is recorded and, unless ``once``, backed off."""
        source: MailSource | None = None
        error, permanent = None, False
        try:
            source = self.ctx.sources(self.mailbox, self.folder)
            await self._session(source, once=once)
        except (TransientError, PermanentError) as exc:
            error, permanent = str(exc), isinstance(exc, PermanentError)
        # A bug must not end one folder's watch silently: it is a failure like any other.
        except Exception as exc:
            error, permanent = f"internal error: {mailbox_health.describe(exc)}", True
            # A database error's text carries the statement's parameters (message bytes).
            traceback = not isinstance(exc, StatementError)
            log.error("mailbox.internal_error %s", error, exc_info=traceback)
        finally:
            if source is not None:
                await self.ctx.call(source.close)
        if error is not None:
            await self._failed(error, permanent, sleep=not once)
        return error

    async def _session(self, source: MailSource, *, once: bool) -> None:
        ctx = self.ctx
        await ctx.call(source.open)
        cursor = await ctx.call(ingest.load_cursor, ctx.sessions, self.mailbox.name, self.folder)
        while not ctx.stop.is_set():
            cursor = await self._drain(source, cursor)
            await self._healthy()
            if once:
                return
            await self._wait(source)

    async def _drain(self, source: MailSource, cursor: Cursor) -> Cursor:
        """Store everything above ``cursor``: fetch, parse and store overlap.

        A pipeline of three stages: fetching (one batch at a time on the source),
        parsing (``ctx.prepare``) and storing, with at most ``PIPELINE`` fetched
        batches waiting. Fetches run ahead from the not-yet-committed cursor of
        the batch before; batches are stored one at a time in fetch order, so the
        cursor only ever moves with its rows. If anything fails, the batches
        ahead are dropped with the connection and fetched again from the
        committed cursor after reconnecting.
        """
        ahead: asyncio.Queue[_Ahead | None] = asyncio.Queue(PIPELINE)
        halt = asyncio.Event()
        fetcher = asyncio.ensure_future(self._fetch_ahead(source, cursor, ahead, halt))
        try:
            while (item := await ahead.get()) is not None:
                batch, parsing = item
                prepared = await parsing
                if batch.messages or batch.cursor != cursor:
                    cursor = await self._store(batch, prepared)
            await fetcher  # raises what the fetcher raised
        finally:
            # Not cancelled: a fetch under way goes on in its thread, and the source must
            # be idle before anyone closes it. Told to halt, and unblocked, it ends soon.
            halt.set()
            while not fetcher.done():
                await _drop(ahead)
                await asyncio.wait([fetcher], timeout=0.05)
            await _drop(ahead)
            if not fetcher.cancelled():
                fetcher.exception()  # retrieved: ``_drain`` raised it, or something before it
        return cursor

    async def _fetch_ahead(
        self,
        source: MailSource,
        cursor: Cursor,
        ahead: asyncio.Queue[_Ahead | None],
        halt: asyncio.Event,
    ) -> None:
        limit = min(FIRST_BATCH, self.ctx.options.batch_messages)
        try:
            while True:
                batch = await self._fetch(source, cursor, limit)
                limit = self.ctx.options.batch_messages
                await ahead.put((batch, asyncio.ensure_future(self.ctx.prepare(batch))))
                if not batch.more or self.ctx.stop.is_set() or halt.is_set():
                    break
                cursor = batch.cursor
        except Exception:
            # Ends the store loop after what came before; ``_drain`` then raises this.
            await ahead.put(None)
            raise
        await ahead.put(None)

    async def _fetch(self, source: MailSource, cursor: Cursor, limit: int) -> Batch:
        options = self.ctx.options
        return await self.ctx.call(
            source.fetch,
            cursor,
            max_messages=limit,
            max_bytes=options.batch_bytes,
            resync_limit=options.resync_limit,
        )

    async def _store(self, batch: Batch, prepared: list[ingest.Prepared]) -> Cursor:
        ctx = self.ctx
        stored = await ctx.call(
            ingest.store_batch,
            ctx.sessions,
            ctx.raw_store,
            mailbox=self.mailbox.name,
            folder=self.folder,
            batch=batch,
            prepared=prepared,
            now=utcnow(),
        )
        self._note(stored)
        return stored.cursor

    def _note(self, stored: ingest.Stored) -> None:
        self.report.stored += stored.stored
        self.report.quarantined += stored.quarantined
        self.report.duplicates += stored.duplicates
        self._last_health = utcnow()
        self._recovered()
        if stored.stored or stored.quarantined or stored.duplicates:
            log.info(
                "mailbox.batch_stored stored=%d quarantined=%d duplicates=%d last_uid=%d",
                stored.stored,
                stored.quarantined,
                stored.duplicates,
                stored.cursor.last_uid,
            )

    def _recovered(self) -> None:
        self._failures = 0
        if self._failing:
            self._failing = False
            log.info("mailbox.reconnected")

    async def _healthy(self) -> None:
        now = utcnow()
        if self._failing or now - self._last_health >= self.ctx.options.health_interval:
            await self.ctx.call(
                mailbox_health.record_success,
                self.ctx.sessions,
                self.mailbox.name,
                self.folder,
                now,
            )
            self._last_health = now
            self._recovered()

    async def _wait(self, source: MailSource) -> None:
        ctx = self.ctx
        wait = await ctx.call(source.start_wait)
        try:
            if wait.ready:
                return
            if wait.fileno is None:
                await ctx.sleep(self.mailbox.poll_seconds)
                return
            await self._readable(wait.fileno)
        finally:
            await ctx.call(source.finish_wait)

    async def _readable(self, fileno: int) -> None:
        loop = asyncio.get_running_loop()
        woke = asyncio.Event()
        loop.add_reader(fileno, woke.set)
        try:
            waiters = {
                asyncio.ensure_future(woke.wait()),
                asyncio.ensure_future(self.ctx.stop.wait()),
            }
            timeout = self.ctx.options.idle_renew.total_seconds()
            _, pending = await asyncio.wait(
                waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()
        finally:
            loop.remove_reader(fileno)

    async def _failed(self, error: str, permanent: bool, *, sleep: bool) -> None:
        self._failures += 1
        if not self._failing:
            log.warning("mailbox.failing error=%s", error)
        self._failing = True
        alert_after = timedelta(minutes=self.ctx.settings.policy.mailbox_alert_after_minutes)
        try:
            await self.ctx.call(
                mailbox_health.record_failure,
                self.ctx.sessions,
                self.mailbox.name,
                self.folder,
                error,
                now=utcnow(),
                alert_after=alert_after,
            )
        # The database may be what is down; the next attempt will record it.
        except Exception as exc:
            log.error("mailbox.health_not_recorded %s", mailbox_health.describe(exc))
        if sleep:
            options = self.ctx.options
            step = options.backoff_max_seconds if permanent else options.backoff_base_seconds
            delay = backoff_seconds(self._failures, step, options.backoff_max_seconds, self.ctx.rng)
            await self.ctx.sleep(delay)
