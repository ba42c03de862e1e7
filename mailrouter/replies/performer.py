"""The "reply" performer: sends released replies and records them as sent.

Design note: at-least-once delivery plus idempotent effects, like the outbox
worker in ``actions/outbox.py``, which it runs beside without touching: it
claims only rows of kind "reply", so the two never take each other's work.

- States: outbox ``pending -> leased -> done | parked``; the held replies in a
  row go ``queued -> sent``. A transient failure puts the row back with
  backoff (``outbox.retry``); a permanent one, an unreadable payload or any
  unexpected exception parks it for a person, with the error.
- Transactions: ``claim`` in its own short transaction; the send outside any
  transaction; then completing the outbox row and marking its replies sent
  (``sent_at``, ``message_id``) commit together, and only while this performer
  still holds the lease.
- Crashes: a performer that dies between the relay's ``250`` and that commit
  leaves the row leased; once the lease expires another performer sends it
  again with the same Message-ID (it is in the payload, derived from the key)
  and the same Date, so the customer's client can tell it is a repeat.
- Sent copies: when a reply's SPOC has a ``sent_folder``, marking it sent
  also enqueues a "reply-sent-copy" row, performed here by appending the same
  bytes (same Message-ID and Date) to that folder; the append looks for the
  Message-ID first, so a repeat files one copy.
- Each pass first releases the held replies of cases that have ended or
  lapsed (``hold.release_due(ended_only=True)``), in the claim's transaction,
  so they do not wait for the daily release run.
- Concurrency: ``claim`` uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and a
  single writer on SQLite, so each row is performed by one performer at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.compose import message_id_for
from mailrouter.actions.mailbox import ImapMover
from mailrouter.config import Settings
from mailrouter.errors import TransientError
from mailrouter.loops import run_until_stopped
from mailrouter.outbound.smtp import Transport
from mailrouter.replies import audit, hold
from mailrouter.replies.capture import BOUNCE
from mailrouter.replies.compose import Draft, Envelope, bounce_message, reply_message
from mailrouter.replies.hold import REPLY
from mailrouter.store import db, outbox
from mailrouter.store.models.outbox import OutboxRow
from mailrouter.store.models.replies import QUEUED, SENT, HeldReply

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SENT_COPY = "reply-sent-copy"
KINDS = (REPLY, BOUNCE, SENT_COPY)


class Appender(Protocol):
    def append(
        self, mailbox: str, folder: str, data: bytes, *, message_id: str, when: datetime
    ) -> bool:
        """File ``data`` in ``folder`` unless ``message_id`` is there already."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class LeaseLost(Exception):
    """Another performer took the row over; its result stands, not ours."""


