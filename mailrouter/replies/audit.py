"""Reply events on the register's hash-chained audit log (captured, bounced, released, ...).

Each event is one ``register.audit.append`` in the caller's transaction, so an
event and the change it records commit together. Payloads carry what IG needs
to follow a reply (ids, dates, reasons, Message-IDs), never the reply's text;
``customer_id`` is set so a deleted customer's payloads can be redacted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.register import audit
from mailrouter.store.models.register import Case
from mailrouter.store.models.replies import HeldReply

SYSTEM = "mailrouter"
ENTITY = "held_reply"

CAPTURED = "reply.captured"
BOUNCED = "reply.bounced"
RELEASED = "reply.released"
SENT = "reply.sent"
SENT_COPY = "reply.sent_copy_filed"
CANCELLED = "reply.cancelled"


def record(
    session: Session,
    reply: HeldReply,
    action: str,
    *,
    at: datetime,
    actor: str = SYSTEM,
    **details: object,
) -> None:
    """Append ``action`` about ``reply``; ``details`` go into the payload's "after"."""
    customer_id = session.scalars(select(Case.customer_id).where(Case.id == reply.case_id)).first()
    after = {"state": reply.state, "release_on": reply.release_on, **details}
    audit.append(
        session,
        actor=actor,
        action=action,
        at=at,
        entity=ENTITY,
        entity_id=reply.id,
        customer_id=customer_id,
        case_id=reply.case_id,
        after=after,
    )


def record_bounce(
    session: Session,
    *,
    spoc_id: str,
    draft_sha256: str,
    reason: str,
    at: datetime,
    **details: object,
) -> None:
    """A draft that was not held: no case is known, so the draft's hash names it."""
    audit.append(
        session,
        actor=spoc_id,
        action=BOUNCED,
        at=at,
        entity="reply_draft",
        entity_id=draft_sha256[:60],
        after={"reason": reason, **details},
    )
