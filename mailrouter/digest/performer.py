"""The "digest" performer: sends recorded digests and marks them sent.

Like the reply performer (``replies/performer.py``) it claims only its own
outbox kind, so the outbox worker and it never take each other's rows. The
message is sent exactly as recorded in ``digest_sends.raw`` (same bytes, same
Message-ID on a retry); once sent, that copy is emptied, since it names
customers and the row is only needed as the once-a-day guard. Completing the
outbox row and setting ``sent_at`` commit together, and only while this
performer still holds the lease; a transient relay failure backs off, anything
else parks the row for a person (where the IG summary shows it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.digest.send import DIGEST
from mailrouter.errors import TransientError
from mailrouter.loops import run_until_stopped
from mailrouter.outbound.smtp import Transport
from mailrouter.store import db, outbox
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.outbox import OutboxRow

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class DigestPerformer:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        transport: Transport,
        settings: Settings,
        worker_id: str,
        clock: Clock = utcnow,
        lease: timedelta = timedelta(minutes=5),
        idle_seconds: float = 2.0,
    ) -> None:
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
            name="digest",
            worker=self.worker_id,
        )

    async def run_once(self, limit: int = 20) -> int:
        rows = await asyncio.to_thread(self._claim, limit)
        for row in rows:
            await self.perform(row)
        return len(rows)

    async def perform(self, row: OutboxRow) -> None:
        try:
            send_id, data, to = await asyncio.to_thread(self._load, row)
            await self.transport.send(data, sender=self.settings.smtp.from_address, recipients=[to])
        except Exception as exc:
            await asyncio.to_thread(self._failed, row, exc)
            return
        await asyncio.to_thread(self._sent, row, send_id)

    def _claim(self, limit: int) -> list[OutboxRow]:
        with db.transaction(self.sessions) as session:
            return outbox.claim(
                session,
                worker=self.worker_id,
                now=self.clock(),
                lease=self.lease,
                limit=limit,
                kinds=(DIGEST,),
            )

    def _load(self, row: OutboxRow) -> tuple[int, bytes, str]:
        send_id = row.payload.get("digest_send_id")
        if type(send_id) is not int:
            raise ValueError("payload field 'digest_send_id' must be an integer")
        with self.sessions() as session:
            sent = session.get(DigestSend, send_id)
            if sent is None:
                raise ValueError(f"digest {send_id} no longer exists")
            return send_id, sent.raw, sent.to_address

    def _sent(self, row: OutboxRow, send_id: int) -> None:
        now = self.clock()
        with db.transaction(self.sessions) as session:
            if not outbox.complete(session, row.id, worker=self.worker_id, now=now):
                log.warning("digest.lease_lost key=%s", row.idempotency_key)
                return
            session.execute(
                update(DigestSend)
                .where(DigestSend.id == send_id, DigestSend.sent_at.is_(None))
                # The copy held for retries names customers: not kept once delivered.
                .values(sent_at=now, raw=b"")
                .execution_options(synchronize_session=False)
            )
        log.info("digest.sent key=%s", row.idempotency_key)

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
        # The error is the relay's reply or a payload problem, never the digest's text.
        log.warning(
            "digest.failed key=%s outcome=%s error=%s", row.idempotency_key, state, error[:300]
        )
