"""The skeleton every outbox performer of one kind shares: claim, compose, send, record.

Design note: at-least-once delivery plus idempotent effects, like the outbox
worker in ``actions/outbox.py``. A performer claims only its own outbox kinds,
so performers and the worker never take each other's rows.

- States: outbox ``pending -> leased -> done | parked``. A transient failure
  puts the row back with backoff (``outbox.retry``); a permanent one, an
  unreadable payload or any unexpected exception parks it for a person, with
  the error.
- Transactions: ``claim`` in its own short transaction (``before_claim`` runs
  in it first); ``compose`` reads outside any write transaction; the send
  outside any transaction; then completing the outbox row and the subclass's
  ``record`` commit together, and only while this performer still holds the
  lease (otherwise another performer took the row over and its result stands).
- Crashes: a performer that dies between the relay's ``250`` and that commit
  leaves the row leased; once the lease expires another performer sends it
  again, byte for byte when ``compose`` is deterministic for the row.
- Concurrency: ``claim`` uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and a
  single writer on SQLite, so each row is performed by one performer at a time.

A subclass names its ``kinds`` and log ``name`` and supplies two steps:
``compose`` (row -> ``Composed``) and, when sending is not a plain SMTP send
to one address, ``send``; ``record`` writes what the success means.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Generic, NotRequired, TypedDict, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.errors import TransientError
from mailrouter.loops import run_until_stopped
from mailrouter.outbound.smtp import Transport
from mailrouter.store import db, outbox
from mailrouter.store.models.outbox import OutboxRow

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Composed(Generic[T]):
    """A row's message, its one recipient, and what ``record`` needs once it is sent."""

    data: bytes
    to: str
    done: T


class Options(TypedDict):
    """Every performer's keyword arguments, for a subclass that adds its own."""

    sessions: sessionmaker[Session]
    transport: Transport
    settings: Settings
    worker_id: str
    clock: NotRequired[Clock]
    lease: NotRequired[timedelta]
    idle_seconds: NotRequired[float | None]


class Performer(Generic[T]):
    name: ClassVar[str] = "performer"
    kinds: ClassVar[tuple[str, ...]] = ()
    # How long an idle performer waits before claiming again.
    default_idle_seconds: ClassVar[float] = 1.0

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        transport: Transport,
        settings: Settings,
        worker_id: str,
        clock: Clock = utcnow,
        lease: timedelta = timedelta(minutes=5),
        idle_seconds: float | None = None,
    ) -> None:
        self.sessions = sessions
        self.transport = transport
        self.settings = settings
        self.worker_id = worker_id
        self.clock = clock
        self.lease = lease
        self.idle_seconds = self.default_idle_seconds if idle_seconds is None else idle_seconds

    async def run(self, stop: asyncio.Event, *, limit: int = 20) -> None:
        """Work until ``stop`` is set; the batch in hand is finished, no new one claimed."""
        await run_until_stopped(
            lambda: self.run_once(limit),
            stop,
            idle_seconds=self.idle_seconds,
            name=self.name,
            worker=self.worker_id,
        )

    async def run_once(self, limit: int = 20) -> int:
        """Claim up to ``limit`` due rows and perform them one by one; returns how many."""
        rows = await asyncio.to_thread(self._claim, limit)
        for row in rows:
            await self.perform(row)
        return len(rows)

    async def perform(self, row: OutboxRow) -> None:
        try:
            composed = await asyncio.to_thread(self.compose, row)
            await self.send(row, composed)
        except Exception as exc:
            await asyncio.to_thread(self._failed, row, exc)
            return
        await asyncio.to_thread(self._sent, row, composed)

    # The steps a subclass supplies.

    def before_claim(self, session: Session) -> None:
        """Work to do in the claim's transaction on every pass (nothing by default)."""

    def compose(self, row: OutboxRow) -> Composed[T]:
        raise NotImplementedError

    async def send(self, row: OutboxRow, composed: Composed[T]) -> None:
        await self.transport.send(
            composed.data, sender=self.settings.smtp.from_address, recipients=[composed.to]
        )

    def record(self, session: Session, row: OutboxRow, done: T, now: datetime) -> None:
        """In the completing transaction: what the row's success means (nothing by default)."""

    def sent_note(self, done: T) -> str:
        """Extra ``key=value`` text for the "sent" log line."""
        return ""

    # The skeleton.

    def _claim(self, limit: int) -> list[OutboxRow]:
        with db.transaction(self.sessions) as session:
            self.before_claim(session)
            return outbox.claim(
                session,
                worker=self.worker_id,
                now=self.clock(),
                lease=self.lease,
                limit=limit,
                kinds=self.kinds,
            )

    def _sent(self, row: OutboxRow, composed: Composed[T]) -> None:
        now = self.clock()
        with db.transaction(self.sessions) as session:
            if not outbox.complete(session, row.id, worker=self.worker_id, now=now):
                log.warning(
                    "%s.lease_lost key=%s worker=%s", self.name, row.idempotency_key, self.worker_id
                )
                return
            self.record(session, row, composed.done, now)
        log.info("%s.sent key=%s%s", self.name, row.idempotency_key, self.sent_note(composed.done))

    def _failed(self, row: OutboxRow, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        with db.transaction(self.sessions) as session:
            if isinstance(exc, TransientError):
                state = outbox.retry(
                    session, row, worker=self.worker_id, now=self.clock(), error=error
                ).value
            else:
                outbox.park(session, row.id, worker=self.worker_id, error=error)
                state = "parked"
        # The error is the relay's reply or a payload problem: never the message's text.
        log.warning(
            "%s.failed key=%s outcome=%s error=%s",
            self.name,
            row.idempotency_key,
            state,
            error[:300],
        )
