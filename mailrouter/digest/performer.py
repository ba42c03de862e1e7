"""The "digest" performer: sends recorded digests and marks them sent.

The claim / send / complete skeleton is ``mailrouter.performer``'s. The
message is sent exactly as recorded in ``digest_sends.raw`` (same bytes, same
Message-ID on a retry); once sent, that copy is emptied, since it names
customers and the row is only needed as the once-a-day guard. Completing the
outbox row and setting ``sent_at`` commit together; a transient relay failure
backs off, anything else parks the row for a person (where the IG summary
shows it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from mailrouter.digest.send import DIGEST
from mailrouter.performer import Composed, Performer, utcnow
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.outbox import OutboxRow

__all__ = ["DigestPerformer", "utcnow"]


class DigestPerformer(Performer[int]):
    name = "digest"
    kinds = (DIGEST,)
    default_idle_seconds = 2.0

    def compose(self, row: OutboxRow) -> Composed[int]:
        send_id = row.payload.get("digest_send_id")
        if type(send_id) is not int:
            raise ValueError("payload field 'digest_send_id' must be an integer")
        with self.sessions() as session:
            sent = session.get(DigestSend, send_id)
            if sent is None:
                raise ValueError(f"digest {send_id} no longer exists")
            return Composed(sent.raw, sent.to_address, send_id)

    def record(self, session: Session, row: OutboxRow, done: int, now: datetime) -> None:
        session.execute(
            update(DigestSend)
            .where(DigestSend.id == done, DigestSend.sent_at.is_(None))
            # The copy held for retries names customers: not kept once delivered.
            .values(sent_at=now, raw=b"")
            .execution_options(synchronize_session=False)
        )
