"""The "reply" performer: sends released replies and bounces, files sent copies.

The claim / send / complete skeleton (leases, retries, parking, at-least-once
with idempotent effects) is ``mailrouter.performer``'s; this module says what
each of its kinds means:

- "reply": a release of held replies (one, or a case's batch). Marking it
  sent sets the replies' ``sent_at`` and ``message_id``, in the transaction
  that completes the outbox row. A repeat after a crash carries the same
  Message-ID (it is in the payload, derived from the key) and the same Date,
  so the customer's client can tell it is a repeat.
- "reply-sent-copy": when a reply's SPOC has a ``sent_folder``, marking it
  sent also enqueues this row, performed by appending the same bytes (same
  Message-ID and Date) to that folder; the append looks for the Message-ID
  first, so a repeat files one copy.
- "reply-bounce": tells a SPOC a draft was not held, and why.

Each pass, in the claim's transaction, first releases the held replies of
cases that have ended or lapsed (``hold.release_due(ended_only=True)``), so
they do not wait for the daily release run, and (every
``QUARANTINE_SCAN_SECONDS``) bounces drafts that ingestion quarantined in a
capture folder (``quarantined.bounce_quarantined``).
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import datetime
from typing import Protocol, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.actions.compose import message_id_for
from mailrouter.actions.mailbox import ImapMover
from mailrouter.performer import Composed, Options, Performer
from mailrouter.replies import audit, hold
from mailrouter.replies.capture import BOUNCE
from mailrouter.replies.compose import Draft, Envelope, bounce_message, reply_message
from mailrouter.replies.hold import REPLY
from mailrouter.replies.quarantined import bounce_quarantined
from mailrouter.store import outbox
from mailrouter.store.models.outbox import OutboxRow
from mailrouter.store.models.replies import QUEUED, SENT, HeldReply

SENT_COPY = "reply-sent-copy"
KINDS = (REPLY, BOUNCE, SENT_COPY)
# How often a performer looks for quarantined drafts to bounce (the first pass always does).
QUARANTINE_SCAN_SECONDS = 30.0


class Appender(Protocol):
    def append(
        self, mailbox: str, folder: str, data: bytes, *, message_id: str, when: datetime
    ) -> bool:
        """File ``data`` in ``folder`` unless ``message_id`` is there already."""


class ReplyPerformer(Performer[list[int]]):
    name = "reply"
    kinds = KINDS

    def __init__(self, *, appender: Appender | None = None, **options: Unpack[Options]) -> None:
        super().__init__(**options)
        self.appender = appender or ImapMover(self.settings.mailboxes)
        self._scanned_at = -math.inf

    def before_claim(self, session: Session) -> None:
        hold.release_due(session, now=self.clock(), settings=self.settings, ended_only=True)
        # The search reads every quarantined message's row (3.6 ms with 2,000 of them on
        # SQLite): not on every idle second, and a bounce within half a minute is soon enough.
        if time.monotonic() - self._scanned_at >= QUARANTINE_SCAN_SECONDS:
            bounce_quarantined(session, now=self.clock(), settings=self.settings)
            self._scanned_at = time.monotonic()

    async def send(self, row: OutboxRow, composed: Composed[list[int]]) -> None:
        if row.kind == SENT_COPY:
            await asyncio.to_thread(self._append, row, composed.data)
        else:
            await super().send(row, composed)

    def record(self, session: Session, row: OutboxRow, done: list[int], now: datetime) -> None:
        if row.kind == SENT_COPY:
            self._record_copy(session, row, done, now)
        elif row.kind == REPLY:
            self._record_sent(session, row, done, now)

    def sent_note(self, done: list[int]) -> str:
        return f" replies={len(done)}"

    def compose(self, row: OutboxRow) -> Composed[list[int]]:
        payload = row.payload
        if row.kind == BOUNCE:
            return Composed(self._bounce(row), str(payload.get("to")), [])
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
        return Composed(reply_message(drafts, envelope), to, ids)

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
        advice = row.payload.get("advice")
        if advice is not None and not isinstance(advice, str):
            raise ValueError("payload field 'advice' must be text when present")
        from_address = self.settings.smtp.from_address
        envelope = Envelope(
            from_address,
            str(to),
            message_id_for(row.idempotency_key, from_address),
            datetime.fromisoformat(str(date)),
        )
        return bounce_message(envelope, subject=str(subject), reason=str(reason), advice=advice)

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
