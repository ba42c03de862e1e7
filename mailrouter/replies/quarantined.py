"""Drafts that ingestion quarantined in a capture folder: bounced to the folder's owner, once.

A draft over a parsing limit, or one that cannot be read, is stored in
quarantine and never routed, so ``capture.capture_stored`` never sees it; the
SPOC would believe it held. Each reply performer pass (in its claim
transaction) therefore looks for quarantined messages from a capture folder
that have no bounce yet and, for each, enqueues:

- a "reply-bounce" to the folder's owner (never to the draft's From, which
  anyone can write; in a folder several SPOCs share, the owner the From names,
  else the first), saying the draft was NOT held, why in plain words
  (``quarantine_words``) and what to do;
- the draft's move to the owner's "Not held" folder, so the capture folder
  shows it was dealt with.

The bounce's outbox key names the stored message (``reply-bounce:quarantined:
{id}``) and the search skips messages whose key exists, so a restart, a second
daemon (``ON CONFLICT DO NOTHING``; PostgreSQL makes the second insert wait for
the first) or the next pass bounces nothing twice. Nothing here changes the
message row, so ``mailrouter quarantine retry`` still works on it; a draft
parsed again after its bounce is not held (``capture.capture_stored``), since
its owner was told it was not.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import String, and_, cast, exists, literal, or_, select
from sqlalchemy.orm import Session

from mailrouter.actions.compose import clean_line
from mailrouter.actions.payloads import payload_of
from mailrouter.addresses import try_normalize
from mailrouter.config import Settings, SpocSettings
from mailrouter.domain import MoveToFolder
from mailrouter.replies import audit
from mailrouter.replies.capture import BOUNCE, QUARANTINE_BOUNCE
from mailrouter.replies.quarantine_words import explain
from mailrouter.store import outbox
from mailrouter.store.models.messages import MessageRecord
from mailrouter.store.models.outbox import OutboxRow

log = logging.getLogger(__name__)

QUARANTINED = "quarantined"
KEY_PREFIX = QUARANTINE_BOUNCE


def bounce_key(message_pk: int) -> str:
    return f"{KEY_PREFIX}{message_pk}"


def owner_of(owners: tuple[SpocSettings, ...], sender: str | None) -> SpocSettings:
    """The owner a bounce goes to: the one the From names if it is an owner, else the first."""
    wanted = try_normalize(sender or "")
    return next((o for o in owners if wanted and try_normalize(o.email) == wanted), owners[0])


def bounce_quarantined(
    session: Session, *, now: datetime, settings: Settings, limit: int = 50
) -> int:
    """Bounce up to ``limit`` quarantined capture drafts not bounced yet; returns how many."""
    folders = sorted(
        {(s.capture_mailbox, s.capture_folder) for s in settings.spocs if s.capture_folder}
    )
    if not folders:
        return 0
    key = literal(KEY_PREFIX) + cast(MessageRecord.id, String)
    bounced = exists().where(OutboxRow.idempotency_key == key)
    query = (
        select(MessageRecord)
        # Quarantined rows are never routed: ``routed_at IS NULL`` keeps this on its index.
        .where(
            MessageRecord.routed_at.is_(None),
            MessageRecord.status == QUARANTINED,
            or_(*(and_(MessageRecord.mailbox == m, MessageRecord.folder == f) for m, f in folders)),
            ~bounced,
        )
        .order_by(MessageRecord.id)
        .limit(limit)
    )
    count = 0
    for record in session.scalars(query):
        owners = settings.capture_owners(record.mailbox or "", record.folder or "")
        if owners and _bounce(session, record, owner_of(owners, record.sender), now=now):
            count += 1
    return count


def _bounce(session: Session, record: MessageRecord, owner: SpocSettings, *, now: datetime) -> bool:
    said = explain(record.quarantine_reason)
    subject = clean_line(record.subject) or "(no subject)"
    payload: dict[str, object] = {
        "to": owner.email,
        "subject": subject,
        "reason": clean_line(said.why, 300),
        "advice": clean_line(
            f'{said.advice} The draft has been moved to your "{owner.rejected_folder}" folder.',
            500,
        ),
        "date": now.isoformat(),
    }
    if not outbox.enqueue(
        session, key=bounce_key(record.id), kind=BOUNCE, payload=payload, now=now
    ):
        return False  # another daemon bounced it meanwhile
    audit.record_bounce(
        session,
        spoc_id=owner.id,
        draft_sha256=record.raw_sha256,
        reason=clean_line(said.why, 300),
        at=now,
        message_pk=record.id,
        quarantine_reason=clean_line(record.quarantine_reason or "", 300),
    )
    move = MoveToFolder(
        message_key=f"{record.source}:{record.source_key}",
        message_pk=record.id,
        mailbox=record.mailbox or "",
        folder=record.folder or "",
        source_key=record.source_key,
        message_id=record.message_id,
        target=owner.rejected_folder,
    )
    kind, move_payload = payload_of(move)
    outbox.enqueue(session, key=move.idempotency_key, kind=kind, payload=move_payload, now=now)
    log.info("reply.quarantined_bounced spoc=%s message=%d", owner.id, record.id)
    return True


__all__ = ["bounce_key", "bounce_quarantined", "owner_of"]
