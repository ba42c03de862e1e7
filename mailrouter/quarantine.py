"""Quarantined messages: list them, look at one, and parse them again.

A message is quarantined (``messages.status = 'quarantined'``) when it broke a
parsing limit or could not be read, or when routing failed on it; its raw
bytes are stored like any other's. ``retry`` parses the stored bytes again
with the current limits, in one transaction per message: on success the row
gets its parsed fields and addresses, becomes ``parsed`` with
``routed_at`` cleared, and routing takes it from there; otherwise the new
reason is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.errors import PermanentError
from mailrouter.parsing import parse
from mailrouter.rawstore import RawStore
from mailrouter.records import address_rows, record_values
from mailrouter.store.models import MessageAddress, MessageRecord

QUARANTINED = "quarantined"


@dataclass(frozen=True, slots=True)
class RetryResult:
    message_pk: int
    status: str  # "parsed", "quarantined", or "missing" (no such quarantined message)
    reason: str | None = None


def list_quarantined(
    sessions: sessionmaker[Session], *, limit: int = 100, source: str | None = None
) -> list[MessageRecord]:
    query = select(MessageRecord).where(MessageRecord.status == QUARANTINED)
    if source:
        query = query.where(MessageRecord.source == source)
    with sessions() as session:
        return list(session.scalars(query.order_by(MessageRecord.id).limit(limit)))


def quarantined_ids(sessions: sessionmaker[Session]) -> list[int]:
    with sessions() as session:
        query = select(MessageRecord.id).where(MessageRecord.status == QUARANTINED)
        return list(session.scalars(query.order_by(MessageRecord.id)))


def get(sessions: sessionmaker[Session], message_pk: int) -> tuple[MessageRecord, list[str]]:
    """The record and its addresses as "role: address" lines."""
    with sessions() as session:
        record = session.get(MessageRecord, message_pk)
        if record is None:
            raise PermanentError(f"no message {message_pk}")
        rows = session.execute(
            select(MessageAddress.role, MessageAddress.address)
            .where(MessageAddress.message_pk == message_pk)
            .order_by(MessageAddress.id)
        )
        return record, [f"{role}: {address}" for role, address in rows]


def retry(
    sessions: sessionmaker[Session],
    raw_store: RawStore,
    settings: Settings,
    message_pks: Sequence[int],
    *,
    now: datetime,
) -> list[RetryResult]:
    return [_retry_one(sessions, raw_store, settings, pk, now) for pk in message_pks]


def _retry_one(
    sessions: sessionmaker[Session],
    raw_store: RawStore,
    settings: Settings,
    message_pk: int,
    now: datetime,
) -> RetryResult:
    with sessions() as session, session.begin():
        record = session.scalar(
            select(MessageRecord).where(
                MessageRecord.id == message_pk, MessageRecord.status == QUARANTINED
            )
        )
        if record is None:
            return RetryResult(message_pk, "missing")
        raw = raw_store.get(session, record.raw_sha256)
        parsed = parse(raw, settings.limits, fold_subaddress=settings.policy.fold_subaddress)
        values = record_values(parsed, now)
        # The arrival time stays what it was; everything read from the message is renewed.
        values.pop("received_at")
        session.execute(
            update(MessageRecord)
            .where(MessageRecord.id == message_pk)
            .values(**values, routed_at=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(delete(MessageAddress).where(MessageAddress.message_pk == message_pk))
        rows = address_rows(message_pk, parsed)
        if rows:
            session.execute(insert(MessageAddress), rows)
    return RetryResult(message_pk, str(values["status"]), parsed.quarantine_reason)
