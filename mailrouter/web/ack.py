"""Marking diverted mail read from a signed link: what `mailrouter diverted ack` does, audited.

Idempotent: the first acknowledgement sets ``read_at``/``read_by`` on the
message's diverted and copied contacts and writes one audit row; repeating it
changes nothing and audits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.register import audit
from mailrouter.store.models import Case, CaseContact
from mailrouter.web.queries import READ_KINDS

ACTION = "diverted.read"


@dataclass(frozen=True, slots=True)
class AckResult:
    found: bool
    marked: int  # contacts newly marked read (0 when already read)


def acknowledge(session: Session, message_pk: int, reader: str, now: datetime) -> AckResult:
    """In the caller's transaction: mark ``message_pk`` read by ``reader``."""
    contacts = session.scalars(
        select(CaseContact)
        .where(CaseContact.message_pk == message_pk, CaseContact.kind.in_(READ_KINDS))
        .order_by(CaseContact.id)
        .with_for_update()
    ).all()
    fresh = [c for c in contacts if c.read_at is None]
    for contact in fresh:
        contact.read_at, contact.read_by = now, reader
        case = session.get(Case, contact.case_id)
        audit.append(
            session,
            actor=reader,
            action=ACTION,
            at=now,
            entity="case_contacts",
            entity_id=contact.id,
            customer_id=case.customer_id if case else None,
            case_id=contact.case_id,
            before={"read_at": None},
            after={"read_at": now, "read_by": reader, "via": "console"},
        )
    return AckResult(found=bool(contacts), marked=len(fresh))
