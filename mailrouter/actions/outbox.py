"""The outbox worker: claim effects, perform them, record each outcome.

Design note: at-least-once delivery plus idempotent effects.

- States: ``pending -> leased -> done | parked``. A transient failure puts the
  row back to ``pending`` with a later ``not_before`` (exponential backoff with
  jitter), and parks it once its attempts run out; a permanent failure, or any
  unexpected exception, parks it at once with the error for a person to read
  (``mailrouter outbox list --state parked``, then ``outbox retry ID``).
- Transactions: ``record_actions`` enqueues in the caller's transaction, with
  the decision. ``claim`` leases a batch in its own short transaction. The
  effects happen outside any transaction, so no lock is held across the
  network. Each row's outcome then commits in one transaction: ``complete``
  and, for a forward, the enqueueing of its follow-up move. The original
  therefore never leaves the staff inbox before the SPOC's copy was accepted.
- Crashes: a worker that dies holding leases leaves them to expire; the next
  ``claim`` after ``leased_until`` takes the rows again, so a restart reclaims
  them. A crash between the relay's ``250`` and the commit sends that forward
  again: at most one duplicate, with the same Message-ID (derived from the
  idempotency key), so mail clients can tell. A repeated move finds the
  message already in its folder and does nothing.
- Concurrency: sends run in parallel (bounded) because order does not matter
  across messages; moves are batched per mailbox and folder, one IMAP command
  per batch. Nothing a row does can stop the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.compose import ForwardContext, alert_message, forward_message
from mailrouter.actions.mailbox import MoveResult
from mailrouter.actions.payloads import (
    ALERT,
    FORWARD,
    KINDS,
    MOVE,
    action_of,
    payload_of,
)
from mailrouter.actions.recorder import Outcome, OutcomeRecorder
from mailrouter.config import Settings
from mailrouter.domain import Action, ForwardToOfficer, MoveToFolder, RaiseAlert, RecordContact
from mailrouter.loops import run_until_stopped
from mailrouter.outbound.smtp import Transport
from mailrouter.store import db, outbox
from mailrouter.store.models import OutboxRow

__all__ = [
    "ALERT",
    "FORWARD",
    "MOVE",
    "Describe",
    "LoadRaw",
    "Mover",
    "OutboxWorker",
    "action_of",
    "payload_of",
    "record_actions",
]

log = logging.getLogger(__name__)

# The raw bytes of a stored message, by its primary key.
LoadRaw = Callable[[int], bytes]
# What the register and store say about a message for a case (None: no case).
Describe = Callable[[int, int | None], ForwardContext]
Clock = Callable[[], datetime]


class Mover(Protocol):
    def move(self, actions: Sequence[MoveToFolder]) -> Sequence[MoveResult]:
        """Move a batch sharing one mailbox and folder; one result per action, in order.

        Raises ``TransientError``/``PermanentError`` for the batch as a whole.
        """
        ...


def utcnow() -> datetime:
    return datetime.now(UTC)


def record_actions(session: Session, actions: Iterable[Action], now: datetime) -> int:
    """Enqueue a decision's effects in the caller's transaction; returns how many were new.

    ``RecordContact`` is skipped: it is a database write the caller makes in the
    same transaction, not an effect. A forward's ``then`` move is not enqueued
    here either: the worker enqueues it once the forward has been accepted.
    """
    added = 0
    for action in actions:
        if isinstance(action, RecordContact):
            continue
        kind, payload = payload_of(action)
        key = action.idempotency_key
        added += outbox.enqueue(session, key=key, kind=kind, payload=payload, now=now)
    return added


class OutboxWorker:
    """Drives the outbox: forwards and alerts over ``transport``, moves through ``mover``."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        transport: Transport,
        mover: Mover,
        load_raw: LoadRaw,
        describe: Describe,
        settings: Settings,
        worker_id: str,
        clock: Clock = utcnow,
        lease: timedelta = timedelta(minutes=5),
        send_concurrency: int = 4,
        idle_seconds: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.transport = transport
        self.mover = mover
        self.load_raw = load_raw
        self.describe = describe
        self.settings = settings
        self.worker_id = worker_id
        self.clock = clock
        self.lease = lease
        self.idle_seconds = idle_seconds
        self._send_slots = asyncio.Semaphore(send_concurrency)
        self._recorder = OutcomeRecorder(sessions, worker_id, clock)

    async def run(self, stop: asyncio.Event, *, limit: int = 50) -> None:
        """Work until ``stop`` is set; the batch in hand is finished, no new one claimed."""
        await run_until_stopped(
            lambda: self.run_once(limit),
            stop,
            idle_seconds=self.idle_seconds,
            name="outbox",
            worker=self.worker_id,
        )

    async def run_once(self, limit: int = 50) -> int:
        """Claim up to ``limit`` due rows and perform them; returns how many were claimed."""
        rows = await asyncio.to_thread(self._claim, limit)
        jobs = []
        moves: dict[tuple[str, str], list[tuple[OutboxRow, MoveToFolder]]] = defaultdict(list)
        for row in rows:
            try:
                action = action_of(row.kind, row.payload)
            except (ValueError, TypeError, KeyError) as exc:
                jobs.append(self._recorder.record(Outcome(row, None, exc)))
                continue
            if isinstance(action, MoveToFolder):
                moves[(action.mailbox, action.folder)].append((row, action))
            else:
                jobs.append(self._send(row, action))
        jobs.extend(self._move(batch) for batch in moves.values())
        for result in await asyncio.gather(*jobs, return_exceptions=True):
            if isinstance(result, BaseException):
                # Recording failed (the database went away): the lease expires and
                # the row is performed again, which is what at-least-once means.
                log.error("outbox.record_failed worker=%s error=%r", self.worker_id, result)
        return len(rows)

    def _claim(self, limit: int) -> list[OutboxRow]:
        with db.transaction(self.sessions) as session:
            return outbox.claim(
                session,
                worker=self.worker_id,
                now=self.clock(),
                lease=self.lease,
                limit=limit,
                kinds=KINDS,
            )

    async def _send(self, row: OutboxRow, action: ForwardToOfficer | RaiseAlert) -> None:
        async with self._send_slots:
            try:
                data = await asyncio.to_thread(self._compose, action)
                to = [action.to] if isinstance(action, ForwardToOfficer) else list(action.to)
                sender = self.settings.smtp.from_address
                await self.transport.send(data, sender=sender, recipients=to)
            except Exception as exc:
                # Whatever went wrong belongs to this row alone: record it, carry on.
                outcome = Outcome(row, action, exc)
            else:
                outcome = Outcome(row, action)
        await self._recorder.record(outcome)

    async def _move(self, batch: list[tuple[OutboxRow, MoveToFolder]]) -> None:
        try:
            results = await asyncio.to_thread(self.mover.move, [a for _, a in batch])
        except Exception as exc:
            await self._recorder.record(*(Outcome(row, action, exc) for row, action in batch))
            return
        await self._recorder.record(
            *(
                Outcome(row, action, note=result.note)
                for (row, action), result in zip(batch, results, strict=True)
            )
        )

    def _compose(self, action: ForwardToOfficer | RaiseAlert) -> bytes:
        general, sender = self.settings.general, self.settings.smtp.from_address
        ctx = self.describe(action.message_pk, action.case_id)
        if isinstance(action, RaiseAlert):
            return alert_message(
                action,
                from_address=sender,
                council_name=general.council_name,
                customer_name=ctx.customer_name,
                case_reference=ctx.case_reference,
                mailbox=ctx.mailbox,
                received_at=ctx.received_at,
                subject=ctx.subject,
                date=self.clock(),
                timezone=general.timezone,
            )
        return forward_message(
            action,
            self.load_raw(action.message_pk),
            from_address=sender,
            council_name=general.council_name,
            customer_name=ctx.customer_name,
            case_reference=ctx.case_reference,
            mailbox=ctx.mailbox,
            received_at=ctx.received_at,
            subject=ctx.subject,
            date=self.clock(),
            timezone=general.timezone,
        )
