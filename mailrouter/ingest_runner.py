"""Entry points for ingestion: ``run_ingest`` (the daemon) and ``ingest_once`` (the CLI).

The concurrency model is described in ``mailrouter.watch``: one asyncio task per
watched folder, blocking steps in one bounded thread pool, IDLE sockets
multiplexed by the event loop, parsing in ``parse_processes`` processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import random
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest
from mailrouter.config import MailboxSettings, Settings
from mailrouter.errors import ConfigError, PermanentError, TransientError
from mailrouter.rawstore import from_settings
from mailrouter.records import MessageRows, parse_rows
from mailrouter.sources.base import MailSource
from mailrouter.sources.imap import ImapSource
from mailrouter.store.bulk import dialect_of
from mailrouter.store.checkpoint import WalCheckpointer
from mailrouter.watch import (
    FolderReport,
    FolderWatcher,
    SourceFactory,
    WatchContext,
    WatchOptions,
)

log = logging.getLogger(__name__)


def default_sources(mailbox: MailboxSettings, folder: str) -> MailSource:
    if mailbox.kind != "imap":
        raise PermanentError(f"mailbox kind {mailbox.kind!r} is not supported yet")
    return ImapSource(mailbox, folder)


def folders(settings: Settings) -> list[tuple[MailboxSettings, str]]:
    found = [(m, f) for m in settings.mailboxes for f in m.folders]
    too_long = [
        ingest.source_name(m.name, f) for m, f in found if len(ingest.source_name(m.name, f)) > 200
    ]
    if too_long:
        raise ConfigError(
            [f"mailbox name and folder too long (200 at most): {n}" for n in too_long]
        )
    return found


class ParsePool:
    """Parsing in processes of their own, so it runs beside fetching and storing.

    Workers are forked from a fork server that imported the parsing code (never
    from the daemon itself, whose threads could hold locks at the fork), and
    start in the background while the first folders connect. Parsing is pure:
    batches go in as bytes and come back as ``ParsedMessage`` values. A worker
    that dies (say, out of memory) breaks the pool: the batch fails as a
    transient error, so its folder reconnects and fetches it again, and the
    pool is replaced.
    """

    def __init__(self, settings: Settings, processes: int, dialect: str) -> None:
        self._limits = settings.limits
        self._fold = settings.policy.fold_subaddress
        self._dialect = dialect
        self._processes = processes
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if "forkserver" in methods:
            # Imported once by the fork server, so a new worker starts in milliseconds
            # (workers also need ``__main__``: multiprocessing imports it in each child).
            self._context.set_forkserver_preload(["__main__", "mailrouter.records"])
        self._pool = self._new_pool()
        # Starting the fork server blocks for a moment: not on the event loop.
        self._started = asyncio.ensure_future(asyncio.to_thread(self._warm, self._pool))

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self._processes, mp_context=self._context, initializer=_end_with_parent
        )

    def _warm(self, pool: ProcessPoolExecutor) -> None:
        now = datetime.now(UTC)
        pool.submit(parse_rows, [], self._limits, self._fold, self._dialect, now).result()

    async def __call__(self, raws: Sequence[bytes], now: datetime) -> list[MessageRows]:
        pool = self._pool
        try:
            await self._started
            loop = asyncio.get_running_loop()
            parse = functools.partial(
                parse_rows, raws, self._limits, self._fold, self._dialect, now
            )
            return await loop.run_in_executor(pool, parse)
        except BrokenProcessPool as exc:
            if pool is self._pool:
                log.error("ingest.parser_died")
                self._pool = self._new_pool()
                self._started = asyncio.ensure_future(asyncio.to_thread(self._warm, self._pool))
                pool.shutdown(wait=False, cancel_futures=True)
            raise TransientError(
                "the parsing process ended; the batch will be fetched again"
            ) from exc

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._started
        await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)


def _end_with_parent() -> None:
    """In a parsing process: exit when the daemon is gone, even killed with SIGKILL.

    A worker otherwise waits for work forever: it holds both ends of its own queue.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextlib.asynccontextmanager
async def _watching(
    settings: Settings,
    sessions: sessionmaker[Session],
    options: WatchOptions,
    sources: SourceFactory | None,
    stop: asyncio.Event,
) -> AsyncIterator[WatchContext]:
    """What the folders' watchers share, for as long as they run: the parsing processes,
    SQLite's background checkpointer and the thread pool, closed in reverse."""
    async with _parser(settings, options, sessions) as parser:
        with (
            WalCheckpointer.of(sessions),
            ThreadPoolExecutor(options.workers, thread_name_prefix="ingest") as executor,
        ):
            yield WatchContext(
                settings=settings,
                sessions=sessions,
                raw_store=from_settings(settings),
                options=options,
                sources=sources or default_sources,
                executor=executor,
                stop=stop,
                rng=random.Random(),  # noqa: S311 - jitter, not security
                dialect=dialect_of(sessions),
                parser=parser,
            )


@contextlib.asynccontextmanager
async def _parser(
    settings: Settings, options: WatchOptions, sessions: sessionmaker[Session]
) -> AsyncIterator[ParsePool | None]:
    if options.parse_processes <= 0:
        yield None
        return
    pool = ParsePool(settings, options.parse_processes, dialect_of(sessions))
    try:
        yield pool
    finally:
        await pool.close()


async def run_ingest(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: asyncio.Event,
    *,
    options: WatchOptions | None = None,
    sources: SourceFactory | None = None,
) -> None:
    """Watch every configured folder until ``stop`` is set. The daemon's entry point."""
    options = options or WatchOptions.from_settings(settings.ingest)
    watched = folders(settings)
    async with _watching(settings, sessions, options, sources, stop) as ctx:
        log.info(
            "ingest.started folders=%d workers=%d parse_processes=%d",
            len(watched),
            options.workers,
            options.parse_processes,
        )
        async with asyncio.TaskGroup() as group:
            for mailbox, folder in watched:
                group.create_task(FolderWatcher(ctx, mailbox, folder).run())
    log.info("ingest.stopped")


async def ingest_once(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    options: WatchOptions | None = None,
    sources: SourceFactory | None = None,
) -> list[FolderReport]:
    """Store everything pending in every configured folder, then return."""
    options = options or WatchOptions.from_settings(settings.ingest)
    watched = folders(settings)
    async with _watching(settings, sessions, options, sources, asyncio.Event()) as ctx:
        return list(
            await asyncio.gather(*(FolderWatcher(ctx, m, f).run_once() for m, f in watched))
        )