class ReplyPerformer:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        transport: Transport,
        settings: Settings,
        worker_id: str,
        clock: Clock = utcnow,
        lease: timedelta = timedelta(minutes=5),
        idle_seconds: float = 1.0,
        appender: Appender | None = None,
    ) -> None:
        self.appender = appender or ImapMover(settings.mailboxes)
        self.sessions = sessions
        self.transport = transport
        self.settings = settings
        self.worker_id = worker_id
        self.clock = clock
        self.lease = lease
        self.idle_seconds = idle_seconds

    async def run(self, stop: asyncio.Event, *, limit: int = 20) -> None:
        """Work until ``stop`` is set; the batch in hand is finished, no new one claimed."""
        await run_until_stopped(
            lambda: self.run_once(limit),
            stop,
            idle_seconds=self.idle_seconds,
            name="reply",
            worker=self.worker_id,
        )

    async def run_once(self, limit: int = 20) -> int:
        """Claim up to ``limit`` due reply rows and send them one by one; returns how many."""
        rows = await asyncio.to_thread(self._claim, limit)
        for row in rows:
            await self.perform(row)
        return len(rows)

    async def perform(self, row: OutboxRow) -> None:
        try:
            ids, data, to = await asyncio.to_thread(self._compose, row)
            if row.kind == SENT_COPY:
                await asyncio.to_thread(self._append, row, data)
            else:
                await self.transport.send(
                    data, sender=self.settings.smtp.from_address, recipients=[to]
                )
        except Exception as exc:
            await asyncio.to_thread(self._failed, row, exc)
            return
        await asyncio.to_thread(self._sent, row, ids)

    def _claim(self, limit: int) -> list[OutboxRow]:
        with db.transaction(self.sessions) as session:
            hold.release_due(session, now=self.clock(), settings=self.settings, ended_only=True)
            return outbox.claim(
                session,
                worker=self.worker_id,
                now=self.clock(),
                lease=self.lease,
                limit=limit,
                kinds=KINDS,
            )

    def _compose(self, row: OutboxRow) -> tuple[list[int], bytes, str]:
        payload = row.payload
        if row.kind == BOUNCE:
            return [], self._bounce(row), str(payload.get("to"))
        ids, to = payload.get("reply_ids"), payload.get("to")
        message_id, date = payload.get("message_id"), payload.get("date")
        if not (isinstance(ids, list) and ids and all(type(i) is int for i in ids)):
            raise ValueError("payload field 'reply_ids' must be a non-empty list of integers")
        if not (isinstance(to, str) and isinstance(message_id, str) and isinstance(date, str)):
            raise ValueError("payload fields 'to', 'message_id' and 'date' must be text")
        with self.sessions() as session:
            replies = session.scalars(
                select(HeldReply).where(HeldReply.id.in_(ids)).order_by(HeldReply.id)
            ).all()
        if len(replies) != len(ids):
            raise ValueError("a reply in this release no longer exists (its case was deleted?)")
        drafts = [Draft(r.raw, r.subject, r.in_reply_to, r.references) for r in replies]
        envelope = Envelope(
            self.settings.smtp.from_address, to, message_id, datetime.fromisoformat(date)
        )
        return ids, reply_message(drafts, envelope), to

    def _append(self, row: OutboxRow, data: bytes) -> None:
        mailbox, folder = row.payload.get("mailbox"), row.payload.get("folder")
        message_id, date = row.payload.get("message_id"), row.payload.get("date")
        if not all(isinstance(v, str) for v in (mailbox, folder, message_id, date)):
            raise ValueError(
                "payload fields 'mailbox', 'folder', 'message_id', 'date' must be text"
            )
        self.appender.append(
            str(mailbox),
            str(folder),
            data,
            message_id=str(message_id),
            when=datetime.fromisoformat(str(date)),
        )

    def _bounce(self, row: OutboxRow) -> bytes:
        to, reason = row.payload.get("to"), row.payload.get("reason")
        subject, date = row.payload.get("subject"), row.payload.get("date")
        if not all(isinstance(v, str) for v in (to, reason, subject, date)):
            raise ValueError("payload fields 'to', 'reason', 'subject' and 'date' must be text")
        from_address = self.settings.smtp.from_address
        envelope = Envelope(
            from_address,
            str(to),
            message_id_for(row.idempotency_key, from_address),
            datetime.fromisoformat(str(date)),
        )
        return bounce_message(envelope, subject=str(subject), reason=str(reason))

    def _sent(self, row: OutboxRow, ids: list[int]) -> None:
        now = self.clock()
        try:
            with db.transaction(self.sessions) as session:
                if not outbox.complete(session, row.id, worker=self.worker_id, now=now):
                    raise LeaseLost
                if row.kind == SENT_COPY:
                    self._record_copy(session, row, ids, now)
                elif row.kind == REPLY:
                    self._record_sent(session, row, ids, now)
        except LeaseLost:
            log.warning("reply.lease_lost key=%s worker=%s", row.idempotency_key, self.worker_id)
            return
        log.info("reply.sent key=%s replies=%d", row.idempotency_key, len(ids))

    def _record_sent(self, session: Session, row: OutboxRow, ids: list[int], now: datetime) -> None:
        replies = session.scalars(
            select(HeldReply).where(HeldReply.id.in_(ids), HeldReply.state == QUEUED)
        ).all()
        message_id = str(row.payload.get("message_id"))
        for reply in replies:
            reply.state, reply.sent_at, reply.message_id = SENT, now, message_id
            audit.record(
                session, reply, audit.SENT, at=now, message_id=message_id, to=reply.to_address
            )
        spoc = next(
            (s for s in self.settings.spocs if replies and s.id == replies[0].spoc_id), None
        )
        if spoc is not None and spoc.sent_folder and spoc.capture_mailbox:
            payload = {**row.payload, "mailbox": spoc.capture_mailbox, "folder": spoc.sent_folder}
            key = f"{SENT_COPY}:{row.idempotency_key}"
            outbox.enqueue(session, key=key, kind=SENT_COPY, payload=payload, now=now)

    def _record_copy(self, session: Session, row: OutboxRow, ids: list[int], now: datetime) -> None:
        folder = str(row.payload.get("folder"))
        for reply in session.scalars(select(HeldReply).where(HeldReply.id.in_(ids))):
            if reply.sent_copy_at is None:
                reply.sent_copy_at = now
                audit.record(session, reply, audit.SENT_COPY, at=now, folder=folder)

    def _failed(self, row: OutboxRow, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        with db.transaction(self.sessions) as session:
            if isinstance(exc, TransientError):
                state = outbox.retry(
                    session, row, worker=self.worker_id, now=self.clock(), error=error
                )
            else:
                outbox.park(session, row.id, worker=self.worker_id, error=error)
                state = None
        # The error is the relay's reply or a payload problem: never the reply's text.
        log.warning(
            "reply.failed key=%s outcome=%s error=%s",
            row.idempotency_key,
            state.value if state is not None else "parked",
            error[:300],
        )
