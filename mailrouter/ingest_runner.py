"""Entry points for ingestion: ``run_ingest`` (the daemon) and ``ingest_once`` (the CLI).

The concurrency model is described in ``mailrouter.watch``: one asyncio task per
watched folder, blocking steps in one bounded thread pool, IDLE sockets
multiplexed by the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest
from mailrouter.config import MailboxSettings, Settings
from mailrouter.errors import ConfigError, PermanentError
from mailrouter.rawstore import from_settings
from mailrouter.sources.base import MailSource
from mailrouter.sources.imap import ImapSource
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


def _context(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    stop: asyncio.Event,
    executor: ThreadPoolExecutor,
    options: WatchOptions,
    sources: SourceFactory | None,
) -> WatchContext:
    return WatchContext(
        settings=settings,
        sessions=sessions,
        raw_store=from_settings(settings),
        options=options,
        sources=sources or default_sources,
        executor=executor,
        stop=stop,
        rng=random.Random(),  # noqa: S311 - jitter, not security
    )


async def run_ingest(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: asyncio.Event,
    *,
    options: WatchOptions | None = None,
    sources: SourceFactory | None = None,
) -> None:
    """Watch every configured folder until ``stop`` is set. The daemon's entry point."""
    options = options or WatchOptions()
    watched = folders(settings)
    with ThreadPoolExecutor(options.workers, thread_name_prefix="ingest") as executor:
        ctx = _context(
            settings, sessions, stop=stop, executor=executor, options=options, sources=sources
        )
        log.info("ingest.started folders=%d workers=%d", len(watched), options.workers)
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
    options = options or WatchOptions()
    watched = folders(settings)
    with ThreadPoolExecutor(options.workers, thread_name_prefix="ingest") as executor:
        ctx = _context(
            settings,
            sessions,
            stop=asyncio.Event(),
            executor=executor,
            options=options,
            sources=sources,
        )
        return list(
            await asyncio.gather(*(FolderWatcher(ctx, m, f).run_once() for m, f in watched))
        )
