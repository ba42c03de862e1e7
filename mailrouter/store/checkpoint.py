"""SQLite WAL checkpoints in a thread of their own, off the writers' path.

Why: by default the connection whose commit pushes the write-ahead log past
1,000 pages copies the whole log into the database file and fsyncs it, inside
that commit. For ingestion that was most of the time a stored batch took (about
80 of 120 us per 3.5 KB message), and it stalled the next batch behind it.
Here a ``PASSIVE`` checkpoint runs every ``interval`` seconds on a connection
of its own: it never takes the write lock, so writers go on while it copies,
and the log is reused from its start once a checkpoint has caught up. The
automatic checkpoint stays on at a higher mark (``db.WAL_AUTOCHECKPOINT_PAGES``)
as a backstop for processes that run no checkpointer.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.store import db

log = logging.getLogger(__name__)


class WalCheckpointer:
    """``with WalCheckpointer(engine):`` checkpoints while the block runs (SQLite only)."""

    def __init__(self, engine: Engine, interval: float = 1.0) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def of(cls, sessions: sessionmaker[Session], interval: float = 1.0) -> WalCheckpointer:
        return cls(db.engine_of(sessions), interval)

    def __enter__(self) -> WalCheckpointer:
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (
            None,
            "",
            ":memory:",
        ):
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint()
            # A busy or vanished file must not end the thread: the next turn retries, and the
            # automatic checkpoint still bounds the log meanwhile.
            except Exception as exc:
                log.warning("store.checkpoint_failed error=%s", type(exc).__name__)

    def checkpoint(self) -> None:
        # The driver's own connection, in autocommit: a checkpoint cannot run inside a
        # transaction, and the engine's "begin" hook would take the write lock.
        connection = self.engine.raw_connection()
        try:
            driver = connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()
